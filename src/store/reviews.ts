import { countryByCode, findCountry } from '../domain/countries.ts'
import { toPage, type Page, type RenderedReview, type ReviewRecord, type ReviewSummary } from '../domain/records.ts'
import type { ReviewDocument, ReviewStatus } from '../domain/review.ts'
import { slugify, truncateSlug } from '../domain/slug.ts'
import { insertAll, insertRow, lookupBy, type Conn, type Tx } from './db.ts'
import type { ReviewRow, SectionRow } from './schema.ts'
import { nameKey } from './migrations/0006-imports.ts'
import { transactionLock } from './dialect.ts'
import type { IndexedText } from './search.ts'
import { searchIndexFor } from './search-index.ts'
import { SUMMARY_COLUMNS, toSummary } from './summaries.ts'

const bool = (n: number | null) => (n === null ? null : n === 1)
const int = (b: boolean | null) => (b === null ? null : b ? 1 : 0)

/** What identifies "the same review" when a file without a slug is imported again. */
export type ReviewIdentity = {
  id: number; slug: string; title: string; season: number | null; year: number | null; revision: number; source_id: string | null
}

const IDENTITY = ['id', 'slug', 'title', 'season', 'year', 'revision', 'source_id'] as const

const identityBySlug = lookupBy('reviews', IDENTITY, 'slug')
const identityBySource = lookupBy('reviews', IDENTITY, 'source_id')

/** Finds the review using a slug, if any. */
export async function findIdentityBySlug(db: Conn, slug: string): Promise<ReviewIdentity | undefined> {
  return (await identityBySlug(db, slug))[0]
}

/** Finds the review imported from a source (a WordPress post, a Letterboxd review), if any. */
export async function findIdentityBySource(db: Conn, sourceId: string): Promise<ReviewIdentity | undefined> {
  return (await identityBySource(db, sourceId))[0]
}

function toRow(r: RenderedReview, now: string) {
  const d = r.doc
  return {
    slug: d.slug,
    title: d.title,
    native_title: d.nativeTitle,
    romanized_title: d.romanizedTitle,
    language: d.language ?? null,
    year: d.year,
    origin_code: d.origin ? (findCountry(d.origin)?.code ?? null) : null,
    season: d.season,
    episodes: d.episodes,
    platform: d.platform,
    platform_slug: d.platform ? slugify(d.platform) : null,
    first_watch: int(d.firstWatch),
    reviewed_on: d.reviewedOn,
    meter_value: d.meter?.value ?? null,
    meter_max: d.meter?.max ?? null,
    hook: d.hook,
    headline: d.headline,
    intro_md: d.intro,
    intro_html: r.introHtml,
    poster_src: d.poster?.src ?? null,
    poster_credit: d.poster?.credit ?? null,
    poster_alt: d.poster?.alt ?? null,
    poster_width: r.posterImage?.width ?? null,
    poster_height: r.posterImage?.height ?? null,
    poster_color: r.posterImage?.color ?? null,
    status: d.status,
    author: d.author,
    published_at: d.publishedAt,
    sort_date: d.reviewedOn ?? d.publishedAt?.slice(0, 10) ?? now.slice(0, 10),
    render_version: r.renderVersion,
    updated_at: now,
    source_id: d.source?.id ?? null,
    source_url: d.source?.url ?? null,
  }
}

/** Thrown by `saveReview` when the review changed since the editor loaded it. */
export class StaleRevisionError extends Error {
  override name = 'StaleRevisionError' as const
}

export type SaveOptions = {
  /** Refuse the save unless the stored revision is still this one (optimistic locking). */
  expectedRevision?: number
  /** Owner of a new review; left as it is on updates. */
  authorId?: number | null
  savedBy?: number | null
  note?: string | null
  /** The text part of the review's search index entry, when worked out beforehand (see `indexedText`). */
  indexedText?: IndexedText
  /** `JSON.stringify` of the document, when made beforehand (by a reader thread): the revision's text. */
  docJson?: string
}

/**
 * Inserts a review, or replaces the one with `existingId`, with all its sections, links, tags,
 * people and songs, and records the saved document as a new revision. Runs inside the caller's
 * transaction; the revision check and the update are one statement, so two concurrent saves
 * from the same revision cannot both succeed.
 */
export async function saveReview(trx: Tx, r: RenderedReview, existingId: number | null, now: string, options: SaveOptions = {}): Promise<{ id: number; revision: number }> {
  const row = toRow(r, now)
  let id: number
  let revision: number
  if (existingId === null) {
    id = await insertRow(trx, 'reviews', { ...row, revision: 1, created_at: now, author_id: options.authorId ?? null })
    revision = 1
  } else {
    id = existingId
    let update = trx
      .updateTable('reviews')
      .set((eb) => ({ ...row, revision: eb('revision', '+', 1) }))
      .where('id', '=', id)
    if (options.expectedRevision !== undefined) update = update.where('revision', '=', options.expectedRevision)
    // No RETURNING: see `insertRow`. The row is read back in the same transaction instead.
    const { numUpdatedRows } = await update.executeTakeFirst()
    if (!numUpdatedRows) throw new StaleRevisionError(`review ${id} is no longer at revision ${options.expectedRevision}`)
    revision = (await trx.selectFrom('reviews').select('revision').where('id', '=', id).executeTakeFirstOrThrow()).revision
    for (const table of ['sections', 'links', 'review_tags', 'review_people', 'songs'] as const) {
      await trx.deleteFrom(table).where('review_id', '=', id).execute()
    }
  }
  await insertAll(trx, 'revisions', [{ review_id: id, revision, doc_json: options.docJson ?? JSON.stringify(r.doc), saved_by: options.savedBy ?? null, saved_at: now, note: options.note ?? null }])
  const d = r.doc
  await insertAll(trx, 'sections', d.sections.map((s, position) => ({
    review_id: id, position, aspect: s.aspect, verdict: s.verdict, body_md: s.body,
    body_html: r.sectionHtml[position] ?? '', score: s.score, score_max: s.scoreMax, spoiler: s.spoiler ? 1 : 0,
  })))
  await insertAll(trx, 'links', d.links.map((l, position) => ({ review_id: id, position, site: l.site, label: l.label, url: l.url })))
  await insertAll(trx, 'songs', d.songs.map((title, position) => ({ review_id: id, position, title })))
  const tags: string[] = []
  const tagRows = []
  for (const [position, name] of d.tags.entries()) {
    const tag = await upsertNamed(trx, 'tags', name)
    tags.push(tag.name)
    tagRows.push({ review_id: id, tag_id: tag.id, position })
  }
  // Two spellings of one tag ("Café", "cafe") name the same row: the review gets it once.
  await insertAll(trx, 'review_tags', tagRows, { ignoreConflicts: true })
  const people: string[] = []
  const personRows = []
  for (const [position, p] of d.people.entries()) {
    const person = await upsertNamed(trx, 'people', p.name)
    people.push(person.name)
    personRows.push({ review_id: id, person_id: person.id, position, role: p.role })
  }
  await insertAll(trx, 'review_people', personRows)
  // Same transaction: the search index never disagrees with what was saved. It is handed what was
  // just written (with tag and person names as stored) rather than reading it back.
  await searchIndexFor(trx).reindexReview(trx, id, {
    title: row.title, native_title: row.native_title, romanized_title: row.romanized_title, headline: row.headline, hook: row.hook,
    intro_html: row.intro_html,
    sections: d.sections.map((s, i) => ({ aspect: s.aspect, verdict: s.verdict, body_html: r.sectionHtml[i] ?? '', spoiler: s.spoiler ? 1 : 0 })),
    tags,
    people,
    text: options.indexedText,
  })
  return { id, revision }
}

type Named = { id: number; name: string }

// Tags and people found or made in a transaction, by table and name key: an import of thousands of
// reviews names the same few hundred again and again. Kept per transaction object, so a rolled-back
// transaction takes its entries with it and no other transaction ever sees them. A transaction
// that meets more names than NAMED_KEPT starts its list again (names of a whole 100,000-post
// export would otherwise all stay in memory until it commits): the database still has them.
const namedInTransaction = new WeakMap<Tx, Map<string, Named>>()
const NAMED_KEPT = 2_000

/**
 * Finds a tag or person by name (ignoring case), creating it when new. Names that slugify alike
 * ("C" and "C++") or to nothing ("🔥") get their own slug, so no name is merged into another.
 */
const namedByKey = { tags: lookupBy('tags', ['id', 'name'], 'name_key'), people: lookupBy('people', ['id', 'name'], 'name_key') }
const slugTaken = { tags: lookupBy('tags', ['id'], 'slug'), people: lookupBy('people', ['id'], 'slug') }

async function upsertNamed(trx: Tx, table: 'tags' | 'people', name: string): Promise<Named> {
  let known = namedInTransaction.get(trx)
  if (!known) namedInTransaction.set(trx, (known = new Map()))
  else if (known.size >= NAMED_KEPT) known.clear()
  const key = `${table}:${nameKey(name)}`
  const cached = known.get(key)
  if (cached) return cached
  const found = (await namedByKey[table](trx, nameKey(name)))[0]
  if (found) {
    known.set(key, found)
    return found
  }
  // Another transaction (another app server) may be making the same name right now: wait for it,
  // then look again, so the name is made once rather than refused as a duplicate slug.
  if (await transactionLock(trx, `named:${table}`)) {
    const again = (await namedByKey[table](trx, nameKey(name)))[0]
    if (again) {
      known.set(key, again)
      return again
    }
  }
  const base = truncateSlug(slugify(name)) || (table === 'tags' ? 'tag' : 'person')
  let slug = base
  for (let n = 2; (await slugTaken[table](trx, slug)).length; n++) slug = `${base}-${n}`
  const named = { id: await insertRow(trx, table, { slug, name, name_key: nameKey(name) }), name }
  known.set(key, named)
  return named
}

export { SUMMARY_COLUMNS, toSummary }

/** Published reviews, newest first, one page at a time. */
export async function listPublishedReviews(db: Conn, page: number, perPage: number): Promise<Page<ReviewSummary>> {
  const { total } = await db
    .selectFrom('reviews')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow()
  const rows = await db
    .selectFrom('reviews')
    .select(SUMMARY_COLUMNS)
    .where('status', '=', 'published')
    .orderBy('sort_date', 'desc')
    .orderBy('id', 'desc')
    .limit(perPage)
    .offset((page - 1) * perPage)
    .execute()
  const count = Number(total)
  return toPage(rows.map(toSummary), count, page, perPage)
}

/** Loads one review with everything it holds. */
export async function findReviewBySlug(db: Conn, slug: string): Promise<ReviewRecord | undefined> {
  const row = await db.selectFrom('reviews').selectAll().where('slug', '=', slug).executeTakeFirst()
  return row ? loadRecord(db, row) : undefined
}

/** Loads one review by id, whatever its status. */
export async function findReviewById(db: Conn, id: number): Promise<ReviewRecord | undefined> {
  const row = await db.selectFrom('reviews').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? loadRecord(db, row) : undefined
}

/** What the admin list shows of each review. */
export type AdminReviewRow = {
  id: number; slug: string; title: string; season: number | null; status: ReviewStatus; revision: number
  updatedAt: string; publishedAt: string | null; authorId: number | null; authorName: string | null; meter: { value: number; max: number } | null
}

/** Reviews for the admin list, most recently changed first, one page at a time; `authorId` limits it to one author's. */
export async function listReviewsForAdmin(db: Conn, page: number, perPage: number, authorId?: number): Promise<Page<AdminReviewRow>> {
  let count = db.selectFrom('reviews').select((eb) => eb.fn.countAll<number>().as('total'))
  let q = db
    .selectFrom('reviews')
    .leftJoin('users', 'users.id', 'reviews.author_id')
    .select([
      'reviews.id', 'reviews.slug', 'reviews.title', 'reviews.season', 'reviews.status', 'reviews.revision', 'reviews.updated_at',
      'reviews.published_at', 'reviews.author_id', 'users.display_name', 'reviews.meter_value', 'reviews.meter_max',
    ])
    .orderBy('reviews.updated_at', 'desc')
    .orderBy('reviews.id', 'desc')
    .limit(perPage)
    .offset((page - 1) * perPage)
  if (authorId !== undefined) {
    q = q.where('reviews.author_id', '=', authorId)
    count = count.where('author_id', '=', authorId)
  }
  const [{ total }, rows] = await Promise.all([count.executeTakeFirstOrThrow(), q.execute()])
  const items = rows.map((r) => ({
    id: r.id, slug: r.slug, title: r.title, season: r.season, status: r.status as ReviewStatus, revision: r.revision,
    updatedAt: r.updated_at, publishedAt: r.published_at, authorId: r.author_id, authorName: r.display_name,
    meter: r.meter_value === null || r.meter_max === null ? null : { value: r.meter_value, max: r.meter_max },
  }))
  return toPage(items, Number(total), page, perPage)
}

export type RevisionRow = { revision: number; savedAt: string; savedBy: string | null; note: string | null; doc: ReviewDocument & { slug: string } }

/** The saved revisions of a review, newest first. */
export async function listRevisions(db: Conn, reviewId: number): Promise<RevisionRow[]> {
  const rows = await db
    .selectFrom('revisions')
    .leftJoin('users', 'users.id', 'revisions.saved_by')
    .select(['revisions.revision', 'revisions.saved_at', 'users.display_name', 'revisions.note', 'revisions.doc_json'])
    .where('revisions.review_id', '=', reviewId)
    .orderBy('revisions.revision', 'desc')
    .execute()
  return rows.map((r) => ({ revision: r.revision, savedAt: r.saved_at, savedBy: r.display_name, note: r.note, doc: JSON.parse(r.doc_json) }))
}

/**
 * Publishes scheduled reviews whose time has come. The update itself picks the rows, so when two
 * processes run it at once each review is published once.
 */
export async function publishDue(trx: Tx, now: string): Promise<string[]> {
  const rows = await trx
    .updateTable('reviews')
    .set({ status: 'published', updated_at: now })
    .where('status', '=', 'scheduled')
    .where('published_at', '<=', now)
    .returning(['id', 'slug'])
    .execute()
  for (const r of rows) await searchIndexFor(trx).reindexReview(trx, r.id)
  return rows.map((r) => r.slug)
}

/** Every review (drafts included), oldest first: what exports walk through. */
export async function listAllReviewRecords(db: Conn): Promise<ReviewRecord[]> {
  const rows = await db.selectFrom('reviews').selectAll().orderBy('sort_date', 'asc').orderBy('id', 'asc').execute()
  return loadRecords(db, rows)
}

/** Slugs of every review with a given status (the page list of a site). */
export async function listSlugs(db: Conn, status: ReviewStatus = 'published'): Promise<string[]> {
  const rows = await db.selectFrom('reviews').select('slug').where('status', '=', status).orderBy('id').execute()
  return rows.map((r) => r.slug)
}

/** Loads everything a review row holds (sections, links, tags, people, songs) into a record. */
export async function loadRecord(db: Conn, row: ReviewRow): Promise<ReviewRecord> {
  return (await loadRecords(db, [row]))[0]!
}

/** Rows per batch of `loadRecords`: five queries a batch, well under any database's parameter limit. */
const RECORD_BATCH = 500

/** Groups rows by their `review_id`, keeping their order. */
function byReview<T extends { review_id: number }>(rows: T[]): Map<number, T[]> {
  const out = new Map<number, T[]>()
  for (const r of rows) {
    const list = out.get(r.review_id)
    if (list) list.push(r)
    else out.set(r.review_id, [r])
  }
  return out
}

/**
 * Loads the records of many review rows, in their order, with five queries per batch of rows
 * rather than five per review: exports and the static build read every review this way.
 */
export async function loadRecords(db: Conn, rows: ReviewRow[]): Promise<ReviewRecord[]> {
  const out: ReviewRecord[] = []
  for (let i = 0; i < rows.length; i += RECORD_BATCH) {
    const batch = rows.slice(i, i + RECORD_BATCH)
    const ids = batch.map((r) => r.id)
    const [sections, links, tags, people, songs] = await Promise.all([
      db.selectFrom('sections').selectAll().where('review_id', 'in', ids).orderBy('review_id').orderBy('position').execute(),
      db.selectFrom('links').selectAll().where('review_id', 'in', ids).orderBy('review_id').orderBy('position').execute(),
      db
        .selectFrom('review_tags')
        .innerJoin('tags', 'tags.id', 'review_tags.tag_id')
        .select(['review_tags.review_id', 'tags.name', 'tags.slug'])
        .where('review_tags.review_id', 'in', ids)
        .orderBy('review_tags.review_id')
        .orderBy('review_tags.position')
        .execute(),
      db
        .selectFrom('review_people')
        .innerJoin('people', 'people.id', 'review_people.person_id')
        .select(['review_people.review_id', 'people.name', 'people.slug', 'review_people.role'])
        .where('review_people.review_id', 'in', ids)
        .orderBy('review_people.review_id')
        .orderBy('review_people.position')
        .execute(),
      db.selectFrom('songs').select(['review_id', 'title']).where('review_id', 'in', ids).orderBy('review_id').orderBy('position').execute(),
    ])
    const [sectionsOf, linksOf, tagsOf, peopleOf, songsOf] = [byReview(sections), byReview(links), byReview(tags), byReview(people), byReview(songs)]
    for (const row of batch) {
      out.push(toRecord(row, sectionsOf.get(row.id) ?? [], linksOf.get(row.id) ?? [], tagsOf.get(row.id) ?? [], peopleOf.get(row.id) ?? [], songsOf.get(row.id) ?? []))
    }
  }
  return out
}

function toRecord(
  row: ReviewRow,
  sections: SectionRow[],
  links: { site: string; label: string; url: string | null }[],
  tags: { name: string; slug: string }[],
  people: { name: string; slug: string; role: string | null }[],
  songs: { title: string }[],
): ReviewRecord {
  const doc: ReviewDocument & { slug: string } = {
    slug: row.slug,
    title: row.title,
    nativeTitle: row.native_title,
    romanizedTitle: row.romanized_title,
    year: row.year,
    origin: row.origin_code ? (countryByCode(row.origin_code)?.name ?? null) : null,
    season: row.season,
    episodes: row.episodes,
    platform: row.platform,
    firstWatch: bool(row.first_watch),
    reviewedOn: row.reviewed_on,
    links: links.map((l) => ({ site: l.site, label: l.label, url: l.url })),
    meter: row.meter_value === null || row.meter_max === null ? null : { value: row.meter_value, max: row.meter_max },
    hook: row.hook,
    headline: row.headline,
    intro: row.intro_md,
    sections: sections.map((s) => ({
      aspect: s.aspect, verdict: s.verdict, body: s.body_md, score: s.score, scoreMax: s.score_max, spoiler: s.spoiler === 1,
    })),
    poster:
      row.poster_src === null && row.poster_credit === null && row.poster_alt === null
        ? null
        : { src: row.poster_src, credit: row.poster_credit, alt: row.poster_alt },
    tags: tags.map((t) => t.name),
    people: people.map((p) => ({ name: p.name, role: p.role })),
    songs: songs.map((s) => s.title),
    status: row.status as ReviewStatus,
    author: row.author,
    ...(row.language === null ? {} : { language: row.language }),
    publishedAt: row.published_at,
    source: row.source_id === null ? null : { id: row.source_id, url: row.source_url },
  }
  return {
    id: row.id,
    revision: row.revision,
    authorId: row.author_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    doc,
    originCode: row.origin_code,
    introHtml: row.intro_html,
    sectionHtml: sections.map((s) => s.body_html),
    posterImage:
      row.poster_width && row.poster_height ? { width: row.poster_width, height: row.poster_height, color: row.poster_color } : null,
    tagSlugs: tags.map((t) => t.slug),
    peopleSlugs: people.map((p) => p.slug),
  }
}

/** A published review as every list sees it: its address, what marks a change, its facet values. */
export type PublishedStamp = {
  id: number
  slug: string
  revision: number
  updatedAt: string
  renderVersion: number
  /** The review date, else the publication date: what lists sort by. */
  sortDate: string
  originCode: string | null
  platformSlug: string | null
  year: number | null
  meterValue: number | null
}

/** Every published review's stamp, newest first (home page order), read from one covering index. */
export async function listPublishedStamps(db: Conn): Promise<PublishedStamp[]> {
  return db
    .selectFrom('reviews')
    .select([
      'id', 'slug', 'revision', 'updated_at as updatedAt', 'render_version as renderVersion', 'sort_date as sortDate', 'origin_code as originCode', 'platform_slug as platformSlug',
      'year', 'meter_value as meterValue',
    ])
    .where('status', '=', 'published')
    .orderBy('sort_date', 'desc')
    .orderBy('id', 'desc')
    .execute()
}

/** Published reviews as list cards show them, by id: all of them, or the given ones. */
export async function listSummaries(db: Conn, reviewIds?: number[]): Promise<Map<number, ReviewSummary>> {
  const q = db.selectFrom('reviews').select(['id', ...SUMMARY_COLUMNS]).where('status', '=', 'published')
  const rows = []
  if (reviewIds === undefined) rows.push(...(await q.execute()))
  else for (let i = 0; i < reviewIds.length; i += RECORD_BATCH) rows.push(...(await q.where('id', 'in', reviewIds.slice(i, i + RECORD_BATCH)).execute()))
  return new Map(rows.map((r) => [r.id, toSummary(r)]))
}

/** The rows of the given reviews, in the given order (missing ones left out). */
export async function findReviewRows(db: Conn, ids: number[]): Promise<ReviewRow[]> {
  const rows: ReviewRow[] = []
  for (let i = 0; i < ids.length; i += RECORD_BATCH) rows.push(...(await db.selectFrom('reviews').selectAll().where('id', 'in', ids.slice(i, i + RECORD_BATCH)).execute()))
  const byId = new Map(rows.map((r) => [r.id, r]))
  return ids.flatMap((id) => byId.get(id) ?? [])
}

/** What the static copy's search index reads of each published review. */
export type SearchFields = {
  id: number
  title: string
  nativeTitle: string | null
  romanizedTitle: string | null
  headline: string | null
  hook: string | null
  verdicts: string[]
  tags: string[]
  people: string[]
}

/** The searchable names and lines of published reviews (all, or the given ones), by id. */
export async function listSearchFields(db: Conn, reviewIds?: number[]): Promise<Map<number, SearchFields>> {
  if (reviewIds !== undefined && reviewIds.length > RECORD_BATCH) {
    const out = new Map<number, SearchFields>()
    for (let i = 0; i < reviewIds.length; i += RECORD_BATCH) for (const [k, v] of await listSearchFields(db, reviewIds.slice(i, i + RECORD_BATCH))) out.set(k, v)
    return out
  }
  const [rows, verdicts, tags, people] = await Promise.all([
    db
      .selectFrom('reviews')
      .select(['id', 'title', 'native_title', 'romanized_title', 'headline', 'hook'])
      .where('status', '=', 'published')
      .$if(reviewIds !== undefined, (q) => q.where('id', 'in', reviewIds!))
      .execute(),
    db
      .selectFrom('sections')
      .innerJoin('reviews', 'reviews.id', 'sections.review_id')
      .select(['sections.review_id', 'sections.verdict as name'])
      .where('reviews.status', '=', 'published')
      .$if(reviewIds !== undefined, (q) => q.where('reviews.id', 'in', reviewIds!))
      .orderBy('sections.review_id')
      .orderBy('sections.position')
      .execute(),
    db
      .selectFrom('review_tags')
      .innerJoin('tags', 'tags.id', 'review_tags.tag_id')
      .innerJoin('reviews', 'reviews.id', 'review_tags.review_id')
      .select(['review_tags.review_id', 'tags.name'])
      .where('reviews.status', '=', 'published')
      .$if(reviewIds !== undefined, (q) => q.where('reviews.id', 'in', reviewIds!))
      .orderBy('review_tags.review_id')
      .orderBy('review_tags.position')
      .execute(),
    db
      .selectFrom('review_people')
      .innerJoin('people', 'people.id', 'review_people.person_id')
      .innerJoin('reviews', 'reviews.id', 'review_people.review_id')
      .select(['review_people.review_id', 'people.name'])
      .where('reviews.status', '=', 'published')
      .$if(reviewIds !== undefined, (q) => q.where('reviews.id', 'in', reviewIds!))
      .orderBy('review_people.review_id')
      .orderBy('review_people.position')
      .execute(),
  ])
  const names = (list: { review_id: number; name: string }[]) => {
    const out = new Map<number, string[]>()
    for (const [id, group] of byReview(list)) out.set(id, group.map((g) => g.name))
    return out
  }
  const [verdictsOf, tagsOf, peopleOf] = [names(verdicts), names(tags), names(people)]
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id, title: r.title, nativeTitle: r.native_title, romanizedTitle: r.romanized_title, headline: r.headline, hook: r.hook,
        verdicts: (verdictsOf.get(r.id) ?? []).filter(Boolean), tags: tagsOf.get(r.id) ?? [], people: peopleOf.get(r.id) ?? [],
      },
    ]),
  )
}
