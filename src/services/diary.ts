import { findCountry } from '../domain/countries.ts'
import { parseDiaryEntry, summarizeYear, type DiaryEntry, type DiaryEntryInput, type YearSummary } from '../domain/diary.ts'
import { InvalidInputError, NotFoundError } from '../domain/errors.ts'
import type { Page } from '../domain/records.ts'
import type { SiteSettings } from '../domain/settings.ts'
import type { Tx } from '../store/db.ts'
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

/** Replaces a diary entry's fields; throws `NotFoundError` when it does not exist. */
export async function updateDiaryEntry(site: Site, id: number, raw: unknown, now = new Date()): Promise<void> {
  const settings = await getSiteSettings(site.db)
  const input = parse(raw, settings)
  await site.db.transaction().execute(async (trx) => {
    if (!(await updateRow(trx, id, await toRowValues(trx, input, settings), now.toISOString()))) {
      throw new NotFoundError('diary entry', String(id))
    }
    await bumpContentVersion(trx)
  })
}

/** Deletes a diary entry; throws `NotFoundError` when it does not exist. */
export async function deleteDiaryEntry(site: Site, id: number): Promise<void> {
  await site.db.transaction().execute(async (trx) => {
    if (!(await deleteRow(trx, id))) throw new NotFoundError('diary entry', String(id))
    await bumpContentVersion(trx)
  })
}

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

export type DiaryAdminData = { settings: SiteSettings; list: Page<DiaryEntry>; watchlist: DiaryEntry[] }

/** The admin overview: watches (50 a page) and the watchlist. */
export async function loadDiaryAdmin(site: Site, page: number): Promise<DiaryAdminData> {
  const settings = await getSiteSettings(site.db)
  const [list, watchlist] = await Promise.all([listDiaryEntries(site.db, page, ADMIN_PER_PAGE), listWatchlist(site.db)])
  if (page > list.pageCount) throw new NotFoundError('page', String(page))
  return { settings, list, watchlist }
}

export type DiaryFormChoices = { reviews: { slug: string; title: string }[]; platforms: string[] }

/** Suggestions the entry form offers: reviews to link and platforms already in use. */
export async function loadDiaryFormChoices(site: Site): Promise<DiaryFormChoices> {
  const [reviews, platforms] = await Promise.all([listReviewLinkChoices(site.db), listKnownPlatforms(site.db)])
  return { reviews, platforms }
}
