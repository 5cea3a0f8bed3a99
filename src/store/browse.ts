import { sql, type SelectQueryBuilder } from 'kysely'
import { countryByCode } from '../domain/countries.ts'
import { toPage, type Page, type ReviewRecord, type ReviewSummary } from '../domain/records.ts'
import type { Conn, DB } from './db.ts'
import { binaryText } from './dialect.ts'
import { nameKey } from './migrations/0006-imports.ts'
import { loadRecords, SUMMARY_COLUMNS, toSummary } from './reviews.ts'

/** What a browse page or an API call narrows the published reviews to; every given field must match. */
export type BrowseFilter = {
  /** ISO 3166 alpha-2, upper case as stored. */
  originCode?: string
  platformSlug?: string
  year?: number
  meterValue?: number
  tagSlug?: string
  personSlug?: string
}

export const BROWSE_SORTS = ['newest', 'oldest', 'meter', 'title'] as const
export type BrowseSort = (typeof BROWSE_SORTS)[number]

export type BrowseQuery = {
  filter: BrowseFilter
  sort: BrowseSort
  /** Direction of the site's meter: `meter` sorts best first, which is lowest first on a facepalm meter. */
  lowerIsBetter: boolean
  page: number
  perPage: number
}

type ReviewsQuery = SelectQueryBuilder<DB, 'reviews', {}>

/**
 * Published reviews matching a filter. Tags and people are matched through a subquery, so a review
 * appears once however many rows of it match and the outer query can select whole review rows.
 * @example matching(db, { originCode: 'KR', tagSlug: 'thriller' })
 * // select … from reviews where status = 'published' and origin_code = 'KR'
 * //   and id in (select review_id from review_tags join tags on tags.id = tag_id where tags.slug = 'thriller')
 */
function matching(db: Conn, f: BrowseFilter): ReviewsQuery {
  let q: ReviewsQuery = db.selectFrom('reviews').where('reviews.status', '=', 'published')
  if (f.originCode !== undefined) q = q.where('reviews.origin_code', '=', f.originCode)
  if (f.platformSlug !== undefined) q = q.where('reviews.platform_slug', '=', f.platformSlug)
  if (f.year !== undefined) q = q.where('reviews.year', '=', f.year)
  if (f.meterValue !== undefined) q = q.where('reviews.meter_value', '=', f.meterValue)
  if (f.tagSlug !== undefined) {
    const tagged = db
      .selectFrom('review_tags')
      .innerJoin('tags', 'tags.id', 'review_tags.tag_id')
      .select('review_tags.review_id')
      .where('tags.slug', '=', f.tagSlug)
    q = q.where('reviews.id', 'in', tagged)
  }
  if (f.personSlug !== undefined) {
    const credited = db
      .selectFrom('review_people')
      .innerJoin('people', 'people.id', 'review_people.person_id')
      .select('review_people.review_id')
      .where('people.slug', '=', f.personSlug)
    q = q.where('reviews.id', 'in', credited)
  }
  return q
}

/** Orders a filtered query; ties fall back to newest first, then id, so pages never overlap. */
function ordered<O>(db: Conn, q: SelectQueryBuilder<DB, 'reviews', O>, sort: BrowseSort, lowerIsBetter: boolean) {
  switch (sort) {
    case 'oldest':
      return q.orderBy('reviews.sort_date', 'asc').orderBy('reviews.id', 'asc')
    case 'title':
      return q.orderBy(binaryText(db, sql`lower(reviews.title)`), 'asc').orderBy('reviews.id', 'asc')
    case 'meter':
      // Unrated reviews go last either way; the share of the maximum compares reviews saved under different scales.
      return q
        .orderBy(sql`case when reviews.meter_value is null or reviews.meter_max is null then 1 else 0 end`, 'asc')
        .orderBy(sql`cast(reviews.meter_value as real) / reviews.meter_max`, lowerIsBetter ? 'asc' : 'desc')
        .orderBy('reviews.sort_date', 'desc')
        .orderBy('reviews.id', 'desc')
    case 'newest':
      return q.orderBy('reviews.sort_date', 'desc').orderBy('reviews.id', 'desc')
  }
}

/** How many published reviews match a filter. */
export async function countMatching(db: Conn, filter: BrowseFilter): Promise<number> {
  const { total } = await matching(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow()
  return Number(total)
}

function pageOf<T>(items: T[], total: number, q: BrowseQuery): Page<T> {
  return toPage(items, total, q.page, q.perPage)
}

/** One page of published reviews matching a filter, as list cards show them. */
export async function browseSummaries(db: Conn, q: BrowseQuery): Promise<Page<ReviewSummary>> {
  const total = await countMatching(db, q.filter)
  const rows = await ordered(db, matching(db, q.filter).select(SUMMARY_COLUMNS), q.sort, q.lowerIsBetter)
    .limit(q.perPage)
    .offset((q.page - 1) * q.perPage)
    .execute()
  return pageOf(rows.map(toSummary), total, q)
}

/** One page of published reviews matching a filter, each with everything it holds (what the read API returns). */
export async function browseRecords(db: Conn, q: BrowseQuery): Promise<Page<ReviewRecord>> {
  const total = await countMatching(db, q.filter)
  const rows = await ordered(db, matching(db, q.filter).selectAll('reviews'), q.sort, q.lowerIsBetter)
    .limit(q.perPage)
    .offset((q.page - 1) * q.perPage)
    .execute()
  return pageOf(await loadRecords(db, rows), total, q)
}

/** One credit of a person in a published review. */
export type Credit = { personSlug: string; reviewId: number; reviewSlug: string; role: string | null }

/**
 * Credits in published reviews, of one person or of everyone, in credit order (position in the
 * review, then the review's id, so the order never depends on how the database scans).
 */
export async function listCredits(db: Conn, personSlug?: string): Promise<Credit[]> {
  let q = db
    .selectFrom('review_people')
    .innerJoin('people', 'people.id', 'review_people.person_id')
    .innerJoin('reviews', 'reviews.id', 'review_people.review_id')
    .select(['people.slug as personSlug', 'reviews.id as reviewId', 'reviews.slug as reviewSlug', 'review_people.role'])
    .where('reviews.status', '=', 'published')
    .orderBy('review_people.position')
    .orderBy('reviews.id')
  if (personSlug !== undefined) q = q.where('people.slug', '=', personSlug)
  return q.execute()
}

/** The roles a person has in each published review they are credited in, by review slug, in credit order. */
export function rolesByReview(credits: Credit[]): Map<string, (string | null)[]> {
  const roles = new Map<string, (string | null)[]>()
  for (const r of credits) {
    const list = roles.get(r.reviewSlug)
    if (list) list.push(r.role)
    else roles.set(r.reviewSlug, [r.role])
  }
  return roles
}

/** Ids of the published reviews matching a filter, in a list's order. */
export async function listOrderedIds(db: Conn, filter: BrowseFilter, sort: BrowseSort, lowerIsBetter: boolean): Promise<number[]> {
  return (await ordered(db, matching(db, filter).select('reviews.id'), sort, lowerIsBetter).execute()).map((r) => r.id)
}

/** One value of a facet with the number of published reviews that have it. */
export type FacetCount = { key: string; name: string; count: number }

/** A person with their review count and every role they are credited with. */
export type PersonCount = FacetCount & { roles: (string | null)[] }

/** Countries of published reviews, keyed by upper-case alpha-2 code. */
export async function countByCountry(db: Conn): Promise<FacetCount[]> {
  const rows = await db
    .selectFrom('reviews')
    .select(['origin_code', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'published')
    .where('origin_code', 'is not', null)
    .groupBy('origin_code')
    .execute()
  return rows.map((r) => ({ key: r.origin_code!, name: countryByCode(r.origin_code!)?.name ?? r.origin_code!, count: Number(r.n) }))
}

/**
 * Platforms of published reviews, keyed by slug. Spellings that slugify alike ("Netflix", "NETFLIX")
 * are one platform, shown under the spelling that sorts first.
 */
export async function countByPlatform(db: Conn): Promise<FacetCount[]> {
  const rows = await db
    .selectFrom('reviews')
    .select(['platform_slug', (eb) => eb.fn.min(binaryText(db, sql`platform`)).as('name'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'published')
    .where('platform_slug', 'is not', null)
    .where('platform_slug', '!=', '')
    .groupBy('platform_slug')
    .execute()
  return rows.map((r) => ({ key: r.platform_slug!, name: r.name ?? r.platform_slug!, count: Number(r.n) }))
}

/** The display name of a platform slug among published reviews, or undefined when none has it. */
export async function findPlatformName(db: Conn, slug: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('reviews')
    .select((eb) => eb.fn.min(binaryText(db, sql`platform`)).as('name'))
    .where('status', '=', 'published')
    .where('platform_slug', '=', slug)
    .executeTakeFirst()
  return row?.name ?? undefined
}

/** Years of published reviews, as strings. */
export async function countByYear(db: Conn): Promise<FacetCount[]> {
  const rows = await db
    .selectFrom('reviews')
    .select(['year', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'published')
    .where('year', 'is not', null)
    .groupBy('year')
    .execute()
  return rows.map((r) => ({ key: String(r.year), name: String(r.year), count: Number(r.n) }))
}

/** Meter values of published reviews, as strings. */
export async function countByMeter(db: Conn): Promise<FacetCount[]> {
  const rows = await db
    .selectFrom('reviews')
    .select(['meter_value', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'published')
    .where('meter_value', 'is not', null)
    .groupBy('meter_value')
    .execute()
  return rows.map((r) => ({ key: String(r.meter_value), name: String(r.meter_value), count: Number(r.n) }))
}

/** Tags used by published reviews, keyed by slug. */
export async function countByTag(db: Conn): Promise<FacetCount[]> {
  const rows = await db
    .selectFrom('tags')
    .innerJoin('review_tags', 'review_tags.tag_id', 'tags.id')
    .innerJoin('reviews', 'reviews.id', 'review_tags.review_id')
    .select(['tags.slug', 'tags.name', (eb) => eb.fn.count<number>('reviews.id').distinct().as('n')])
    .where('reviews.status', '=', 'published')
    .groupBy(['tags.id', 'tags.slug', 'tags.name'])
    .execute()
  return rows.map((r) => ({ key: r.slug, name: r.name, count: Number(r.n) }))
}

/** People credited in published reviews, keyed by slug; someone credited twice in one review counts once. */
export async function countByPerson(db: Conn): Promise<PersonCount[]> {
  const rows = await db
    .selectFrom('people')
    .innerJoin('review_people', 'review_people.person_id', 'people.id')
    .innerJoin('reviews', 'reviews.id', 'review_people.review_id')
    .select(['people.slug', 'people.name', 'review_people.review_id', 'review_people.role'])
    .where('reviews.status', '=', 'published')
    .orderBy('review_people.review_id')
    .orderBy('review_people.position')
    .execute()
  const people = new Map<string, PersonCount & { reviews: Set<number> }>()
  for (const r of rows) {
    const p = people.get(r.slug) ?? { key: r.slug, name: r.name, count: 0, roles: [], reviews: new Set<number>() }
    p.reviews.add(r.review_id)
    if (!p.roles.includes(r.role)) p.roles.push(r.role)
    people.set(r.slug, p)
  }
  return [...people.values()].map(({ reviews, ...p }) => ({ ...p, count: reviews.size }))
}

/** A tag or person by slug, whether or not a published review uses it. */
export async function findNamedBySlug(db: Conn, table: 'tags' | 'people', slug: string): Promise<{ slug: string; name: string } | undefined> {
  return db.selectFrom(table).select(['slug', 'name']).where('slug', '=', slug).executeTakeFirst()
}

/** A tag or person by name, ignoring case (how `saveReview` matches names). */
export async function findNamedByName(db: Conn, table: 'tags' | 'people', name: string): Promise<{ slug: string; name: string } | undefined> {
  return db
    .selectFrom(table)
    .select(['slug', 'name'])
    .where('name_key', '=', nameKey(name))
    .executeTakeFirst()
}

/** Runs a query for ids a batch at a time (databases limit a statement's parameters) and joins the rows. */
async function inBatches<T>(ids: number[], query: (batch: number[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < ids.length; i += 500) out.push(...(await query(ids.slice(i, i + 500))))
  return out
}

/** Which rows of a join table to read: all, those of some names (tag or person slugs), or those of some reviews. */
export type RowsOf = { slugs?: string[]; reviewIds?: number[] }

/** Taggings by tag slug, whatever the review's status (callers keep the published ones). */
export async function listTaggingRows(db: Conn, of: RowsOf = {}): Promise<{ reviewId: number; tagSlug: string }[]> {
  const q = db.selectFrom('review_tags').innerJoin('tags', 'tags.id', 'review_tags.tag_id').select(['review_tags.review_id as reviewId', 'tags.slug as tagSlug'])
  if (of.slugs) return of.slugs.length ? q.where('tags.slug', 'in', of.slugs).execute() : []
  if (of.reviewIds) return inBatches(of.reviewIds, (ids) => q.where('review_tags.review_id', 'in', ids).execute())
  return q.execute()
}

/**
 * Credits by person slug, whatever the review's status (callers keep the published ones), in
 * credit order like `listCredits`: all, or those of some people.
 */
export async function listCreditRows(db: Conn, of: RowsOf = {}): Promise<{ personSlug: string; reviewId: number; role: string | null }[]> {
  const q = db
    .selectFrom('review_people')
    .innerJoin('people', 'people.id', 'review_people.person_id')
    .select(['people.slug as personSlug', 'review_people.review_id as reviewId', 'review_people.role'])
    .orderBy('review_people.position')
    .orderBy('review_people.review_id')
  if (of.slugs) return of.slugs.length ? q.where('people.slug', 'in', of.slugs).execute() : []
  if (of.reviewIds) return inBatches(of.reviewIds, (ids) => q.where('review_people.review_id', 'in', ids).execute())
  return q.execute()
}
