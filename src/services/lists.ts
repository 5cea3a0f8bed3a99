import { findCountry } from '../domain/countries.ts'
import { InvalidInputError, NotFoundError, type InputIssue } from '../domain/errors.ts'
import {
  LIST_LIMITS, ListEntryInput, ListInput, listDocument, movedPosition, type ListDocument, type ListSummary, type ShowList,
} from '../domain/lists.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { slugify, truncateSlug, uniqueSlug } from '../domain/slug.ts'
import type { Tx } from '../store/db.ts'
import { findReviewForLink, listReviewLinkChoices } from '../store/diary.ts'
import {
  appendEntry, deleteEntry, deleteList as deleteListRow, findListById, findListBySlug, findListBySource, findListIdBySlug, insertList, listEntryIds,
  listFullLists, listListSummaries, listSlugsLike, replaceEntries, setEntryOrder, touchList, updateEntry, updateList as updateListRow,
  type EntryRowValues,
} from '../store/lists.ts'
import { bumpContentVersion, getSiteSettings } from '../store/settings.ts'
import type { Site } from './site.ts'

/** Turns a schema's issues into the service's error, fields named as the form names them. */
function invalid(issues: { path: PropertyKey[]; message: string }[]): InvalidInputError {
  return new InvalidInputError(issues.map((i) => ({ line: 0, field: i.path.map(String).join('.') || '(list)', message: i.message })))
}

function parseList(raw: unknown): ListInput {
  const r = ListInput.safeParse(raw)
  if (!r.success) throw invalid(r.error.issues)
  return r.data
}

function parseEntry(raw: unknown): ListEntryInput {
  const r = ListEntryInput.safeParse(raw)
  if (!r.success) throw invalid(r.error.issues)
  return r.data
}

/** A free slug for a list: the one asked for (which must be free), else one made from the title. */
async function chooseSlug(trx: Tx, asked: string | null, title: string, selfId: number | null): Promise<string> {
  if (asked) {
    const holder = await findListIdBySlug(trx, asked)
    if (holder !== undefined && holder !== selfId) throw new InvalidInputError([{ line: 0, field: 'slug', message: `"${asked}" is the slug of another list` }])
    return asked
  }
  const base = truncateSlug(slugify(title)) || 'list'
  const taken = await listSlugsLike(trx, base)
  if (selfId !== null) {
    const own = await findListById(trx, selfId)
    if (own) taken.delete(own.slug)
  }
  return uniqueSlug(base, (s) => taken.has(s))
}

/** The row values of an entry; a picked review must exist, and gives the title when none is typed. */
async function entryValues(trx: Tx, input: ListEntryInput): Promise<EntryRowValues> {
  let reviewId: number | null = null
  let title = input.title
  if (input.review) {
    const review = await findReviewForLink(trx, input.review)
    if (!review) throw new InvalidInputError([{ line: 0, field: 'review', message: `there is no review with the slug "${input.review}"` }])
    reviewId = review.id
    title ??= review.title
  }
  return {
    review_id: reviewId,
    title: title!,
    year: input.year,
    origin_code: input.origin ? (findCountry(input.origin)?.code ?? null) : null,
    note: input.note,
  }
}

/** Creates a list (no entries yet) and returns its id and slug. */
export async function createList(site: Site, raw: unknown, userId: number | null, now = new Date()): Promise<{ id: number; slug: string }> {
  const input = parseList(raw)
  return site.db.transaction().execute(async (trx) => {
    const slug = await chooseSlug(trx, input.slug, input.title, null)
    const at = now.toISOString()
    const id = await insertList(
      trx,
      { slug, title: input.title, description: input.description, ranked: input.ranked ? 1 : 0, status: input.status, published_at: input.status === 'published' ? at : null, source_id: null },
      userId,
      at,
    )
    await bumpContentVersion(trx)
    return { id, slug }
  })
}

/** Replaces a list's own fields (title, slug, description, ranked, status); entries stay. */
export async function updateList(site: Site, id: number, raw: unknown, now = new Date()): Promise<{ slug: string }> {
  const input = parseList(raw)
  return site.db.transaction().execute(async (trx) => {
    const list = await findListById(trx, id)
    if (!list) throw new NotFoundError('list', String(id))
    const slug = input.slug ?? list.slug
    if (slug !== list.slug) await chooseSlug(trx, slug, input.title, id)
    const at = now.toISOString()
    // The first publication dates the list in feeds; unpublishing and publishing again keeps it.
    const publishedAt = input.status === 'published' ? (list.publishedAt ?? at) : list.publishedAt
    await updateListRow(trx, id, { slug, title: input.title, description: input.description, ranked: input.ranked ? 1 : 0, status: input.status, published_at: publishedAt }, at)
    await bumpContentVersion(trx)
    return { slug }
  })
}

/** Deletes a list and its entries (the reviews stay). */
export async function deleteList(site: Site, id: number): Promise<void> {
  await site.db.transaction().execute(async (trx) => {
    if (!(await deleteListRow(trx, id))) throw new NotFoundError('list', String(id))
    await bumpContentVersion(trx)
  })
}

/** Runs a change to a list's entries, marking the list changed; throws `NotFoundError` for a missing list. */
async function changeEntries<T>(site: Site, listId: number, now: Date, change: (trx: Tx, list: ShowList) => Promise<T>): Promise<T> {
  return site.db.transaction().execute(async (trx) => {
    const list = await findListById(trx, listId)
    if (!list) throw new NotFoundError('list', String(listId))
    const result = await change(trx, list)
    await touchList(trx, listId, now.toISOString())
    await bumpContentVersion(trx)
    return result
  })
}

/** Adds an entry at the end of a list: a review (by slug or address) or a title. */
export async function addListEntry(site: Site, listId: number, raw: unknown, now = new Date()): Promise<number> {
  const input = parseEntry(raw)
  return changeEntries(site, listId, now, async (trx, list) => {
    if (list.entries.length >= LIST_LIMITS.entries) throw new InvalidInputError([{ line: 0, field: 'entries', message: `a list holds at most ${LIST_LIMITS.entries} entries` }])
    return appendEntry(trx, listId, await entryValues(trx, input))
  })
}

/** Replaces an entry's review, title, year, country and note. */
export async function updateListEntry(site: Site, listId: number, entryId: number, raw: unknown, now = new Date()): Promise<void> {
  const input = parseEntry(raw)
  await changeEntries(site, listId, now, async (trx) => {
    if (!(await updateEntry(trx, listId, entryId, await entryValues(trx, input)))) throw new NotFoundError('list entry', String(entryId))
  })
}

/** Removes an entry; the ones after it move up. */
export async function removeListEntry(site: Site, listId: number, entryId: number, now = new Date()): Promise<void> {
  await changeEntries(site, listId, now, async (trx) => {
    if (!(await deleteEntry(trx, listId, entryId))) throw new NotFoundError('list entry', String(entryId))
  })
}

/**
 * Moves an entry one step up or down, or to a position (1 is the top; past the end is the end).
 * Moving the first entry up or the last down changes nothing.
 */
export async function moveListEntry(site: Site, listId: number, entryId: number, to: 'up' | 'down' | number, now = new Date()): Promise<void> {
  await changeEntries(site, listId, now, async (trx) => {
    const ids = await listEntryIds(trx, listId)
    const from = ids.indexOf(entryId)
    if (from < 0) throw new NotFoundError('list entry', String(entryId))
    const target = typeof to === 'number' ? Math.min(Math.max(1, Math.trunc(to)), ids.length) : movedPosition(from + 1, ids.length, to)
    if (target === null || target === from + 1) return
    ids.splice(from, 1)
    ids.splice(target - 1, 0, entryId)
    await setEntryOrder(trx, listId, ids)
  })
}

/** Puts a list's entries in the order given: every entry id of the list, each once (drag and drop). */
export async function reorderListEntries(site: Site, listId: number, order: readonly number[], now = new Date()): Promise<void> {
  await changeEntries(site, listId, now, async (trx) => {
    const ids = await listEntryIds(trx, listId)
    const same = order.length === ids.length && new Set(order).size === order.length && order.every((id) => ids.includes(id))
    if (!same) throw new InvalidInputError([{ line: 0, field: 'order', message: 'must name every entry of the list once; reload the page and try again' }])
    await setEntryOrder(trx, listId, order)
  })
}

// --- Pages ------------------------------------------------------------------------------------

export type ListsIndexData = { settings: SiteSettings; lists: ListSummary[] }
export type ListPageData = { settings: SiteSettings; list: ShowList }

/** The public index: every published list, newest first. */
export async function loadListsIndex(site: Site): Promise<ListsIndexData> {
  const [settings, lists] = await Promise.all([getSiteSettings(site.db), listListSummaries(site.db)])
  return { settings, lists }
}

/** A published list's page; drafts and unknown slugs are not found. */
export async function loadListPage(site: Site, slug: string): Promise<ListPageData> {
  const [settings, list] = await Promise.all([getSiteSettings(site.db), findListBySlug(site.db, slug)])
  if (!list || list.status !== 'published') throw new NotFoundError('list', slug)
  return { settings, list }
}

/** Every list, drafts included, for the admin. */
export const loadListsAdmin = (site: Site): Promise<ListSummary[]> => listListSummaries(site.db, { all: true })

/** A list for the editor, drafts included. */
export async function loadListForEditing(site: Site, id: number): Promise<ShowList> {
  const list = await findListById(site.db, id)
  if (!list) throw new NotFoundError('list', String(id))
  return list
}

/** The reviews an entry may link, newest first. */
export const loadReviewChoices = (site: Site): Promise<{ slug: string; title: string }[]> => listReviewLinkChoices(site.db)

// --- Documents (export and import) ------------------------------------------------------------

/** Every list (drafts included) as an interchange document, newest first. */
export async function listDocuments(site: Site): Promise<ListDocument[]> {
  return (await listFullLists(site.db)).map(listDocument)
}

/**
 * Saves an imported list document inside the caller's transaction: the list with the same slug
 * (or `sourceId`) is replaced whole, else a new one is made. Entries name reviews by slug; a slug
 * the site does not have is an issue, located by `lineOf`.
 */
export async function saveListDocument(
  trx: Tx,
  doc: ListDocument,
  options: { sourceId?: string | null; now: string; issueAt: (path: PropertyKey[]) => InputIssue['line']; file?: string },
): Promise<{ created: boolean; slug: string } | { issues: InputIssue[] }> {
  const issues: InputIssue[] = []
  const entries: EntryRowValues[] = []
  for (const [i, e] of doc.entries.entries()) {
    let reviewId: number | null = null
    if (e.review) {
      const review = await findReviewForLink(trx, e.review)
      if (!review) issues.push({ file: options.file, line: options.issueAt(['entries', i, 'review']), field: `entries[${i}].review`, message: `there is no review with the slug "${e.review}"` })
      else reviewId = review.id
    }
    entries.push({ review_id: reviewId, title: e.title, year: e.year, origin_code: e.origin ? (findCountry(e.origin)?.code ?? null) : null, note: e.note })
  }
  if (issues.length) return { issues }
  // An imported list is found again by its source, whatever its slug became; a new one takes a free slug.
  const bySource = options.sourceId ? await findListBySource(trx, options.sourceId) : undefined
  const slug = bySource ? bySource.slug : options.sourceId ? await chooseSlug(trx, null, doc.slug, null) : doc.slug
  const values = {
    slug, title: doc.title, description: doc.description, ranked: doc.ranked ? 1 : 0, status: doc.status,
    published_at: doc.publishedAt ?? (doc.status === 'published' ? options.now : null), source_id: options.sourceId ?? null,
  }
  const existing = bySource?.id ?? (await findListIdBySlug(trx, slug))
  let id: number
  if (existing === undefined) id = await insertList(trx, values, null, options.now)
  else {
    id = existing
    await updateListRow(trx, id, values, options.now)
  }
  await replaceEntries(trx, id, entries)
  return { created: existing === undefined, slug }
}
