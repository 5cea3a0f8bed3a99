import type { Insertable, Selectable } from 'kysely'
import { countryByCode } from '../domain/countries.ts'
import type { ListEntry, ListStatus, ListSummary, ShowList } from '../domain/lists.ts'
import type { Conn, Tx } from './db.ts'
import type { ListEntriesTable, ListsTable } from './schema.ts'
import { SUMMARY_COLUMNS, toSummary } from './summaries.ts'

/** The columns a list write sets; ids and timestamps are the store's business. */
export type ListRowValues = Omit<Insertable<ListsTable>, 'id' | 'created_at' | 'updated_at' | 'created_by'>
/** The columns an entry write sets; the list and the position are given apart. */
export type EntryRowValues = Omit<Insertable<ListEntriesTable>, 'id' | 'list_id' | 'position'>

type ListRow = Selectable<ListsTable>

function toList(r: ListRow): Omit<ShowList, 'entries'> {
  return {
    id: r.id,
    slug: r.slug,
    title: r.title,
    description: r.description,
    ranked: r.ranked === 1,
    status: r.status as ListStatus,
    publishedAt: r.published_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

/** Entries of the given lists in order, with the reviews they link (their card while published). */
async function entriesOf(db: Conn, listIds: readonly number[]): Promise<Map<number, ListEntry[]>> {
  const out = new Map<number, ListEntry[]>(listIds.map((id) => [id, []]))
  if (!listIds.length) return out
  const rows = await db
    .selectFrom('list_entries as e')
    .leftJoin('reviews', 'reviews.id', 'e.review_id')
    .select(['e.id', 'e.list_id', 'e.position', 'e.title', 'e.year', 'e.origin_code', 'e.note', 'reviews.status as review_status'])
    .select(SUMMARY_COLUMNS.map((c) => `reviews.${c} as r_${c}` as const))
    .where('e.list_id', 'in', listIds)
    .orderBy('e.list_id')
    .orderBy('e.position')
    .orderBy('e.id')
    .execute()
  for (const r of rows) {
    const row = r as Record<string, unknown>
    const linked = row.r_slug as string | null
    const published = r.review_status === 'published'
    let summary = null
    if (linked !== null && published) {
      summary = toSummary(Object.fromEntries(SUMMARY_COLUMNS.map((c) => [c, row[`r_${c}`]])) as Parameters<typeof toSummary>[0])
    }
    out.get(r.list_id)!.push({
      id: r.id,
      position: r.position,
      title: r.title,
      year: r.year,
      origin: r.origin_code ? (countryByCode(r.origin_code)?.name ?? null) : null,
      originCode: r.origin_code,
      note: r.note,
      review: linked === null ? null : { slug: linked, title: row.r_title as string, published, summary },
    })
  }
  return out
}

/** One list with its entries, by slug. */
export async function findListBySlug(db: Conn, slug: string): Promise<ShowList | undefined> {
  const row = await db.selectFrom('lists').selectAll().where('slug', '=', slug).executeTakeFirst()
  if (!row) return undefined
  return { ...toList(row), entries: (await entriesOf(db, [row.id])).get(row.id)! }
}

/** One list with its entries, by id. */
export async function findListById(db: Conn, id: number): Promise<ShowList | undefined> {
  const row = await db.selectFrom('lists').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) return undefined
  return { ...toList(row), entries: (await entriesOf(db, [row.id])).get(row.id)! }
}

/** Every list (or only published ones) with its entries, newest first: exports and feeds. */
export async function listFullLists(db: Conn, status?: ListStatus, limit?: number): Promise<ShowList[]> {
  let q = db.selectFrom('lists').selectAll()
  if (status) q = q.where('status', '=', status)
  q = q.orderBy('published_at', 'desc').orderBy('created_at', 'desc').orderBy('id', 'desc')
  if (limit !== undefined) q = q.limit(limit)
  const rows = await q.execute()
  const entries = await entriesOf(db, rows.map((r) => r.id))
  return rows.map((r) => ({ ...toList(r), entries: entries.get(r.id)! }))
}

/** Lists with their entry counts and a few posters, newest first; only published ones unless `all`. */
export async function listListSummaries(db: Conn, options: { all?: boolean } = {}): Promise<ListSummary[]> {
  let q = db
    .selectFrom('lists')
    .selectAll('lists')
    .select((eb) => eb.selectFrom('list_entries').select((e) => e.fn.countAll<number>().as('n')).whereRef('list_entries.list_id', '=', 'lists.id').as('entry_count'))
  if (!options.all) q = q.where('status', '=', 'published')
  const rows = await q.orderBy('published_at', 'desc').orderBy('created_at', 'desc').orderBy('id', 'desc').execute()
  const ids = rows.map((r) => r.id)
  // The first posters of each list, for the index's covers.
  const posters = new Map<number, ListSummary['posters']>(ids.map((id) => [id, []]))
  if (ids.length) {
    const withPosters = await db
      .selectFrom('list_entries as e')
      .innerJoin('reviews', 'reviews.id', 'e.review_id')
      .select(['e.list_id', 'reviews.poster_src', 'reviews.poster_alt', 'reviews.poster_width', 'reviews.poster_height', 'reviews.poster_color'])
      .where('e.list_id', 'in', ids)
      .where('reviews.status', '=', 'published')
      .where('reviews.poster_src', 'is not', null)
      .orderBy('e.list_id')
      .orderBy('e.position')
      .execute()
    for (const p of withPosters) {
      const list = posters.get(p.list_id)!
      if (list.length >= 4) continue
      list.push({
        src: p.poster_src!,
        alt: p.poster_alt,
        image: p.poster_width && p.poster_height ? { width: p.poster_width, height: p.poster_height, color: p.poster_color } : null,
      })
    }
  }
  return rows.map((r) => ({ ...toList(r), entryCount: Number(r.entry_count ?? 0), posters: posters.get(r.id)! }))
}

/** Inserts a list and returns its id. */
export async function insertList(trx: Tx, values: ListRowValues, createdBy: number | null, now: string): Promise<number> {
  const row = await trx
    .insertInto('lists')
    .values({ ...values, created_by: createdBy, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** Replaces a list's own fields; false when there is no such list. */
export async function updateList(trx: Tx, id: number, values: Partial<ListRowValues>, now: string): Promise<boolean> {
  const result = await trx.updateTable('lists').set({ ...values, updated_at: now }).where('id', '=', id).executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** Marks a list changed (its entries changed). */
export const touchList = (trx: Tx, id: number, now: string): Promise<boolean> => updateList(trx, id, {}, now)

/** Deletes a list and its entries; false when there was none. */
export async function deleteList(trx: Tx, id: number): Promise<boolean> {
  const result = await trx.deleteFrom('lists').where('id', '=', id).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** The id of the list with this slug, if any. */
export async function findListIdBySlug(db: Conn, slug: string): Promise<number | undefined> {
  return (await db.selectFrom('lists').select('id').where('slug', '=', slug).executeTakeFirst())?.id
}

/** The list imported with this source id, if any. */
export async function findListBySource(db: Conn, sourceId: string): Promise<{ id: number; slug: string } | undefined> {
  return db.selectFrom('lists').select(['id', 'slug']).where('source_id', '=', sourceId).executeTakeFirst()
}

/** Every list slug in use (to pick a free one). */
export async function listSlugsLike(db: Conn, base: string): Promise<Set<string>> {
  const rows = await db.selectFrom('lists').select('slug').where('slug', 'like', `${base.replace(/[%_\\]/g, '')}%`).execute()
  return new Set(rows.map((r) => r.slug))
}

/** Appends an entry at the end of a list; returns its id. */
export async function appendEntry(trx: Tx, listId: number, values: EntryRowValues): Promise<number> {
  const { last } = await trx
    .selectFrom('list_entries')
    .select((eb) => eb.fn.max('position').as('last'))
    .where('list_id', '=', listId)
    .executeTakeFirstOrThrow()
  const row = await trx
    .insertInto('list_entries')
    .values({ ...values, list_id: listId, position: Number(last ?? 0) + 1 })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** Replaces an entry's values; false when the list has no such entry. */
export async function updateEntry(trx: Tx, listId: number, entryId: number, values: EntryRowValues): Promise<boolean> {
  const result = await trx.updateTable('list_entries').set(values).where('id', '=', entryId).where('list_id', '=', listId).executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** Removes an entry and closes the gap it leaves; false when the list has no such entry. */
export async function deleteEntry(trx: Tx, listId: number, entryId: number): Promise<boolean> {
  const row = await trx.selectFrom('list_entries').select('position').where('id', '=', entryId).where('list_id', '=', listId).executeTakeFirst()
  if (!row) return false
  await trx.deleteFrom('list_entries').where('id', '=', entryId).execute()
  await trx
    .updateTable('list_entries')
    .set((eb) => ({ position: eb('position', '-', 1) }))
    .where('list_id', '=', listId)
    .where('position', '>', row.position)
    .execute()
  return true
}

/** The entries' ids of a list in order. */
export async function listEntryIds(db: Conn, listId: number): Promise<number[]> {
  const rows = await db.selectFrom('list_entries').select('id').where('list_id', '=', listId).orderBy('position').orderBy('id').execute()
  return rows.map((r) => r.id)
}

/** Numbers a list's entries 1, 2, 3… in the order given (every entry of the list, each once). */
export async function setEntryOrder(trx: Tx, listId: number, ids: readonly number[]): Promise<void> {
  for (const [i, id] of ids.entries()) {
    await trx.updateTable('list_entries').set({ position: i + 1 }).where('id', '=', id).where('list_id', '=', listId).execute()
  }
}

/** Replaces every entry of a list (imports). */
export async function replaceEntries(trx: Tx, listId: number, entries: readonly EntryRowValues[]): Promise<void> {
  await trx.deleteFrom('list_entries').where('list_id', '=', listId).execute()
  if (!entries.length) return
  await trx
    .insertInto('list_entries')
    .values(entries.map((e, i) => ({ ...e, list_id: listId, position: i + 1 })))
    .execute()
}

/** A stamp of every list that changes with every list or entry added, changed or deleted. */
export async function listsStamp(db: Conn): Promise<string> {
  const row = await db
    .selectFrom('lists')
    .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('id').as('ids'), (eb) => eb.fn.max('updated_at').as('latest')])
    .executeTakeFirstOrThrow()
  return `${row.n}:${row.ids ?? 0}:${row.latest ?? ''}`
}

/** The reviews that published lists link to: their pages show them. */
export async function listListedReviewIds(db: Conn): Promise<number[]> {
  const rows = await db
    .selectFrom('list_entries')
    .innerJoin('lists', 'lists.id', 'list_entries.list_id')
    .select('list_entries.review_id')
    .distinct()
    .where('lists.status', '=', 'published')
    .where('list_entries.review_id', 'is not', null)
    .execute()
  return rows.map((r) => r.review_id!)
}

/** A review's id, slug and title by title (case-insensitive) and year: how list imports find the review an entry names. */
export async function findReviewsByTitle(db: Conn, title: string, year: number | null): Promise<{ id: number; slug: string; title: string }[]> {
  let q = db.selectFrom('reviews').select(['id', 'slug', 'title']).where((eb) => eb(eb.fn('lower', ['title']), '=', title.toLowerCase()))
  if (year !== null) q = q.where('year', '=', year)
  return q.orderBy('id').execute()
}
