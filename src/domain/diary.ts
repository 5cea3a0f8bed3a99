import { z } from 'zod'
import { countryByCode, findCountry } from './countries.ts'
import { parseReviewDate } from './dates.ts'
import { slugify } from './slug.ts'

/** Where a watch stands; `planned` entries make up the watchlist. */
export const DIARY_STATUSES = ['watching', 'finished', 'dropped', 'planned'] as const
export const DiaryStatus = z.enum(DIARY_STATUSES)
export type DiaryStatus = z.infer<typeof DiaryStatus>

/** Words readers see for each status. */
export const DIARY_STATUS_LABELS: Readonly<Record<DiaryStatus, string>> = Object.freeze({
  watching: 'Watching',
  finished: 'Finished',
  dropped: 'Dropped',
  planned: 'Up next',
})

export const DIARY_LIMITS = { title: 200, platform: 80, note: 2000, episodes: 10_000 } as const

/** The form fields of a diary entry, in the order the form shows them. */
export const DIARY_FIELDS = [
  'title', 'status', 'origin', 'platform', 'startedOn', 'finishedOn', 'episodesWatched', 'episodesTotal',
  'rewatch', 'meter', 'reviewSlug', 'note',
] as const
export type DiaryField = (typeof DIARY_FIELDS)[number]

// Forms send every field as a string; an empty one means "not given".
const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blank, schema.optional())

const isoDate = optional(
  z.string().transform((text, ctx) => {
    const parsed = parseReviewDate(text)
    if (parsed.ok) return parsed.value
    ctx.addIssue({ code: 'custom', message: parsed.reason })
    return z.NEVER
  }),
)

const episodeCount = optional(
  z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(0, 'cannot be negative').max(DIARY_LIMITS.episodes, `must be at most ${DIARY_LIMITS.episodes}`),
)

const meterValue = optional(z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(0, 'cannot be negative'))

// A checkbox sends "on" when ticked and nothing otherwise; JSON callers send a boolean.
const checkbox = z.preprocess((v) => {
  if (typeof v === 'string') return ['on', 'true', '1', 'yes'].includes(v.trim().toLowerCase())
  return v ?? false
}, z.boolean())

const FIELD_SCHEMAS = {
  title: z.string({ message: 'is required' }).trim().min(1, 'is required').max(DIARY_LIMITS.title, `must be at most ${DIARY_LIMITS.title} characters`),
  origin: optional(
    z.string().transform((text, ctx) => {
      const country = findCountry(text)
      if (country) return country.name
      ctx.addIssue({ code: 'custom', message: `"${text.trim()}" is not a country this site knows` })
      return z.NEVER
    }),
  ),
  platform: optional(z.string().trim().max(DIARY_LIMITS.platform, `must be at most ${DIARY_LIMITS.platform} characters`)),
  startedOn: isoDate,
  finishedOn: isoDate,
  episodesWatched: episodeCount,
  episodesTotal: episodeCount,
  rewatch: checkbox,
  meter: meterValue,
  note: optional(z.string().trim().max(DIARY_LIMITS.note, `must be at most ${DIARY_LIMITS.note} characters`)),
  status: optional(DiaryStatus),
  reviewSlug: optional(
    z
      .string()
      // A pasted review address works as well as its slug.
      .transform((text) => text.trim().replace(/^.*\/reviews\//, '').replace(/[/?#].*$/, '').normalize('NFC').toLowerCase())
      .pipe(z.string().regex(/^[\p{L}\p{M}\p{N}]+(-[\p{L}\p{M}\p{N}]+)*$/u, 'is not a review slug or address')),
  ),
} satisfies Record<DiaryField, z.ZodType>

type Fields = { [K in DiaryField]: z.output<(typeof FIELD_SCHEMAS)[K]> }

/** One problem with a diary entry, pointing at its form field. */
export type DiaryIssue = { field: DiaryField | 'entry'; message: string }

/** Rules between fields; looks only at the fields that are present and valid. */
function crossFieldIssues(v: Partial<Fields>): DiaryIssue[] {
  const issues: DiaryIssue[] = []
  if (v.startedOn && v.finishedOn && v.finishedOn < v.startedOn) {
    issues.push({ field: 'finishedOn', message: 'cannot be before the start date' })
  }
  if (v.episodesWatched !== undefined && v.episodesTotal !== undefined && v.episodesWatched > v.episodesTotal) {
    issues.push({ field: 'episodesWatched', message: `cannot be more than the ${v.episodesTotal} episodes in total` })
  }
  if (v.status === 'planned' && v.finishedOn) {
    issues.push({ field: 'finishedOn', message: 'a watch that is still planned has no finish date' })
  }
  return issues
}

/**
 * A watch as entered in the admin form or sent by a script, before the site's meter is known.
 * Dates accept any spelling `parseReviewDate` reads; the origin is any known country name or alias.
 */
export const DiaryEntryInput = z
  .object(FIELD_SCHEMAS)
  .superRefine((v, ctx) => {
    for (const i of crossFieldIssues(v)) ctx.addIssue({ code: 'custom', path: [i.field], message: i.message })
  })
  .transform((v) => ({
    title: v.title,
    origin: v.origin ?? null,
    platform: v.platform || null,
    startedOn: v.startedOn ?? null,
    finishedOn: v.finishedOn ?? null,
    episodesWatched: v.episodesWatched ?? null,
    episodesTotal: v.episodesTotal ?? null,
    rewatch: v.rewatch,
    meter: v.meter ?? null,
    note: v.note || null,
    // Without a status, the dates say it: finished, under way, or not started yet.
    status: v.status ?? (v.finishedOn ? 'finished' : v.startedOn ? 'watching' : 'planned'),
    reviewSlug: v.reviewSlug ?? null,
  }))
export type DiaryEntryInput = z.output<typeof DiaryEntryInput>

export type DiaryParse = { ok: true; value: DiaryEntryInput } | { ok: false; issues: DiaryIssue[] }

/**
 * Validates a diary entry against the site's meter. Fields are checked one by one, then the rules
 * between them, so a form shows every problem at once: one issue per field, in form order.
 */
export function parseDiaryEntry(raw: unknown, meterMax: number): DiaryParse {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, issues: [{ field: 'entry', message: 'expected the fields of a diary entry' }] }
  }
  const input = raw as Record<string, unknown>
  const found = new Map<DiaryIssue['field'], string>()
  const add = (field: DiaryIssue['field'], message: string) => {
    if (!found.has(field)) found.set(field, message)
  }
  const valid: Partial<Record<DiaryField, unknown>> = {}
  for (const field of DIARY_FIELDS) {
    const r = FIELD_SCHEMAS[field].safeParse(input[field])
    if (r.success) valid[field] = r.data
    else add(field, r.error.issues[0]?.message ?? 'is not valid')
  }
  for (const i of crossFieldIssues(valid as Partial<Fields>)) add(i.field, i.message)
  if (typeof valid.meter === 'number' && valid.meter > meterMax) add('meter', `must be between 0 and ${meterMax}`)
  if (found.size) {
    const order = (f: DiaryIssue['field']) => (f === 'entry' ? -1 : DIARY_FIELDS.indexOf(f))
    return { ok: false, issues: [...found].map(([field, message]) => ({ field, message })).sort((a, b) => order(a.field) - order(b.field)) }
  }
  return { ok: true, value: DiaryEntryInput.parse(raw) }
}

/** A stored diary entry as every layer above the store sees it. */
export type DiaryEntry = {
  id: number
  title: string
  /** English short name of the country, or null. */
  origin: string | null
  originCode: string | null
  platform: string | null
  startedOn: string | null
  finishedOn: string | null
  episodesWatched: number | null
  episodesTotal: number | null
  rewatch: boolean
  meter: { value: number; max: number } | null
  note: string | null
  status: DiaryStatus
  /** The linked review; `published` says whether readers may follow the link. */
  review: { slug: string; title: string; published: boolean } | null
  /** The account that recorded it; null for imported entries and when that account is gone. */
  createdBy: number | null
  createdAt: string
  /** Changes with every save, so it also tells which version of the entry an edit form was loaded at. */
  updatedAt: string
}

/**
 * The `updatedAt` of a save that follows one stamped `previous`: the time of the save, but never the
 * same text as before, so an edit form loaded at `previous` is recognised as stale even when both
 * saves fall in one millisecond or the clock stepped back; then it is `previous` plus a millisecond.
 * @example nextDiaryStamp('2025-03-21T08:00:00.000Z', new Date('2025-03-21T08:00:00.000Z')) // '2025-03-21T08:00:00.001Z'
 */
export function nextDiaryStamp(previous: string, now: Date): string {
  const stamp = now.toISOString()
  const before = Date.parse(previous)
  // An unreadable stamp (never written here) cannot equal a freshly written one.
  return stamp > previous || Number.isNaN(before) ? stamp : new Date(before + 1).toISOString()
}

/** The date an entry is filed under: when it was finished, else started, else recorded. */
export function diaryDate(e: Pick<DiaryEntry, 'finishedOn' | 'startedOn' | 'createdAt'>): string {
  return e.finishedOn ?? e.startedOn ?? e.createdAt.slice(0, 10)
}

type EpisodeFields = Pick<DiaryEntry, 'episodesWatched' | 'episodesTotal' | 'status'>

/** Episodes seen: as recorded, or all of them for a finished watch that only gives the total. */
export function episodesSeen(e: EpisodeFields): number | null {
  return e.episodesWatched ?? (e.status === 'finished' ? e.episodesTotal : null)
}

/** Share of the episodes seen, 0–1, or null when the total is unknown. */
export function episodeProgress(e: EpisodeFields): number | null {
  if (e.episodesTotal === null || e.episodesTotal === 0) return null
  return Math.min(1, (episodesSeen(e) ?? 0) / e.episodesTotal)
}

/** Form field values (all strings) for editing an entry. */
export type DiaryFormValues = Partial<Record<DiaryField, string>>

/** The form values that show a stored entry for editing. */
export function diaryFormValues(e: DiaryEntry): DiaryFormValues {
  const str = (v: string | number | null) => (v === null ? '' : String(v))
  return {
    title: e.title,
    status: e.status,
    origin: str(e.origin),
    platform: str(e.platform),
    startedOn: str(e.startedOn),
    finishedOn: str(e.finishedOn),
    episodesWatched: str(e.episodesWatched),
    episodesTotal: str(e.episodesTotal),
    rewatch: e.rewatch ? 'on' : '',
    meter: e.meter ? String(e.meter.value) : '',
    reviewSlug: e.review?.slug ?? '',
    note: str(e.note),
  }
}

/** One bar of a year's chart. */
export type CountBucket = { key: string; label: string; count: number }

/** What the year in review shows. */
export type YearSummary = {
  year: number
  /** Watches filed under the year (planned ones are not watches yet). */
  total: number
  byStatus: Record<Exclude<DiaryStatus, 'planned'>, number>
  rewatches: number
  episodes: number
  /** Twelve buckets, January first. */
  byMonth: number[]
  /** Most watched first; ties by name. Entries without a country count as "Unknown". */
  byCountry: CountBucket[]
  byPlatform: CountBucket[]
  /** Mean meter of the rated watches, rescaled to `max`; null when none was rated. */
  averageMeter: { value: number; max: number; rated: number } | null
  /** How many rated watches got each meter value 0…max. Empty when none was rated. */
  meterSpread: number[]
}

const UNKNOWN = 'Unknown'

function countBy(items: readonly { key: string; label: string }[]): CountBucket[] {
  const buckets = new Map<string, { count: number; spellings: Map<string, number> }>()
  for (const { key, label } of items) {
    const b = buckets.get(key) ?? { count: 0, spellings: new Map<string, number>() }
    b.count++
    b.spellings.set(label, (b.spellings.get(label) ?? 0) + 1)
    buckets.set(key, b)
  }
  // "netflix" and "Netflix" are one platform: it is named the way it is written most, capitals winning a tie.
  const named = [...buckets].map(([key, b]): CountBucket => {
    const [label] = [...b.spellings].reduce((best, cur) =>
      cur[1] > best[1] || (cur[1] === best[1] && best[0] === best[0].toLowerCase() && cur[0] !== cur[0].toLowerCase()) ? cur : best,
    )
    return { key, label, count: b.count }
  })
  // "Unknown" goes last whatever its count: it is the absence of an answer, not a place.
  return named.sort(
    (a, b) => Number(a.key === '') - Number(b.key === '') || b.count - a.count || a.label.localeCompare(b.label, 'en'),
  )
}

/**
 * Counts a year of watching: every non-planned entry filed under `year` (see `diaryDate`).
 * Meters recorded on an older scale are rescaled to the largest scale among the rated entries,
 * unless `scaleMax` names the scale.
 * @example summarizeYear(entries, 2025).byMonth[2] // watches filed in March 2025
 */
export function summarizeYear(entries: readonly DiaryEntry[], year: number, scaleMax?: number): YearSummary {
  const prefix = `${String(year).padStart(4, '0')}-`
  const watches = entries.filter((e) => e.status !== 'planned' && diaryDate(e).startsWith(prefix))
  const byMonth = Array.from({ length: 12 }, () => 0)
  const byStatus = { watching: 0, finished: 0, dropped: 0 }
  let rewatches = 0
  let episodes = 0
  for (const e of watches) {
    const month = Number(diaryDate(e).slice(5, 7))
    if (month >= 1 && month <= 12) byMonth[month - 1]!++
    if (e.status !== 'planned') byStatus[e.status]++
    if (e.rewatch) rewatches++
    episodes += episodesSeen(e) ?? 0
  }
  const byCountry = countBy(
    watches.map((e) => {
      const code = e.originCode ?? (e.origin ? findCountry(e.origin)?.code : undefined)
      return code ? { key: code.toLowerCase(), label: countryByCode(code)?.name ?? e.origin ?? code } : { key: '', label: UNKNOWN }
    }),
  )
  const byPlatform = countBy(
    watches.map((e) => {
      const key = e.platform ? slugify(e.platform) || e.platform.toLowerCase() : ''
      return { key, label: key ? e.platform! : UNKNOWN }
    }),
  )
  const rated = watches.flatMap((e) => (e.meter && e.meter.max > 0 ? [e.meter] : []))
  const max = scaleMax ?? Math.max(0, ...rated.map((m) => m.max))
  let averageMeter: YearSummary['averageMeter'] = null
  let meterSpread: number[] = []
  if (rated.length && max > 0) {
    const scaled = rated.map((m) => (m.value * max) / m.max)
    const mean = scaled.reduce((a, b) => a + b, 0) / scaled.length
    averageMeter = { value: Math.round(mean * 10) / 10, max, rated: rated.length }
    meterSpread = Array.from({ length: max + 1 }, () => 0)
    for (const v of scaled) meterSpread[Math.min(max, Math.max(0, Math.round(v)))]!++
  }
  return { year, total: watches.length, byStatus, rewatches, episodes, byMonth, byCountry, byPlatform, averageMeter, meterSpread }
}
