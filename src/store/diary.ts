import { sql, type Insertable, type Selectable } from 'kysely'
import { countryByCode } from '../domain/countries.ts'
import type { DiaryEntry, DiaryStatus } from '../domain/diary.ts'
import { toPage, type Page } from '../domain/records.ts'
import { insertRow, type Conn, type Tx } from './db.ts'
import type { DiaryEntriesTable } from './schema.ts'

/** The columns a diary write sets; ids and timestamps are the store's business. */
export type DiaryRowValues = Omit<Insertable<DiaryEntriesTable>, 'id' | 'created_at' | 'updated_at' | 'created_by'>

type JoinedRow = Selectable<DiaryEntriesTable> & { review_slug: string | null; review_title: string | null; review_status: string | null }

function toEntry(r: JoinedRow): DiaryEntry {
  return {
    id: r.id,
    title: r.title,
    origin: r.origin_code ? (countryByCode(r.origin_code)?.name ?? null) : null,
    originCode: r.origin_code,
    platform: r.platform,
    startedOn: r.started_on,
    finishedOn: r.finished_on,
    episodesWatched: r.episodes_watched,
    episodesTotal: r.episodes_total,
    rewatch: r.rewatch === 1,
    meter: r.meter_value === null || r.meter_max === null ? null : { value: r.meter_value, max: r.meter_max },
    note: r.note,
    status: r.status as DiaryStatus,
    review:
      r.review_slug === null || r.review_title === null
        ? null
        : { slug: r.review_slug, title: r.review_title, published: r.review_status === 'published' },
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

/** Entries with their linked review's slug, title and status. */
function selectEntries(db: Conn) {
  return db
    .selectFrom('diary_entries')
    .leftJoin('reviews', 'reviews.id', 'diary_entries.review_id')
    .selectAll('diary_entries')
    .select(['reviews.slug as review_slug', 'reviews.title as review_title', 'reviews.status as review_status'])
}

// The date an entry is filed under (see `diaryDate`); created_at is a full timestamp, which still sorts right.
const filedOn = sql<string>`coalesce(diary_entries.finished_on, diary_entries.started_on, diary_entries.created_at)`

/** Inserts an entry and returns its id. */
export async function insertDiaryEntry(trx: Tx, values: DiaryRowValues, createdBy: number | null, now: string): Promise<number> {
  return insertRow(trx, 'diary_entries', { ...values, created_by: createdBy, created_at: now, updated_at: now })
}

/** The entry imported with this source id, if any. */
export async function findDiaryIdBySource(db: Conn, sourceId: string): Promise<number | undefined> {
  const row = await db.selectFrom('diary_entries').select('id').where('source_id', '=', sourceId).executeTakeFirst()
  return row?.id
}

/**
 * Replaces an entry's values and stamps it `now`; false when there is no such entry, or, given
 * `expectedUpdatedAt`, when its stamp is no longer that one (someone saved it since). The check and
 * the write are one statement, so two saves of the same version cannot both pass it.
 * @example updateDiaryEntry(trx, 7, values, now, '2025-03-21T08:00:00.000Z')
 * // update "diary_entries" set … "updated_at" = ? where "id" = ? and "updated_at" = ?
 */
export async function updateDiaryEntry(trx: Tx, id: number, values: DiaryRowValues, now: string, expectedUpdatedAt?: string): Promise<boolean> {
  let query = trx.updateTable('diary_entries').set({ ...values, updated_at: now }).where('id', '=', id)
  if (expectedUpdatedAt !== undefined) query = query.where('updated_at', '=', expectedUpdatedAt)
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** Deletes an entry; false when there was none. */
export async function deleteDiaryEntry(trx: Tx, id: number): Promise<boolean> {
  const result = await trx.deleteFrom('diary_entries').where('id', '=', id).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** One entry with its review link. */
export async function findDiaryEntry(db: Conn, id: number): Promise<DiaryEntry | undefined> {
  const row = await selectEntries(db).where('diary_entries.id', '=', id).executeTakeFirst()
  return row && toEntry(row)
}

/**
 * Watches (everything but the watchlist), newest first by finish date, else start date, else
 * the day they were recorded; one page at a time.
 */
export async function listDiaryEntries(db: Conn, page: number, perPage: number): Promise<Page<DiaryEntry>> {
  const { total } = await db
    .selectFrom('diary_entries')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .where('status', '<>', 'planned')
    .executeTakeFirstOrThrow()
  const rows = await selectEntries(db)
    .where('diary_entries.status', '<>', 'planned')
    .orderBy(filedOn, 'desc')
    .orderBy('diary_entries.id', 'desc')
    .limit(perPage)
    .offset((page - 1) * perPage)
    .execute()
  const count = Number(total)
  return toPage(rows.map(toEntry), count, page, perPage)
}

/** The watchlist: planned entries in the order they were added, so the oldest wish comes first. */
export async function listWatchlist(db: Conn): Promise<DiaryEntry[]> {
  const rows = await selectEntries(db)
    .where('diary_entries.status', '=', 'planned')
    .orderBy('diary_entries.created_at', 'asc')
    .orderBy('diary_entries.id', 'asc')
    .execute()
  return rows.map(toEntry)
}

/** Every watch filed under a year (see `diaryDate`), oldest first. */
export async function listDiaryEntriesOfYear(db: Conn, year: number): Promise<DiaryEntry[]> {
  const y = String(year).padStart(4, '0')
  const rows = await selectEntries(db)
    .where('diary_entries.status', '<>', 'planned')
    .where(filedOn, '>=', `${y}-01-01`)
    .where(filedOn, '<', `${String(year + 1).padStart(4, '0')}-01-01`)
    .orderBy(filedOn, 'asc')
    .orderBy('diary_entries.id', 'asc')
    .execute()
  return rows.map(toEntry)
}

/** The years that have watches filed under them, newest first. */
export async function listDiaryYears(db: Conn): Promise<number[]> {
  const rows = await db
    .selectFrom('diary_entries')
    .select(sql<string>`substr(${filedOn}, 1, 4)`.as('year'))
    .where('status', '<>', 'planned')
    .groupBy(sql`substr(${filedOn}, 1, 4)`)
    .orderBy('year', 'desc')
    .execute()
  return rows.map((r) => Number(r.year)).filter((n) => Number.isInteger(n))
}

/** The review a diary entry may link to, found by slug. */
export async function findReviewForLink(db: Conn, slug: string): Promise<{ id: number; slug: string; title: string } | undefined> {
  return db.selectFrom('reviews').select(['id', 'slug', 'title']).where('slug', '=', slug).executeTakeFirst()
}

/** Every review's slug and title, newest first: the choices offered when linking an entry. */
export async function listReviewLinkChoices(db: Conn): Promise<{ slug: string; title: string }[]> {
  return db.selectFrom('reviews').select(['slug', 'title']).orderBy('sort_date', 'desc').orderBy('id', 'desc').execute()
}

/** Platforms already used by entries and reviews, for the form's suggestions. */
export async function listKnownPlatforms(db: Conn): Promise<string[]> {
  const rows = await db
    .selectFrom('diary_entries')
    .select('platform')
    .where('platform', 'is not', null)
    .union(db.selectFrom('reviews').select('platform').where('platform', 'is not', null))
    .execute()
  const seen = new Map<string, string>()
  for (const { platform } of rows) if (platform && !seen.has(platform.toLowerCase())) seen.set(platform.toLowerCase(), platform)
  return [...seen.values()].sort((a, b) => a.localeCompare(b, 'en'))
}

/** A stamp of the whole diary that changes with every entry added, changed or deleted. */
export async function diaryStamp(db: Conn): Promise<string> {
  const row = await db
    .selectFrom('diary_entries')
    .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('id').as('ids'), (eb) => eb.fn.max('updated_at').as('latest')])
    .executeTakeFirstOrThrow()
  return `${row.n}:${row.ids ?? 0}:${row.latest ?? ''}`
}

/** The reviews that diary entries link to: the diary's pages show them. */
export async function listDiaryReviewIds(db: Conn): Promise<number[]> {
  const rows = await db.selectFrom('diary_entries').select('review_id').distinct().where('review_id', 'is not', null).execute()
  return rows.map((r) => r.review_id!)
}
