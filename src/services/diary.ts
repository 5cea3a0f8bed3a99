import { findCountry } from '../domain/countries.ts'
import { nextDiaryStamp, parseDiaryEntry, summarizeYear, type DiaryEntry, type DiaryEntryInput, type YearSummary } from '../domain/diary.ts'
import { DramalogError, InvalidInputError, NotFoundError } from '../domain/errors.ts'
import type { Page } from '../domain/records.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { canEditDiaryEntry, type SessionUser } from '../domain/user.ts'
import type { Conn, Tx } from '../store/db.ts'
import {
  deleteDiaryEntry as deleteRow,
  findDiaryEntry,
  findReviewForLink,
  insertDiaryEntry,
  listDiaryEntries,
  listDiaryEntriesOfYear,
  listDiaryYears,
  listKnownPlatforms,
  listReviewLinkChoices,
  listWatchlist,
  updateDiaryEntry as updateRow,
  type DiaryRowValues,
} from '../store/diary.ts'
import { bumpContentVersion, getSiteSettings } from '../store/settings.ts'
import type { Site } from './site.ts'

/** Entries per page of the admin list. */
const ADMIN_PER_PAGE = 50

// The words of `form.diaryNotYours`, so the refusal reaches readers in the site's language.
const NOT_YOURS = 'You can change or delete only the diary entries you recorded.'

/** Thrown when an edit started from an older version of the entry than the stored one; carries the stored entry. */
export class StaleDiaryEntryError extends DramalogError {
  override name = 'StaleDiaryEntryError' as const
  constructor(readonly current: DiaryEntry) {
    super('conflict', `diary entry "${current.title}" was saved by someone else since it was opened (now saved ${current.updatedAt})`)
  }
}

/** The entry, when it exists and the user may change it; else `NotFoundError` or a `forbidden` error. */
async function findChangeable(db: Conn, user: SessionUser, id: number): Promise<DiaryEntry> {
  const entry = await findDiaryEntry(db, id)
  if (!entry) throw new NotFoundError('diary entry', String(id))
  if (!canEditDiaryEntry(user, entry)) throw new DramalogError('forbidden', NOT_YOURS)
  return entry
}

/** Validates raw input (a form or JSON) against the site's meter; throws `InvalidInputError` listing every field issue. */
function parse(raw: unknown, settings: SiteSettings): DiaryEntryInput {
  const result = parseDiaryEntry(raw, settings.meter.max)
  if (!result.ok) throw new InvalidInputError(result.issues.map((i) => ({ line: 0, field: i.field, message: i.message })))
  return result.value
}

/** The row values of an input; a linked review must exist. */
async function toRowValues(trx: Tx, input: DiaryEntryInput, settings: SiteSettings): Promise<DiaryRowValues> {
  let reviewId: number | null = null
  if (input.reviewSlug) {
    const review = await findReviewForLink(trx, input.reviewSlug)
    if (!review) throw new InvalidInputError([{ line: 0, field: 'reviewSlug', message: `there is no review with the slug "${input.reviewSlug}"` }])
    reviewId = review.id
  }
  return {
    title: input.title,
    origin_code: input.origin ? (findCountry(input.origin)?.code ?? null) : null,
    platform: input.platform,
    started_on: input.startedOn,
    finished_on: input.finishedOn,
    episodes_watched: input.episodesWatched,
    episodes_total: input.episodesTotal,
    rewatch: input.rewatch ? 1 : 0,
    meter_value: input.meter,
    // The scale is kept with the value, so a later change of the site's meter cannot distort old entries.
    meter_max: input.meter === null ? null : settings.meter.max,
    note: input.note,
    status: input.status,
    review_id: reviewId,
  }
}

/** Records a watch (or a watchlist wish, status `planned`) and returns its id. */
export async function recordDiaryEntry(site: Site, raw: unknown, userId: number | null, now = new Date()): Promise<number> {
  const settings = await getSiteSettings(site.db)
  const input = parse(raw, settings)
  return site.db.transaction().execute(async (trx) => {
    const id = await insertDiaryEntry(trx, await toRowValues(trx, input, settings), userId, now.toISOString())
    await bumpContentVersion(trx)
    return id
  })
}

/**
 * Replaces a diary entry's fields, if the user may change it and it is still at `baseVersion`
 * (the `updatedAt` its form was loaded with): otherwise `StaleDiaryEntryError`, and nothing is
 * written. Throws `NotFoundError` when it does not exist.
 */
export async function updateDiaryEntry(site: Site, user: SessionUser, id: number, raw: unknown, baseVersion: string, now = new Date()): Promise<void> {
  // Who recorded an entry never changes, so this check holds for the write below as well.
  await findChangeable(site.db, user, id)
  const settings = await getSiteSettings(site.db)
  const input = parse(raw, settings)
  await site.db.transaction().execute(async (trx) => {
    const values = await toRowValues(trx, input, settings)
    if (!(await updateRow(trx, id, values, nextDiaryStamp(baseVersion, now), baseVersion))) {
      const current = await findDiaryEntry(trx, id)
      if (!current) throw new NotFoundError('diary entry', String(id))
      throw new StaleDiaryEntryError(current)
    }
    await bumpContentVersion(trx)
  })
}

/**
 * Deletes a diary entry the user may change; throws `NotFoundError` when it does not exist. A
 * delete carries no version: whoever deletes wants the entry gone whatever its fields say now, so a
 * save that came in between would not change that decision.
 */
export async function deleteDiaryEntry(site: Site, user: SessionUser, id: number): Promise<void> {
  await site.db.transaction().execute(async (trx) => {
    await findChangeable(trx, user, id)
    if (!(await deleteRow(trx, id))) throw new NotFoundError('diary entry', String(id))
    await bumpContentVersion(trx)
  })
}

/** An entry for its edit form, when the user may change it; else `NotFoundError` or a `forbidden` error. */
export const loadDiaryEntryForEditing = (site: Site, user: SessionUser, id: number): Promise<DiaryEntry> => findChangeable(site.db, user, id)

/** One entry, for editing. */
export async function loadDiaryEntry(site: Site, id: number): Promise<DiaryEntry> {
  const entry = await findDiaryEntry(site.db, id)
  if (!entry) throw new NotFoundError('diary entry', String(id))
  return entry
}

export type DiaryPageData = {
  settings: SiteSettings
  list: Page<DiaryEntry>
  /** What is next; shown on the first page only. */
  watchlist: DiaryEntry[]
  /** Years with a year-in-review page, newest first. */
  years: number[]
}

/** The public diary: watches newest first; pages past the last are not found. */
export async function loadDiaryPage(site: Site, page: number): Promise<DiaryPageData> {
  const settings = await getSiteSettings(site.db)
  const [list, watchlist, years] = await Promise.all([
    listDiaryEntries(site.db, page, settings.perPage),
    page === 1 ? listWatchlist(site.db) : Promise.resolve([]),
    listDiaryYears(site.db),
  ])
  if (page > list.pageCount) throw new NotFoundError('page', String(page))
  return { settings, list, watchlist, years }
}

/** The watchlist alone: planned entries, oldest wish first. */
export const loadWatchlist = (site: Site): Promise<DiaryEntry[]> => listWatchlist(site.db)

export type YearInReviewData = {
  settings: SiteSettings
  summary: YearSummary
  /** The year's watches, oldest first. */
  entries: DiaryEntry[]
  /** Every year with watches, newest first, for navigation. */
  years: number[]
}

/** A year of watching in numbers; years without a single watch are not found. */
export async function loadYearInReview(site: Site, year: number): Promise<YearInReviewData> {
  const [settings, entries, years] = await Promise.all([getSiteSettings(site.db), listDiaryEntriesOfYear(site.db, year), listDiaryYears(site.db)])
  if (entries.length === 0) throw new NotFoundError('year in review', String(year))
  return { settings, summary: summarizeYear(entries, year, settings.meter.max), entries, years }
}

export type DiaryAdminData = {
  settings: SiteSettings
  list: Page<DiaryEntry>
  watchlist: DiaryEntry[]
  /** The entries on this page the user may edit and delete. */
  editable: ReadonlySet<number>
}

/** The admin overview for a user: watches (50 a page), the watchlist, and which of them the user may change. */
export async function loadDiaryAdmin(site: Site, user: SessionUser, page: number): Promise<DiaryAdminData> {
  const settings = await getSiteSettings(site.db)
  const [list, watchlist] = await Promise.all([listDiaryEntries(site.db, page, ADMIN_PER_PAGE), listWatchlist(site.db)])
  if (page > list.pageCount) throw new NotFoundError('page', String(page))
  const editable = new Set([...list.items, ...watchlist].filter((e) => canEditDiaryEntry(user, e)).map((e) => e.id))
  return { settings, list, watchlist, editable }
}

export type DiaryFormChoices = { reviews: { slug: string; title: string }[]; platforms: string[] }

/** Suggestions the entry form offers: reviews to link and platforms already in use. */
export async function loadDiaryFormChoices(site: Site): Promise<DiaryFormChoices> {
  const [reviews, platforms] = await Promise.all([listReviewLinkChoices(site.db), listKnownPlatforms(site.db)])
  return { reviews, platforms }
}
