import { toPage, type Page, type ReviewSummary } from '../domain/records.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { BROWSE_SORTS, listCreditRows, listOrderedIds, listTaggingRows, rolesByReview, type BrowseSort, type Credit } from '../store/browse.ts'
import { listPublishedStamps, listSummaries, type PublishedStamp } from '../store/reviews.ts'
import { getSiteSettings } from '../store/settings.ts'
import {
  FACETS, findTerm, isCanonicalKey, loadFacetIndex, rolesText, type BrowsePageData, type Facet, type FacetTerm, type IndexPageData,
} from './browse.ts'
import type { Site } from './site.ts'

/** A facet value with its published reviews in each order its pages offer. */
export type TermMembers = {
  term: FacetTerm
  /** Review ids in each sort order; every order once there are two reviews, else only `newest`. */
  orders: Partial<Record<BrowseSort, number[]>> & { newest: number[] }
}

/**
 * The lists of the public site, read in bulk for the static build: each published review as cards
 * show it, the reviews in home page order, the reviews of facet values in every sort, the index
 * pages, people's roles. `homeList` and `browseList` then give the very data that `loadHomePage`
 * and `loadBrowsePage` give the server for the same page.
 *
 * A full build reads all of it (`loadSiteLists`); a build after a few edits reads only the values
 * and indexes those edits can change (`loadSomeLists`), and the cards of the pages it renders.
 */
export type SiteLists = {
  settings: SiteSettings
  /** Every published review, newest first, with what marks a change. */
  published: PublishedStamp[]
  /** Cards by review id: all of them, or those of the pages to render (`addSummaries`). */
  reviews: Map<number, ReviewSummary>
  /** Facet values with browse pages, in index order: all of them, or the ones asked for. */
  terms: Record<Facet, TermMembers[]>
  /** Index pages: all, or the ones asked for. */
  indexes: Partial<Record<Facet, IndexPageData>>
  /** A person's roles in each of their reviews, by person slug, then review slug. */
  roles: Map<string, Record<string, string>>
}

/** The sorts a value's browse page offers: every one once there are two reviews to order. */
export const sortsOf = (count: number): readonly BrowseSort[] => (count > 1 ? BROWSE_SORTS : ['newest'])

/** The published reviews of each facet value, by facet, under browse page keys (`kr`, `netflix`, `2024`…). */
export type Memberships = Record<Facet, Map<string, Set<number>>>

/**
 * Which published reviews each facet value has, found the way the browse pages' filters find
 * them: country, platform, year and meter from the reviews' stamps, tags and people from their rows.
 */
function memberships(
  published: readonly PublishedStamp[],
  taggings: { reviewId: number; tagSlug: string }[],
  credits: { personSlug: string; reviewId: number }[],
  only?: Record<Facet, Set<string>>,
): Memberships {
  const members = Object.fromEntries(FACETS.map((f) => [f, new Map<string, Set<number>>()])) as Memberships
  const isPublished = new Set(published.map((p) => p.id))
  const add = (facet: Facet, key: string | null, id: number) => {
    if (key === null || key === '' || (only && !only[facet].has(key)) || !isPublished.has(id) || !isCanonicalKey(facet, key)) return
    const set = members[facet].get(key)
    if (set) set.add(id)
    else members[facet].set(key, new Set([id]))
  }
  for (const p of published) {
    add('country', p.originCode?.toLowerCase() ?? null, p.id)
    add('platform', p.platformSlug, p.id)
    add('year', p.year === null ? null : String(p.year), p.id)
    add('meter', p.meterValue === null ? null : String(p.meterValue), p.id)
  }
  for (const t of taggings) add('tag', t.tagSlug, t.reviewId)
  for (const c of credits) add('people', c.personSlug, c.reviewId)
  return members
}

/** The facet values some reviews have as they stand (published ones; others have none). */
export async function membershipsOf(site: Site, published: readonly PublishedStamp[], ids: number[]): Promise<Memberships> {
  const wanted = new Set(ids)
  const [taggings, credits] = await Promise.all([listTaggingRows(site.db, { reviewIds: ids }), listCreditRows(site.db, { reviewIds: ids })])
  return memberships(published.filter((p) => wanted.has(p.id)), taggings, credits)
}

/** A person's roles in each published review, by person slug, then review slug. */
function rolesOf(published: readonly PublishedStamp[], rows: { personSlug: string; reviewId: number; role: string | null }[]): Map<string, Record<string, string>> {
  const slugs = new Map(published.map((p) => [p.id, p.slug]))
  const bySlug = new Map<string, Credit[]>()
  for (const r of rows) {
    const reviewSlug = slugs.get(r.reviewId)
    if (reviewSlug === undefined) continue
    const credit = { ...r, reviewSlug }
    const list = bySlug.get(r.personSlug)
    if (list) list.push(credit)
    else bySlug.set(r.personSlug, [credit])
  }
  const roles = new Map<string, Record<string, string>>()
  for (const [slug, list] of bySlug) {
    const record: Record<string, string> = {}
    for (const [reviewSlug, credited] of rolesByReview(list)) record[reviewSlug] = rolesText(credited)
    roles.set(slug, record)
  }
  return roles
}

/**
 * Ranks of every published review in each sort order. Newest and oldest come from the stamps (one
 * is the other reversed); title and meter orders are the database's own, as the server's lists.
 */
async function sortRanks(site: Site, settings: SiteSettings, published: readonly PublishedStamp[]): Promise<Record<BrowseSort, Map<number, number>>> {
  const lowerIsBetter = settings.meter.direction === 'lower-is-better'
  const [title, meter] = await Promise.all([listOrderedIds(site.db, {}, 'title', lowerIsBetter), listOrderedIds(site.db, {}, 'meter', lowerIsBetter)])
  const rank = (ids: readonly number[]) => new Map(ids.map((id, i) => [id, i]))
  const newest = published.map((p) => p.id)
  return { newest: rank(newest), oldest: rank([...newest].reverse()), title: rank(title), meter: rank(meter) }
}

function membersOf(term: FacetTerm, ids: Iterable<number>, ranks: Record<BrowseSort, Map<number, number>>): TermMembers {
  const list = [...ids]
  const ordered = (sort: BrowseSort) => [...list].sort((a, b) => ranks[sort].get(a)! - ranks[sort].get(b)!)
  return { term, orders: Object.fromEntries(sortsOf(list.length).map((s) => [s, ordered(s)])) as TermMembers['orders'] }
}

/** Reads every list of the public site. */
export async function loadSiteLists(site: Site, published?: PublishedStamp[]): Promise<SiteLists> {
  const settings = await getSiteSettings(site.db)
  const stamps = published ?? (await listPublishedStamps(site.db))
  const [summaries, taggings, credits, ranks, indexes] = await Promise.all([
    listSummaries(site.db),
    listTaggingRows(site.db),
    listCreditRows(site.db),
    sortRanks(site, settings, stamps),
    Promise.all(FACETS.map((facet) => loadFacetIndex(site, facet))),
  ])
  const members = memberships(stamps, taggings, credits)
  const terms = Object.fromEntries(
    FACETS.map((facet, i) => [
      facet,
      indexes[i]!.items
        .filter((item) => isCanonicalKey(facet, item.key))
        .map((item) => membersOf({ facet, key: item.key, name: item.name }, members[facet].get(item.key) ?? [], ranks)),
    ]),
  ) as Record<Facet, TermMembers[]>
  return {
    settings,
    published: stamps,
    reviews: summaries,
    terms,
    indexes: Object.fromEntries(FACETS.map((f, i) => [f, indexes[i]!])) as Record<Facet, IndexPageData>,
    roles: rolesOf(stamps, credits),
  }
}

/**
 * Reads the lists a few edits can change: the given facet values in every order, the given index
 * pages, and the roles of the given people; no cards yet (`addSummaries`). A value that no longer
 * has a browse page is left out.
 */
export async function loadSomeLists(
  site: Site,
  published: PublishedStamp[],
  wanted: { terms: { facet: Facet; key: string }[]; indexes: Facet[] },
): Promise<SiteLists> {
  const settings = await getSiteSettings(site.db)
  const keys = (facet: Facet) => wanted.terms.filter((t) => t.facet === facet && isCanonicalKey(facet, t.key)).map((t) => t.key)
  const [taggings, credits, ranks] = await Promise.all([
    listTaggingRows(site.db, { slugs: keys('tag') }),
    listCreditRows(site.db, { slugs: keys('people') }),
    sortRanks(site, settings, published),
  ])
  // Only the values asked for: an edit's build looks at a few of them among thousands.
  const members = memberships(published, taggings, credits, Object.fromEntries(FACETS.map((f) => [f, new Set(keys(f))])) as Record<Facet, Set<string>>)
  const terms = Object.fromEntries(FACETS.map((f) => [f, [] as TermMembers[]])) as Record<Facet, TermMembers[]>
  for (const facet of FACETS) {
    for (const key of keys(facet)) {
      const ids = members[facet].get(key) ?? new Set<number>()
      // Only the meter's levels have a page with no review; their names come as the server finds them.
      if (ids.size === 0 && facet !== 'meter') continue
      const found = await findTerm(site, settings, facet, key).catch(() => null)
      if (found) terms[facet].push(membersOf(found.term, ids, ranks))
    }
  }
  const indexes: Partial<Record<Facet, IndexPageData>> = {}
  for (const facet of wanted.indexes) indexes[facet] = await loadFacetIndex(site, facet)
  return { settings, published, reviews: new Map(), terms, indexes, roles: rolesOf(published, credits) }
}

/** Reads the cards of the given reviews into the lists, where they are not there yet. */
export async function addSummaries(site: Site, lists: SiteLists, ids: Iterable<number>): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => !lists.reviews.has(id))
  if (missing.length) for (const [id, summary] of await listSummaries(site.db, missing)) lists.reviews.set(id, summary)
}

/** Page `n` of `ids` (already in order), as the lists show it. */
function pageOf(lists: SiteLists, ids: readonly number[], page: number): Page<ReviewSummary> {
  const perPage = lists.settings.perPage
  const items = ids.slice((page - 1) * perPage, page * perPage).map((id) => lists.reviews.get(id)!)
  return toPage(items, ids.length, page, perPage)
}

/** The ids of published reviews, newest first. */
export const newestIds = (lists: SiteLists): number[] => lists.published.map((p) => p.id)

/** The home page's list for page `n` (what `loadHomePage` gives); `newest` from `newestIds`. */
export const homeList = (lists: SiteLists, newest: readonly number[], n: number): Page<ReviewSummary> => pageOf(lists, newest, n)

/** One browse page's data (what `loadBrowsePage` gives). */
export function browseList(lists: SiteLists, members: TermMembers, sort: BrowseSort, n: number): Omit<BrowsePageData, 'settings'> {
  const roles = members.term.facet === 'people' ? (lists.roles.get(members.term.key) ?? {}) : null
  return { term: members.term, sort, list: pageOf(lists, members.orders[sort] ?? [], n), roles }
}
