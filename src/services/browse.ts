import { countryByCode, findCountry } from '../domain/countries.ts'
import { DramalogError, NotFoundError } from '../domain/errors.ts'
import type { Page, ReviewSummary } from '../domain/records.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { slugify } from '../domain/slug.ts'
import { orderDocument } from '../formats/json.ts'
import {
  BROWSE_SORTS, browseRecords, browseSummaries, countByCountry, countByMeter, countByPerson, countByPlatform, countByTag, countByYear,
  findNamedByName, findNamedBySlug, findPlatformName, listCredits, rolesByReview, type BrowseFilter, type BrowseSort, type FacetCount,
} from '../store/browse.ts'
import { findReviewBySlug } from '../store/reviews.ts'
import { getSiteSettings } from '../store/settings.ts'
import type { Site } from './site.ts'

export { BROWSE_SORTS, type BrowseSort }

/** The ways readers browse reviews; each is a URL prefix (`/country/kr`) and an index page (`/country`). */
export const FACETS = ['country', 'platform', 'year', 'meter', 'tag', 'people'] as const
export type Facet = (typeof FACETS)[number]

/** One value of a facet as pages show it: `key` is its URL part, `name` what readers read. */
export type FacetTerm = { facet: Facet; key: string; name: string }

export type BrowsePageData = {
  settings: SiteSettings
  term: FacetTerm
  sort: BrowseSort
  list: Page<ReviewSummary>
  /** On a person's page, their roles in each review by review slug ("Director, Writer"); null elsewhere. */
  roles: Record<string, string> | null
}

/** One row of an index page. */
export type IndexItem = { key: string; name: string; count: number; note: string | null }
export type IndexPageData = { settings: SiteSettings; facet: Facet; items: IndexItem[] }

const YEAR = /^\d{4}$/
const METER = /^(0|[1-9]\d?)$/

/** True when a string is a sort the browse pages know. */
export const isBrowseSort = (s: string): s is BrowseSort => (BROWSE_SORTS as readonly string[]).includes(s)

/**
 * Whether a URL part is already the canonical spelling of a facet value (so it needs no redirect).
 * Only the form is checked: whether any review has the value is for `loadBrowsePage` to find out.
 * @example isCanonicalKey('country', 'kr') // true; 'KR' and 'korea' are other spellings
 */
export function isCanonicalKey(facet: Facet, raw: string): boolean {
  switch (facet) {
    case 'country':
      return /^[a-z]{2}$/.test(raw) && countryByCode(raw) !== undefined
    case 'year':
      return YEAR.test(raw)
    case 'meter':
      return METER.test(raw)
    default:
      return raw.length > 0 && slugify(raw) === raw
  }
}

/**
 * The canonical URL part for another spelling of a facet value (`KR`, `korea` → `kr`; `Slow Burn` →
 * `slow-burn`), or undefined when it names nothing. Tags and people are looked up by name first, so
 * "C++" finds its own tag rather than the "C" its slug would collide with.
 */
export async function findCanonicalKey(site: Site, facet: Facet, raw: string): Promise<string | undefined> {
  const text = raw.normalize('NFC').trim()
  switch (facet) {
    case 'country':
      return findCountry(text)?.code.toLowerCase()
    case 'year':
      return /^\d{1,4}$/.test(text) && Number(text) >= 1000 ? String(Number(text)) : undefined
    case 'meter':
      return /^\d{1,3}$/.test(text) ? String(Number(text)) : undefined
    case 'platform':
      return slugify(text) || undefined
    case 'tag':
    case 'people': {
      const table = facet === 'tag' ? 'tags' : 'people'
      const named = await findNamedByName(site.db, table, text)
      if (named) return named.slug
      const slug = slugify(text)
      return slug && (await findNamedBySlug(site.db, table, slug)) ? slug : undefined
    }
  }
}

/** Finds what a canonical key names, and the filter of its reviews; throws NotFoundError when nothing does. */
export async function findTerm(site: Site, settings: SiteSettings, facet: Facet, key: string): Promise<{ term: FacetTerm; filter: BrowseFilter }> {
  const missing = () => new NotFoundError(facet, key)
  switch (facet) {
    case 'country': {
      const country = countryByCode(key)
      if (!country) throw missing()
      return { term: { facet, key, name: country.name }, filter: { originCode: country.code } }
    }
    case 'platform': {
      const name = await findPlatformName(site.db, key)
      if (name === undefined) throw missing()
      return { term: { facet, key, name }, filter: { platformSlug: key } }
    }
    case 'year':
      return { term: { facet, key, name: key }, filter: { year: Number(key) } }
    case 'meter': {
      const value = Number(key)
      if (value > settings.meter.max) throw missing()
      return { term: { facet, key, name: key }, filter: { meterValue: value } }
    }
    case 'tag':
    case 'people': {
      const found = await findNamedBySlug(site.db, facet === 'tag' ? 'tags' : 'people', key)
      if (!found) throw missing()
      return { term: { facet, key, name: found.name }, filter: facet === 'tag' ? { tagSlug: key } : { personSlug: key } }
    }
  }
}

const roleLabel = (role: string | null) => {
  const r = role?.trim() || 'cast'
  return r.charAt(0).toUpperCase() + r.slice(1)
}

/** "Director, Writer" from a person's roles, duplicates dropped. */
export const rolesText = (roles: readonly (string | null)[]): string => [...new Set(roles.map(roleLabel))].join(', ')

/**
 * Data for one browse page: the published reviews with a facet value, sorted and paginated like the
 * home page. A value no published review has is not found (a meter level in range is always a page:
 * the scale is the site's own), and so are pages past the last.
 */
export async function loadBrowsePage(site: Site, facet: Facet, key: string, sort: BrowseSort, page: number): Promise<BrowsePageData> {
  const settings = await getSiteSettings(site.db)
  const { term, filter } = await findTerm(site, settings, facet, key)
  const lowerIsBetter = settings.meter.direction === 'lower-is-better'
  const list = await browseSummaries(site.db, { filter, sort, lowerIsBetter, page, perPage: settings.perPage })
  if (list.total === 0 && facet !== 'meter') throw new NotFoundError(facet, key)
  if (page > list.pageCount) throw new NotFoundError('page', String(page))
  let roles: Record<string, string> | null = null
  if (facet === 'people') {
    roles = {}
    for (const [slug, credited] of rolesByReview(await listCredits(site.db, key))) roles[slug] = rolesText(credited)
  }
  return { settings, term, sort, list, roles }
}

// One collator for every comparison: localeCompare with options builds a new one per call.
const NAMES = new Intl.Collator('en', { sensitivity: 'base' })
const byCountThenName = (a: FacetCount, b: FacetCount) => b.count - a.count || NAMES.compare(a.name, b.name) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

/**
 * Data for a facet's index page: every value with its number of published reviews, most used first
 * (then by name). Years run newest first and meter levels best first instead, as readers scan them in
 * order; every level of the meter is listed, even one no review has yet.
 */
export async function loadFacetIndex(site: Site, facet: Facet): Promise<IndexPageData> {
  const settings = await getSiteSettings(site.db)
  const plain = (rows: FacetCount[]): IndexItem[] => rows.map((r) => ({ ...r, note: null }))
  let items: IndexItem[]
  switch (facet) {
    case 'country':
      items = plain((await countByCountry(site.db)).sort(byCountThenName)).map((i) => ({ ...i, key: i.key.toLowerCase() }))
      break
    case 'platform':
      items = plain((await countByPlatform(site.db)).sort(byCountThenName))
      break
    case 'tag':
      items = plain((await countByTag(site.db)).sort(byCountThenName))
      break
    case 'people':
      items = (await countByPerson(site.db)).sort(byCountThenName).map(({ roles, ...p }) => ({ ...p, note: rolesText(roles) }))
      break
    case 'year':
      items = plain((await countByYear(site.db)).sort((a, b) => Number(b.key) - Number(a.key)))
      break
    case 'meter': {
      const counts = new Map((await countByMeter(site.db)).map((r) => [Number(r.key), r.count]))
      const levels = Array.from({ length: settings.meter.max + 1 }, (_, i) => i)
      if (settings.meter.direction === 'higher-is-better') levels.reverse()
      items = levels.map((n) => ({ key: String(n), name: String(n), count: counts.get(n) ?? 0, note: null }))
      break
    }
  }
  return { settings, facet, items }
}

/** Thrown when a read API query has a parameter it cannot use; the API answers 400. */
export class BadQueryError extends DramalogError {
  override name = 'BadQueryError' as const
  constructor(message: string) {
    super('invalid_input', message)
  }
}

/** A read API query after checking: filter, sort and page. */
export type ApiQuery = { filter: BrowseFilter; sort: BrowseSort; page: number; perPage: number }

export const API_MAX_PER_PAGE = 100
export const API_DEFAULT_PER_PAGE = 20
const API_PARAMS = ['country', 'platform', 'year', 'meter', 'tag', 'person', 'sort', 'page', 'perPage'] as const

/**
 * Checks the query parameters of `GET /api/reviews`. Unknown or repeated parameters are refused, so
 * a typo (`?contry=kr`) is an error rather than a silently unfiltered list.
 * @example readApiQuery({ country: ['KR'], page: ['2'] }, 5)
 * // { filter: { originCode: 'KR' }, sort: 'newest', page: 2, perPage: 20 }
 */
export function readApiQuery(params: Record<string, string[]>, meterMax: number): ApiQuery {
  const one: Partial<Record<(typeof API_PARAMS)[number], string>> = {}
  for (const [name, values] of Object.entries(params)) {
    if (!(API_PARAMS as readonly string[]).includes(name)) {
      throw new BadQueryError(`unknown parameter "${name}"; use ${API_PARAMS.join(', ')}`)
    }
    if (values.length !== 1) throw new BadQueryError(`parameter "${name}" is given ${values.length} times; give it once`)
    one[name as (typeof API_PARAMS)[number]] = values[0]!.trim()
  }
  const int = (name: string, value: string, min: number, max: number): number => {
    if (!/^\d{1,6}$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new BadQueryError(`${name} must be a whole number from ${min} to ${max}, not "${value}"`)
    }
    return Number(value)
  }
  const slug = (name: string, value: string): string => {
    const s = slugify(value)
    if (!s) throw new BadQueryError(`${name} "${value}" has no letters or digits`)
    return s
  }
  const filter: BrowseFilter = {}
  if (one.country !== undefined) {
    const country = findCountry(one.country)
    if (!country) throw new BadQueryError(`country "${one.country}" is not a known country name or ISO 3166 code`)
    filter.originCode = country.code
  }
  if (one.platform !== undefined) filter.platformSlug = slug('platform', one.platform)
  if (one.year !== undefined) filter.year = int('year', one.year, 1900, 2100)
  if (one.meter !== undefined) filter.meterValue = int('meter', one.meter, 0, meterMax)
  if (one.tag !== undefined) filter.tagSlug = slug('tag', one.tag)
  if (one.person !== undefined) filter.personSlug = slug('person', one.person)
  const sort = one.sort ?? 'newest'
  if (!isBrowseSort(sort)) throw new BadQueryError(`sort must be one of ${BROWSE_SORTS.join(', ')}, not "${sort}"`)
  return {
    filter,
    sort,
    page: one.page === undefined ? 1 : int('page', one.page, 1, 999_999),
    perPage: one.perPage === undefined ? API_DEFAULT_PER_PAGE : int('perPage', one.perPage, 1, API_MAX_PER_PAGE),
  }
}

/** What `GET /api/reviews` returns before the route adds the `next` link. */
export type ApiReviewList = Omit<Page<Record<string, unknown>>, 'items'> & { reviews: Record<string, unknown>[] }

/**
 * Published review documents for the read API, exactly as `export --format json` writes them.
 * Throws BadQueryError for bad parameters and NotFoundError for a page past the last.
 */
export async function loadApiReviews(site: Site, params: Record<string, string[]>): Promise<{ settings: SiteSettings; list: ApiReviewList }> {
  const settings = await getSiteSettings(site.db)
  const q = readApiQuery(params, settings.meter.max)
  const lowerIsBetter = settings.meter.direction === 'lower-is-better'
  const list = await browseRecords(site.db, { ...q, lowerIsBetter })
  if (q.page > list.pageCount) throw new NotFoundError('page', String(q.page))
  return {
    settings,
    list: {
      reviews: list.items.map((r) => orderDocument(r.doc)),
      page: list.page,
      perPage: list.perPage,
      total: list.total,
      pageCount: list.pageCount,
    },
  }
}

/** One published review document for the read API; drafts and unpublished reviews are not found. */
export async function loadApiReview(site: Site, slug: string): Promise<Record<string, unknown>> {
  const record = await findReviewBySlug(site.db, slug)
  if (!record || record.doc.status !== 'published') throw new NotFoundError('review', slug)
  return orderDocument(record.doc)
}
