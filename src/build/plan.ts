import { createHash } from 'node:crypto'
import { FACETS, type Facet } from '../services/browse.ts'
import type { DiaryPageData } from '../services/diary.ts'
import { FEED_SIZE } from '../services/feeds.ts'
import { newestIds, sortsOf, type SiteLists, type TermMembers } from '../services/site-lists.ts'
import { browseJob, diaryJob, feedJobs, homeJob, indexJob, listJob, listsJob, reviewJob, yearJob, type PageJob } from './jobs.ts'

/** A job with the group of pages it belongs to, a hash of everything its file is made from, and the reviews it lists. */
export type PlannedJob = { job: PageJob; group: string; input: string; shows?: number[] }

const hash = (...parts: unknown[]) => createHash('sha1').update(JSON.stringify(parts)).digest('base64url')

// Groups of pages: a review's page; the home pages; every page and the feed of one facet value; a
// facet's index; the site's feeds; the diary; the lists; the one-off files. A change to a review can only
// change its own group, the home pages, the site's feeds, the site files, the diary (when an entry
// links it), the indexes, and the groups of the values it has or had.
export const reviewGroup = (id: number) => `review:${id}`
export const termGroup = (facet: Facet, key: string) => `${facet}:${key}`
export const indexGroup = (facet: Facet) => `index:${facet}`
export const HOME = 'home'
export const FEEDS = 'feeds'
export const DIARY = 'diary'
export const LISTS = 'lists'
export const SITE = 'site'

/** The facet and key of a term group, or null for any other group. */
export function termOfGroup(group: string): { facet: Facet; key: string } | null {
  const at = group.indexOf(':')
  const facet = group.slice(0, at) as Facet
  return at > 0 && FACETS.includes(facet) ? { facet, key: group.slice(at + 1) } : null
}

/** What the diary's pages are made from: its first page (page count, years), a stamp of its entries, the reviews they link. */
export type DiaryState = { first: DiaryPageData; stamp: string; linked: number[] }

/** What the lists' pages are made from: a stamp of every list, the published lists' slugs, the reviews they link. */
export type ListsState = { stamp: string; slugs: string[]; linked: number[] }

const NO_LISTS: ListsState = { stamp: '', slugs: [], linked: [] }

/**
 * The pages of the static site by group, each with the data it is made from boiled down to an
 * input hash. `fingerprints` says how each published review looks; a list page's input holds the
 * fingerprints of the reviews it shows, so an edit changes the input of exactly the pages that
 * show the review. It plans from whatever `lists` holds: everything for a full build, the values
 * an edit touches for the next one.
 */
export class SitePlan {
  private readonly terms = new Map<string, TermMembers>()
  private readonly newest: number[]
  private readonly slugs: Map<number, string>

  constructor(
    readonly lists: SiteLists,
    private readonly fingerprints: Map<number, string>,
    private readonly diary: DiaryState,
    private readonly showLists: ListsState = NO_LISTS,
  ) {
    this.newest = newestIds(lists)
    this.slugs = new Map(lists.published.map((p) => [p.id, p.slug]))
    for (const facet of FACETS) for (const m of lists.terms[facet]) this.terms.set(termGroup(facet, m.term.key), m)
  }

  /** Every group the lists hold, in the order they are rendered. */
  allGroups(): string[] {
    const indexes = FACETS.filter((f) => this.lists.indexes[f]).map(indexGroup)
    return [...this.newest.map(reviewGroup), HOME, ...this.terms.keys(), ...indexes, FEEDS, DIARY, LISTS, SITE]
  }

  /** The pages of a group as the site stands; none for a group that no longer exists. */
  jobsOf(group: string): PlannedJob[] {
    if (group === HOME) return this.homeJobs()
    if (group === FEEDS) return this.siteFeedJobs()
    if (group === DIARY) return this.diaryJobs()
    if (group === LISTS) return this.listJobs()
    if (group === SITE) return this.siteJobs()
    if (group.startsWith('review:')) return this.reviewJobs(Number(group.slice('review:'.length)))
    if (group.startsWith('index:')) {
      const facet = group.slice('index:'.length) as Facet
      const index = this.lists.indexes[facet]
      return index ? [{ job: indexJob(facet), group, input: hash('index', index.items) }] : []
    }
    const members = this.terms.get(group)
    return members ? this.termJobs(members) : []
  }

  private cards(ids: readonly number[]): string[] {
    return ids.map((id) => `${id}:${this.fingerprints.get(id)}`)
  }

  private reviewJobs(id: number): PlannedJob[] {
    const fingerprint = this.fingerprints.get(id)
    const slug = this.slugs.get(id)
    return fingerprint && slug ? [{ job: reviewJob(id, slug), group: reviewGroup(id), input: hash('review', fingerprint) }] : []
  }

  private homeJobs(): PlannedJob[] {
    const perPage = this.lists.settings.perPage
    const ids = this.newest
    return Array.from({ length: Math.max(1, Math.ceil(ids.length / perPage)) }, (_, i) => {
      const shows = ids.slice(i * perPage, (i + 1) * perPage)
      return { job: homeJob(i + 1), group: HOME, input: hash('home', i + 1, ids.length, this.cards(shows)), shows }
    })
  }

  /** Every sort and page of one facet value, and a tag's or country's feed. */
  private termJobs(m: TermMembers): PlannedJob[] {
    const perPage = this.lists.settings.perPage
    const { facet, key, name } = m.term
    const group = termGroup(facet, key)
    const roles = facet === 'people' ? (this.lists.roles.get(key) ?? {}) : null
    const out: PlannedJob[] = []
    for (const sort of sortsOf(m.orders.newest.length)) {
      const ordered = m.orders[sort] ?? []
      const pages = Math.max(1, Math.ceil(ordered.length / perPage))
      for (let n = 1; n <= pages; n++) {
        const shows = ordered.slice((n - 1) * perPage, n * perPage)
        out.push({ job: browseJob(facet, key, sort, n), group, input: hash('browse', name, sort, n, ordered.length, roles, this.cards(shows)), shows })
      }
    }
    if (facet === 'tag' || facet === 'country') {
      const scope = facet === 'tag' ? { kind: 'tag' as const, slug: key } : { kind: 'country' as const, code: key }
      const newest = this.cards(m.orders.newest.slice(0, FEED_SIZE))
      for (const job of feedJobs(scope)) out.push({ job, group, input: hash('feed', job.path, name, newest) })
    }
    return out
  }

  /** The site's feeds in each format, made from its newest reviews. */
  private siteFeedJobs(): PlannedJob[] {
    const newest = this.cards(this.newest.slice(0, FEED_SIZE))
    // Published lists are entries of the site's feeds too.
    const lists = [this.showLists.stamp, this.cards(this.showLists.linked)]
    return feedJobs({ kind: 'site' }).map((job) => ({ job, group: FEEDS, input: hash('feed', job.path, newest, lists) }))
  }

  /** The diary's pages and years, made from its entries and the reviews they link. */
  private diaryJobs(): PlannedJob[] {
    const { first, stamp, linked } = this.diary
    const input = hash('diary', stamp, this.cards(linked))
    return [
      ...Array.from({ length: first.list.pageCount }, (_, i) => ({ job: diaryJob(i + 1), group: DIARY, input })),
      ...first.years.map((y) => ({ job: yearJob(y), group: DIARY, input })),
    ]
  }

  /** The index of lists and each published list's page, made from the lists and the reviews they link. */
  private listJobs(): PlannedJob[] {
    const { stamp, slugs, linked } = this.showLists
    const input = hash('lists', stamp, this.cards(linked))
    return [{ job: listsJob(), group: LISTS, input }, ...slugs.map((slug) => ({ job: listJob(slug), group: LISTS, input }))]
  }

  /** One-off files: the sitemap (every review's last change, the diary's), robots.txt, the not-found page, search. */
  private siteJobs(): PlannedJob[] {
    return [
      { job: { kind: 'sitemap', path: '/sitemap.xml' }, group: SITE, input: hash('sitemap', this.diary.stamp, this.showLists.stamp, this.cards(this.newest)) },
      { job: { kind: 'robots', path: '/robots.txt' }, group: SITE, input: hash('robots') },
      { job: { kind: 'not-found', path: '/404.html' }, group: SITE, input: hash('404') },
      { job: { kind: 'search', path: '/search' }, group: SITE, input: hash('search') },
    ]
  }
}
