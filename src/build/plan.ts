import { createHash } from 'node:crypto'
import { FACETS, type Facet } from '../services/browse.ts'
import type { DiaryPageData } from '../services/diary.ts'
import { FEED_SIZE } from '../services/feeds.ts'
import { homePageCount, orderedMembers, sortRanks, sortsOf, type SiteLists, type TermMembers } from '../services/site-lists.ts'
import { browseJob, diaryJob, feedJobs, homeJob, indexJob, reviewJob, yearJob, type PageJob } from './jobs.ts'

/** A job with the group of pages it belongs to and a hash of everything its file is made from. */
export type PlannedJob = { job: PageJob; group: string; input: string }

const hash = (...parts: unknown[]) => createHash('sha1').update(JSON.stringify(parts)).digest('base64url')

// Groups of pages: a review's page; the home pages; every page of one facet value; a facet's
// index; the feeds; the diary; the one-off files. An edit to a review can only change its own
// group, the home pages, the feeds, the site files and the groups of the values it has (or had).
export const reviewGroup = (id: number) => `review:${id}`
export const termGroup = (facet: Facet, key: string) => `${facet}:${key}`
export const indexGroup = (facet: Facet) => `index:${facet}`
export const HOME = 'home'
export const FEEDS = 'feeds'
export const DIARY = 'diary'
export const SITE = 'site'

/**
 * Every page of the static site by group, each with the data it is made from boiled down to an
 * input hash. `fingerprints` says how each published review looks; a list page's input holds the
 * fingerprints of the reviews it shows, so an edit changes the input of exactly the pages that
 * show the review.
 */
export class SitePlan {
  private readonly ranks: ReturnType<typeof sortRanks>
  private readonly terms = new Map<string, TermMembers>()
  /** The facet value groups of each review (`tag:thriller`, `country:kr`…). */
  readonly termGroupsOf = new Map<number, string[]>()

  constructor(
    readonly lists: SiteLists,
    private readonly fingerprints: Map<number, string>,
    private readonly diary: { first: DiaryPageData; stamp: string },
  ) {
    this.ranks = sortRanks(lists)
    for (const facet of FACETS) {
      for (const m of lists.terms[facet]) {
        const group = termGroup(facet, m.term.key)
        this.terms.set(group, m)
        for (const id of m.ids) {
          const list = this.termGroupsOf.get(id)
          if (list) list.push(group)
          else this.termGroupsOf.set(id, [group])
        }
      }
    }
  }

  /** Every group of the site, in the order they are rendered. */
  allGroups(): string[] {
    return [
      ...this.lists.order.newest.map(reviewGroup),
      HOME,
      ...this.terms.keys(),
      ...FACETS.map(indexGroup),
      FEEDS,
      DIARY,
      SITE,
    ]
  }

  /** The pages of a group as the site stands; none for a group that no longer exists. */
  jobsOf(group: string): PlannedJob[] {
    const [kind, rest] = [group.slice(0, group.indexOf(':')), group.slice(group.indexOf(':') + 1)]
    if (group === HOME) return this.homeJobs()
    if (group === FEEDS) return this.feedJobs()
    if (group === DIARY) return this.diaryJobs()
    if (group === SITE) return this.siteJobs()
    if (kind === 'review') return this.reviewJobs(Number(rest))
    if (kind === 'index') return [{ job: indexJob(rest as Facet), group, input: hash('index', this.lists.indexes[rest as Facet].items) }]
    const members = this.terms.get(group)
    return members ? this.termJobs(members) : []
  }

  private cards(ids: readonly number[]): string[] {
    return ids.map((id) => `${id}:${this.fingerprints.get(id)}`)
  }

  private reviewJobs(id: number): PlannedJob[] {
    const r = this.lists.reviews.get(id)
    return r ? [{ job: reviewJob(id, r.summary.slug), group: reviewGroup(id), input: hash('review', this.fingerprints.get(id)) }] : []
  }

  private homeJobs(): PlannedJob[] {
    const perPage = this.lists.settings.perPage
    const ids = this.lists.order.newest
    return Array.from({ length: homePageCount(this.lists) }, (_, i) => ({
      job: homeJob(i + 1),
      group: HOME,
      input: hash('home', i + 1, ids.length, this.cards(ids.slice(i * perPage, (i + 1) * perPage))),
    }))
  }

  /** Every sort and page of one facet value. */
  private termJobs(m: TermMembers): PlannedJob[] {
    const perPage = this.lists.settings.perPage
    const { facet, key, name } = m.term
    const roles = facet === 'people' ? (this.lists.roles.get(key) ?? {}) : null
    const out: PlannedJob[] = []
    for (const sort of sortsOf(m)) {
      const ordered = orderedMembers(m, sort, this.ranks)
      const pages = Math.max(1, Math.ceil(ordered.length / perPage))
      for (let n = 1; n <= pages; n++) {
        const shown = ordered.slice((n - 1) * perPage, n * perPage)
        out.push({
          job: browseJob(facet, key, sort, n),
          group: termGroup(facet, key),
          input: hash('browse', name, sort, n, ordered.length, roles, this.cards(shown)),
        })
      }
    }
    return out
  }

  /** Feeds: the site's three, then an Atom feed per tag and per country, each made from its newest reviews. */
  private feedJobs(): PlannedJob[] {
    const newest = (ids: readonly number[]) => this.cards(ids.slice(0, FEED_SIZE))
    const out: PlannedJob[] = feedJobs({ kind: 'site' }).map((job) => ({ job, group: FEEDS, input: hash('feed', job.path, newest(this.lists.order.newest)) }))
    for (const facet of ['tag', 'country'] as const) {
      for (const m of this.lists.terms[facet]) {
        const ids = orderedMembers(m, 'newest', this.ranks)
        const scope = facet === 'tag' ? { kind: 'tag' as const, slug: m.term.key } : { kind: 'country' as const, code: m.term.key }
        for (const job of feedJobs(scope)) out.push({ job, group: FEEDS, input: hash('feed', job.path, m.term.name, newest(ids)) })
      }
    }
    return out
  }

  /**
   * The diary's pages and years. Their input is the diary's own stamp and every review's
   * fingerprint (entries link their reviews), so they are rendered again when either changes.
   */
  private diaryJobs(): PlannedJob[] {
    const { first, stamp } = this.diary
    const input = hash('diary', stamp, [...this.fingerprints])
    return [
      ...Array.from({ length: first.list.pageCount }, (_, i) => ({ job: diaryJob(i + 1), group: DIARY, input })),
      ...first.years.map((y) => ({ job: yearJob(y), group: DIARY, input })),
    ]
  }

  /** One-off files: the sitemap (every review's last change), robots.txt, the not-found page, search. */
  private siteJobs(): PlannedJob[] {
    return [
      { job: { kind: 'sitemap', path: '/sitemap.xml' }, group: SITE, input: hash('sitemap', this.diary.stamp, this.cards(this.lists.order.newest)) },
      { job: { kind: 'robots', path: '/robots.txt' }, group: SITE, input: hash('robots') },
      { job: { kind: 'not-found', path: '/404.html' }, group: SITE, input: hash('404') },
      { job: { kind: 'search', path: '/search' }, group: SITE, input: hash('search') },
    ]
  }
}
