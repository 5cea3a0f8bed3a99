import type { Page, ReviewSummary } from '../domain/records.ts'
import type { SiteSettings } from '../domain/settings.ts'
import {
  BROWSE_SORTS, listCredits, listFacetColumns, listOrderedIds, listTaggings, rolesByReview, type BrowseSort,
} from '../store/browse.ts'
import { listPublishedSummaries, type PublishedSummary } from '../store/reviews.ts'
import { getSiteSettings } from '../store/settings.ts'
import {
  FACETS, isCanonicalKey, loadFacetIndex, rolesText, type BrowsePageData, type Facet, type FacetTerm, type IndexPageData,
} from './browse.ts'
import type { Site } from './site.ts'

/** A facet value with its published reviews. */
export type TermMembers = { term: FacetTerm; ids: number[] }

/**
 * Every list of the public site at once: each published review as cards show it, the reviews in
 * every sort order, and the reviews of every facet value. The static build reads this once instead
 * of one page's worth per request; `homeList` and `browseList` then give the very data that
 * `loadHomePage` and `loadBrowsePage` give the server for the same page.
 */
export type SiteLists = {
  settings: SiteSettings
  reviews: Map<number, PublishedSummary>
  /** Published review ids in each sort order. */
  order: Record<BrowseSort, number[]>
  /** Every value of every facet that has a browse page, in index order, with its reviews. */
  terms: Record<Facet, TermMembers[]>
  /** Each facet's index page. */
  indexes: Record<Facet, IndexPageData>
  /** A person's roles in each of their reviews, by person slug, then review slug. */
  roles: Map<string, Record<string, string>>
}

/** Reads every list of the public site (see `SiteLists`). */
export async function loadSiteLists(site: Site): Promise<SiteLists> {
  const settings = await getSiteSettings(site.db)
  const lowerIsBetter = settings.meter.direction === 'lower-is-better'
  const [published, columns, taggings, credits, orders, indexes] = await Promise.all([
    listPublishedSummaries(site.db),
    listFacetColumns(site.db),
    listTaggings(site.db),
    listCredits(site.db),
    Promise.all(BROWSE_SORTS.map((sort) => listOrderedIds(site.db, {}, sort, lowerIsBetter))),
    Promise.all(FACETS.map((facet) => loadFacetIndex(site, facet))),
  ])
  const order = Object.fromEntries(BROWSE_SORTS.map((sort, i) => [sort, orders[i]!])) as Record<BrowseSort, number[]>

  // Members of each facet value, found the way the browse pages' filters find them.
  const members = Object.fromEntries(FACETS.map((f) => [f, new Map<string, Set<number>>()])) as Record<Facet, Map<string, Set<number>>>
  const add = (facet: Facet, key: string | null, id: number) => {
    if (key === null || key === '') return
    const set = members[facet].get(key)
    if (set) set.add(id)
    else members[facet].set(key, new Set([id]))
  }
  for (const c of columns) {
    add('country', c.originCode?.toLowerCase() ?? null, c.id)
    add('platform', c.platformSlug, c.id)
    add('year', c.year === null ? null : String(c.year), c.id)
    add('meter', c.meterValue === null ? null : String(c.meterValue), c.id)
  }
  for (const t of taggings) add('tag', t.tagSlug, t.reviewId)
  for (const c of credits) add('people', c.personSlug, c.reviewId)

  // The browse pages of a facet are its index page's values (every meter level, even an empty
  // one), less any the server would not serve under that spelling.
  const terms = Object.fromEntries(
    FACETS.map((facet, i) => [
      facet,
      indexes[i]!.items
        .filter((item) => isCanonicalKey(facet, item.key))
        .map((item) => ({ term: { facet, key: item.key, name: item.name }, ids: [...(members[facet].get(item.key) ?? [])] })),
    ]),
  ) as Record<Facet, TermMembers[]>

  const roles = new Map<string, Record<string, string>>()
  const creditsBySlug = new Map<string, typeof credits>()
  for (const c of credits) {
    const list = creditsBySlug.get(c.personSlug)
    if (list) list.push(c)
    else creditsBySlug.set(c.personSlug, [c])
  }
  for (const [slug, list] of creditsBySlug) {
    const record: Record<string, string> = {}
    for (const [reviewSlug, credited] of rolesByReview(list)) record[reviewSlug] = rolesText(credited)
    roles.set(slug, record)
  }

  return {
    settings,
    reviews: new Map(published.map((p) => [p.id, p])),
    order,
    terms,
    indexes: Object.fromEntries(FACETS.map((f, i) => [f, indexes[i]!])) as Record<Facet, IndexPageData>,
    roles,
  }
}

/** Pages of `ids` (already in order) as the lists show them. */
function pageOf(lists: SiteLists, ids: readonly number[], page: number): Page<ReviewSummary> {
  const perPage = lists.settings.perPage
  const items = ids.slice((page - 1) * perPage, page * perPage).map((id) => lists.reviews.get(id)!.summary)
  return { items, total: ids.length, page, perPage, pageCount: Math.max(1, Math.ceil(ids.length / perPage)) }
}

/** The home page's list for page `n` (what `loadHomePage` gives). */
export const homeList = (lists: SiteLists, n: number): Page<ReviewSummary> => pageOf(lists, lists.order.newest, n)

/** How many pages the home page has. */
export const homePageCount = (lists: SiteLists): number => Math.max(1, Math.ceil(lists.order.newest.length / lists.settings.perPage))

/** Ranks of the reviews in each sort order, for ordering a facet value's reviews. */
export function sortRanks(lists: SiteLists): Record<BrowseSort, Map<number, number>> {
  return Object.fromEntries(BROWSE_SORTS.map((sort) => [sort, new Map(lists.order[sort].map((id, i) => [id, i]))])) as Record<BrowseSort, Map<number, number>>
}

/** The sorts a value's browse page offers: every one once there are two reviews to order. */
export const sortsOf = (members: TermMembers): readonly BrowseSort[] => (members.ids.length > 1 ? BROWSE_SORTS : ['newest'])

/** A facet value's reviews in one sort order; `ranks` from `sortRanks`. */
export function orderedMembers(members: TermMembers, sort: BrowseSort, ranks: Record<BrowseSort, Map<number, number>>): number[] {
  const rank = ranks[sort]
  return [...members.ids].sort((a, b) => rank.get(a)! - rank.get(b)!)
}

/** One browse page's data (what `loadBrowsePage` gives), from a value's reviews in the page's order. */
export function browseList(lists: SiteLists, members: TermMembers, sort: BrowseSort, ordered: readonly number[], n: number): Omit<BrowsePageData, 'settings'> {
  const roles = members.term.facet === 'people' ? (lists.roles.get(members.term.key) ?? {}) : null
  return { term: members.term, sort, list: pageOf(lists, ordered, n), roles }
}
