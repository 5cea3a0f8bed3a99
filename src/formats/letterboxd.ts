// Reads a Letterboxd export (Settings → Data → Export: a .zip of CSV files) into reviews and diary
// entries. Letterboxd spreads one film over several files: a dated watch is a row of diary.csv,
// its review (if written) a row of reviews.csv, and every film ever marked watched or rated is
// also a row of watched.csv and ratings.csv. The reader joins them so that each logged watch gives
// exactly one diary entry, and a film seen without a dated log gives one undated entry.
//
// The export's own URIs do not line up across files: diary.csv and reviews.csv name the log entry
// (https://boxd.it/<entry>), while watched.csv, ratings.csv and watchlist.csv name the film
// (https://boxd.it/<film>). A film is therefore recognised by its URI or by its name and year.
import { parse } from 'csv-parse'
import { Readable } from 'node:stream'
import { readLetterboxdList } from './letterboxd-list.ts'
import TurndownService from 'turndown'
import type { InputIssue } from '../domain/errors.ts'
import { letterboxdStarsToMeter, parseLetterboxdStars } from '../domain/letterboxd-rating.ts'
import { isSafeUrl, normalizeTags, ReviewDocument, type ReviewDocumentInput } from '../domain/review.ts'
import type { SiteSettings } from '../domain/settings.ts'
import type { ImportedDiaryEntry, SkippedItem, StreamingReader } from './import-batch.ts'
import { walkZip, ZipError, type ZipLimits } from './zip.ts'

/** The files of an export that are imported, in the order they are read. */
export const LETTERBOXD_FILES = ['reviews.csv', 'diary.csv', 'ratings.csv', 'watched.csv', 'watchlist.csv'] as const
type LetterboxdFile = (typeof LETTERBOXD_FILES)[number]

/**
 * Limits for an export: even a heavy Letterboxd user's CSVs are a few megabytes, so anything
 * near these is not an export (and is refused before it fills memory or disk).
 */
export const LETTERBOXD_ZIP_LIMITS: ZipLimits = {
  maxEntries: 50_000,
  maxTotalBytes: 1024 ** 3,
  maxEntryBytes: 256 * 1024 ** 2,
  maxRatio: 200,
}

// Columns each file must have to be read at all, and the ones read when present.
const REQUIRED: Record<LetterboxdFile, readonly string[]> = {
  'reviews.csv': ['Name', 'Letterboxd URI', 'Review'],
  'diary.csv': ['Name', 'Letterboxd URI'],
  'ratings.csv': ['Name', 'Letterboxd URI', 'Rating'],
  'watched.csv': ['Name', 'Letterboxd URI'],
  'watchlist.csv': ['Name', 'Letterboxd URI'],
}
const OPTIONAL: Record<LetterboxdFile, readonly string[]> = {
  'reviews.csv': ['Date', 'Year', 'Rating', 'Rewatch', 'Tags', 'Watched Date'],
  'diary.csv': ['Date', 'Year', 'Rating', 'Rewatch', 'Tags', 'Watched Date'],
  'ratings.csv': ['Date', 'Year'],
  'watched.csv': ['Date', 'Year'],
  'watchlist.csv': ['Date', 'Year'],
}

/** Why the other files of an export are left out, by where they sit in it. */
function skipReason(name: string): string {
  if (name === 'profile.csv') return 'the Letterboxd profile is not imported (set the site name and author in Settings)'
  if (name === 'comments.csv') return 'comments you wrote on Letterboxd are not imported'
  if (name.startsWith('likes/')) return 'likes are not imported'
  if (name.startsWith('deleted/')) return 'entries deleted on Letterboxd are not imported'
  if (name.startsWith('orphaned/')) return 'orphaned entries (no longer attached to a film) are not imported'
  return 'not a file of a Letterboxd export that Dramalog reads'
}

// --- Review text → Markdown ------------------------------------------------------------------------

const DROPPED = ['script', 'style', 'iframe', 'object', 'embed', 'img', 'picture', 'video', 'audio', 'svg', 'form', 'input', 'button', 'select', 'textarea']
const turndown = new TurndownService({ headingStyle: 'atx', emDelimiter: '*', strongDelimiter: '**', br: '\\', codeBlockStyle: 'fenced' })
// Nothing of these is text a reader wrote, and Letterboxd's editor cannot make them anyway. A rule,
// not `remove()`: removal ranks below turndown's own rules, and its image rule would keep `<img>`.
turndown.addRule('dropEmbedded', {
  filter: DROPPED as TurndownService.Filter,
  replacement: () => '',
})
// Links keep only safe http(s) targets; Letterboxd's own site-relative links become absolute.
turndown.addRule('safeLink', {
  filter: 'a',
  replacement(content, node) {
    const href = safeHref((node as HTMLElement).getAttribute('href'))
    return href && content.trim() ? `[${content}](${href})` : content
  },
})
// The text of the review, escaped so that nothing in it reads as Markdown syntax: inline markers
// anywhere, block markers at the start of a line. Raw HTML is off in the renderer, but `<` would
// still start an autolink and `&` an entity, so both are escaped too.
turndown.escape = (text: string) =>
  text
    .replace(/[\\`*_[\]<&|~]/g, '\\$&')
    .replace(/^(\s*)([#>+=-])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2')

// A `<` read as HTML starts a whole tag (closed by `>` before any other `<`) with one of these
// names: what Letterboxd's editor writes, common formatting, and what is dropped.
const HTML_TAG_START = new RegExp(
  `<(?!/?(?:${['a', 'b', 'i', 'u', 's', 'em', 'strong', 'br', 'p', 'blockquote', 'strike', 'del', 'ins', 'sub', 'sup', 'code', 'pre', 'span', 'div', 'ul', 'ol', 'li', 'hr', 'h[1-6]', ...DROPPED].join('|')})(?:\\s[^<>]*)?/?>)`,
  'gi',
)

function safeHref(href: string | null): string | null {
  if (!href) return null
  try {
    const url = new URL(href.trim(), 'https://letterboxd.com/')
    // Parentheses would end the Markdown link early; the URL serializer leaves them as they are.
    return isSafeUrl(url.href) ? url.href.replace(/\(/g, '%28').replace(/\)/g, '%29') : null
  } catch {
    return null
  }
}

/**
 * Turns the text of a Letterboxd review into Markdown. Letterboxd keeps line breaks as written
 * (a blank line between paragraphs) and allows a little HTML (`<i>`, `<b>`, `<a href>`,
 * `<blockquote>`, `<br />`). Other formatting tags are dropped with their text kept; scripts,
 * images and embeds go entirely; a `<` that starts no known tag is text; all text is escaped.
 */
export function letterboxdReviewMarkdown(text: string): string {
  const normalized = text
    .replace(/\r\n?/g, '\n')
    .replace(/<br\s*\/?>[ \t]*\n/gi, '<br>')
    // A `<` that opens no HTML tag is the reviewer's text ("a <b", "<spoilers>"): an HTML parser
    // would take it for a tag and swallow what follows.
    .replace(HTML_TAG_START, '&lt;')
  // Blank lines make paragraphs and single line breaks stay breaks, as on Letterboxd. A blockquote
  // tag also ends a paragraph, so a quote spanning paragraphs nests the way it reads.
  const html = normalized
    .split(/(<\/?blockquote\b[^>]*>)/i)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .split(/\n[ \t]*\n/)
            .map((p) => p.trim())
            .filter(Boolean)
            .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
            .join(''),
    )
    .join('')
  return turndown.turndown(html).trim()
}

/** A review's Markdown, or a problem on its row when its HTML cannot be converted (nesting too deep to walk). */
function reviewMarkdownOrProblem(c: Checker, text: string): string | null {
  try {
    return letterboxdReviewMarkdown(text)
  } catch (err) {
    problem(c, 'Review', `could not be read (${err instanceof RangeError ? 'markup nested too deeply' : err instanceof Error ? err.message : String(err)})`)
    return null
  }
}

// --- CSV ---------------------------------------------------------------------------------------------

type CsvRow = { line: number; get(column: string): string }
/** A CSV file of the export, checked: its name in messages, its rows' count, and whether they can be read at all. */
type Csv = { file: string; kind: LetterboxdFile; data: Buffer | null; count: number; readable: boolean }

/**
 * Walks one CSV file (RFC 4180) a record at a time: its sound rows, keyed by the header's column
 * names, each with the line it starts on; returns whether the file could be read to its end.
 * Problems with the file as a whole (bad quoting, a missing column, a row with the wrong number of
 * fields) go to `report` when given; the rows that are sound are still yielded. Only one record is
 * held at a time, so an export's rows are walked again rather than kept.
 */
async function* csvRows(
  data: Buffer,
  file: string,
  kind: LetterboxdFile,
  report: { issues: InputIssue[]; warnings: string[] } | null,
): AsyncGenerator<CsvRow, boolean, undefined> {
  // Lines are counted on the raw text of each record: csv-parse's `info.lines` is where a record
  // ends, not where it starts, and drifts past skipped blank lines. The raw texts laid end to end
  // are the whole file, and a record starts after the blank lines its raw text begins with.
  let line = 1
  let header: string[] | null = null
  let index = new Map<string, number>()
  try {
    const parser = Readable.from(csvText(data)).pipe(parse({ raw: true, relax_column_count: true, skip_empty_lines: true }))
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const start = line + (/^\n*/.exec(raw)?.[0].length ?? 0)
      line += raw.split('\n').length - 1
      if (!header) {
        header = record.map((h) => h.trim())
        index = new Map(header.map((h, i) => [h, i]))
        const missing = REQUIRED[kind].filter((c) => !index.has(c))
        for (const column of missing) report?.issues.push({ file, line: start, field: column, message: 'this column is missing from the header' })
        if (missing.length) return false
        const absent = OPTIONAL[kind].filter((c) => !index.has(c))
        if (absent.length) report?.warnings.push(`${file}: no ${absent.map((c) => `"${c}"`).join(', ')} column; read without it`)
        continue
      }
      // A line of spaces is as empty as an empty line.
      if (record.every((v) => v.trim() === '')) continue
      if (record.length !== header.length) {
        report?.issues.push({ file, line: start, field: '(row)', message: `has ${record.length} fields, but the header names ${header.length} (a comma outside quotes?)` })
        continue
      }
      const fields = index
      yield { line: start, get: (column) => record[fields.get(column) ?? -1]?.trim() ?? '' }
    }
  } catch (err) {
    const e = err as Error & { lines?: number }
    report?.issues.push({ file, line: e.lines ?? 1, field: '(csv)', message: `not a readable CSV file: ${e.message.replace(/ at line \d+/, '')}` })
    return false
  }
  if (!header) {
    report?.issues.push({ file, line: 1, field: '(csv)', message: 'the file is empty: no header row' })
    return false
  }
  return true
}

/**
 * The text of a CSV file, a piece at a time (a file held whole as text would be a few times its
 * size): UTF-8 without its byte order mark, line ends made LF, so quoted review text keeps its
 * breaks as LF and every line counts once.
 */
export function* csvText(data: Buffer, piece = CSV_PIECE): Generator<string, void, undefined> {
  const decoder = new TextDecoder('utf-8')
  let carry = ''
  for (let at = 0; at < data.length; at += piece) {
    let text = carry + decoder.decode(data.subarray(at, at + piece), { stream: true })
    // A CR at the end of a piece may be half of a CRLF: it waits for the next piece.
    carry = text.endsWith('\r') ? '\r' : ''
    if (carry) text = text.slice(0, -1)
    if (text) yield text.replace(/\r\n?/g, '\n')
  }
  const rest = carry + decoder.decode()
  if (rest) yield rest.replace(/\r\n?/g, '\n')
}
const CSV_PIECE = 64 * 1024

/** Checks a CSV file of the export once, reporting its problems and counting its sound rows. */
async function checkCsv(csv: Omit<Csv, 'count' | 'readable'>, report: { issues: InputIssue[]; warnings: string[] }): Promise<Csv> {
  if (!csv.data) return { ...csv, count: 0, readable: false }
  const rows = csvRows(csv.data, csv.file, csv.kind, report)
  let count = 0
  let step = await rows.next()
  for (; !step.done; step = await rows.next()) count++
  // A file that cannot be read to its end gives no rows at all, as before anything was read.
  return { ...csv, count: step.value ? count : 0, readable: step.value }
}

/** The sound rows of a checked CSV file (none when it could not be read), its problems already reported. */
async function* rowsOf(csv: Csv): AsyncGenerator<CsvRow, void, undefined> {
  if (csv.readable && csv.data) yield* csvRows(csv.data, csv.file, csv.kind, null)
}

// --- Rows --------------------------------------------------------------------------------------------

/** The columns every Letterboxd file shares, checked. */
type FilmRow = {
  line: number
  name: string
  year: number | null
  uri: string
  /** The `Date` column: when the row was logged on Letterboxd. */
  date: string | null
  /** Keys that identify the film across files: its URI, and its name with its year. */
  keys: string[]
}

type Checker = { file: string; line: number; issues: InputIssue[]; ok: boolean }
const problem = (c: Checker, field: string, message: string) => {
  c.issues.push({ file: c.file, line: c.line, field, message })
  c.ok = false
}

function isoDate(c: Checker, row: CsvRow, column: string): string | null {
  const text = row.get(column)
  if (text === '') return null
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    problem(c, column, `"${text}" is not a date as YYYY-MM-DD`)
    return null
  }
  const date = new Date(`${text}T00:00:00Z`)
  if (Number.isNaN(date.getTime()) || !date.toISOString().startsWith(text)) {
    problem(c, column, `${text} is not a real calendar date`)
    return null
  }
  return text
}

const filmKey = (name: string, year: number | null) => `film:${name.normalize('NFC').toLowerCase()}\u0000${year ?? ''}`

function filmRow(c: Checker, row: CsvRow): FilmRow {
  const name = row.get('Name')
  if (name === '') problem(c, 'Name', 'is missing')
  else if (name.length > 200) problem(c, 'Name', 'is longer than 200 characters')
  else if (/[\r\n]/.test(name)) problem(c, 'Name', 'must be a single line')
  const yearText = row.get('Year')
  let year: number | null = null
  if (/^\d{4}$/.test(yearText)) year = Number(yearText)
  else if (yearText !== '') problem(c, 'Year', `"${yearText}" is not a year`)
  const uri = row.get('Letterboxd URI')
  if (uri === '') problem(c, 'Letterboxd URI', 'is missing')
  else if (!isSafeUrl(uri)) problem(c, 'Letterboxd URI', `"${uri}" is not an http(s) address`)
  const date = isoDate(c, row, 'Date')
  return { line: row.line, name, year, uri, date, keys: [`uri:${uri}`, filmKey(name, year)] }
}

function stars(c: Checker, row: CsvRow): number | null {
  const parsed = parseLetterboxdStars(row.get('Rating'))
  if (parsed.ok) return parsed.stars
  problem(c, 'Rating', parsed.reason)
  return null
}

function rewatch(c: Checker, row: CsvRow): boolean {
  const text = row.get('Rewatch')
  if (text === '' || /^no$/i.test(text)) return false
  if (/^yes$/i.test(text)) return true
  problem(c, 'Rewatch', `"${text}" is not "Yes" or empty`)
  return false
}

// The review document's fields, by the column they came from, for locating schema problems.
const COLUMN_OF: Record<string, string> = {
  title: 'Name', year: 'Year', reviewedOn: 'Watched Date', publishedAt: 'Date', links: 'Letterboxd URI', source: 'Letterboxd URI',
  meter: 'Rating', intro: 'Review', tags: 'Tags', firstWatch: 'Rewatch',
}

// --- The reader --------------------------------------------------------------------------------------

/**
 * Reads a Letterboxd export. Yields a `review` for each row of reviews.csv, a `diary` entry for
 * each logged watch (diary.csv), for each film watched or rated without a log (watched.csv,
 * ratings.csv, merged) and for each film on the watchlist (`planned`), a `skipped` item for each
 * other file of the export, an `issue` for every bad row (and goes on), and `progress` in rows.
 * A refused or unreadable archive yields its issues and nothing else.
 */
export async function* readLetterboxd(zipFile: string, label: string, settings: SiteSettings, limits: ZipLimits = LETTERBOXD_ZIP_LIMITS): StreamingReader {
  // 1. The archive: the five CSV files into memory (small), the names of the rest.
  const found = new Map<string, Buffer>()
  const listFiles = new Map<string, Buffer>()
  const others: string[] = []
  try {
    await walkZip(
      zipFile,
      async (entry) => {
        // Depth 0, or 1 for an export unzipped and zipped again inside its folder; which of the
        // two is the export is decided once every name is known (deleted/diary.csv is not it).
        const parts = entry.name.split('/')
        if (parts.length <= 2 && (LETTERBOXD_FILES as readonly string[]).includes(parts.at(-1)!)) found.set(entry.name, await entry.read())
        else if (parts.length <= 3 && parts.at(-2) === 'lists' && parts.at(-1)!.toLowerCase().endsWith('.csv')) listFiles.set(entry.name, await entry.read())
        else others.push(entry.name)
      },
      limits,
    )
  } catch (err) {
    if (!(err instanceof ZipError)) throw err
    for (const issue of err.issues) yield { kind: 'issue', issue: { ...issue, file: label } }
    return
  }

  const root = exportRoot([...found.keys(), ...listFiles.keys(), ...others])
  const lists: [string, Buffer][] = []
  for (const [name, data] of [...listFiles].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (name === `${root}lists/${name.split('/').at(-1)}`) lists.push([name, data])
    else others.push(name)
  }
  const files = new Map<LetterboxdFile, { name: string; data: Buffer }>()
  for (const [name, data] of found) {
    const inRoot = name.startsWith(root) ? name.slice(root.length) : null
    if (inRoot !== null && (LETTERBOXD_FILES as readonly string[]).includes(inRoot)) files.set(inRoot as LetterboxdFile, { name, data })
    else others.push(name)
  }
  if (files.size === 0 && lists.length === 0) {
    yield {
      kind: 'issue',
      issue: { file: label, line: 1, field: '(archive)', message: `not a Letterboxd export: it holds none of ${LETTERBOXD_FILES.join(', ')}` },
    }
    return
  }
  for (const name of others.sort()) {
    const item: SkippedItem = { at: { file: `${label}:${name}`, line: 1 }, what: name, reason: skipReason(name.slice(root.length)) }
    yield { kind: 'skipped', item }
  }

  // 2. The CSV files, checked whole first (their problems and row counts come before any row), then
  // walked again file by file: watches are joined across them, keeping what joins them, not the rows.
  const issues: InputIssue[] = []
  const warnings: string[] = []
  const csv = (kind: LetterboxdFile): Promise<Csv> => {
    const f = files.get(kind)
    return checkCsv({ file: f ? `${label}:${f.name}` : `${label}:${kind}`, kind, data: f?.data ?? null }, { issues, warnings })
  }
  const reviewsCsv = await csv('reviews.csv')
  const diaryCsv = await csv('diary.csv')
  const ratingsCsv = await csv('ratings.csv')
  const watchedCsv = await csv('watched.csv')
  const watchlistCsv = await csv('watchlist.csv')
  for (const issue of issues.splice(0)) yield { kind: 'issue', issue }
  for (const message of warnings.splice(0)) yield { kind: 'warning', message }

  const total = [reviewsCsv, diaryCsv, ratingsCsv, watchedCsv, watchlistCsv].reduce((n, f) => n + f.count, 0)
  let done = 0
  yield { kind: 'progress', done, total }
  const step = () => ++done % 250 === 0
  const meter = (s: number | null) => (s === null ? null : letterboxdStarsToMeter(s, settings.meter))

  // 3. Reviews. Indexed by log URI and by film, each with the date watched, for the diary.
  const reviewByEntry = new Map<string, string>()
  const reviewByFilmDate = new Map<string, string>()
  const reviewByFilm = new Map<string, string>()
  const reviewLines = new Map<string, number>()
  for await (const row of rowsOf(reviewsCsv)) {
    const c: Checker = { file: reviewsCsv.file, line: row.line, issues, ok: true }
    const film = filmRow(c, row)
    const watchedOn = isoDate(c, row, 'Watched Date')
    const rating = stars(c, row)
    const again = rewatch(c, row)
    const sourceId = `letterboxd:review:${film.uri}`
    const first = reviewLines.get(sourceId)
    if (c.ok && first !== undefined) problem(c, 'Letterboxd URI', `the same review is already on line ${first}`)
    let year = film.year
    if (year !== null && (year < 1900 || year > 2100)) {
      // Letterboxd lists films from the 1880s on; a review on this site carries 1900–2100 only.
      warnings.push(`${reviewsCsv.file}:${row.line}: Year: ${year} is outside 1900–2100; the review is imported without a year`)
      year = null
    }
    const intro = c.ok ? reviewMarkdownOrProblem(c, row.get('Review')) : null
    if (c.ok) {
      const input: ReviewDocumentInput = {
        title: film.name,
        year,
        firstWatch: !again,
        reviewedOn: watchedOn ?? film.date,
        links: [{ site: 'Letterboxd', label: film.name, url: film.uri }],
        meter: meter(rating),
        intro: intro ?? undefined,
        tags: normalizeTags(row.get('Tags').split(',')),
        status: 'published',
        // Published when it was written on Letterboxd, so the site's newest-first order holds.
        publishedAt: film.date ? `${film.date}T00:00:00Z` : null,
        source: { id: sourceId, url: film.uri },
      }
      const doc = ReviewDocument.safeParse(input)
      if (!doc.success) {
        for (const i of doc.error.issues) {
          const key = String(i.path[0] ?? '')
          const field = key === 'reviewedOn' && !watchedOn ? 'Date' : (COLUMN_OF[key] ?? (i.path.join('.') || '(review)'))
          problem(c, field, i.message)
        }
      } else {
        reviewLines.set(sourceId, row.line)
        const date = watchedOn ?? film.date
        if (date) {
          reviewByEntry.set(`${film.uri}\u0000${date}`, sourceId)
          if (!reviewByFilmDate.has(`${film.keys[1]}\u0000${date}`)) reviewByFilmDate.set(`${film.keys[1]}\u0000${date}`, sourceId)
        }
        if (!reviewByFilm.has(film.keys[1]!)) reviewByFilm.set(film.keys[1]!, sourceId)
        yield { kind: 'review', review: { doc: doc.data, at: { file: reviewsCsv.file, line: row.line }, poster: null, comments: [] } }
      }
    }
    for (const issue of issues.splice(0)) yield { kind: 'issue', issue }
    for (const message of warnings.splice(0)) yield { kind: 'warning', message }
    if (step()) yield { kind: 'progress', done, total }
  }

  // 4. The diary: one finished entry per logged watch.
  const logged = new Set<string>()
  const linkedReviews = new Set<string>()
  const seenIds = new Map<string, number>()
  for await (const row of rowsOf(diaryCsv)) {
    const c: Checker = { file: diaryCsv.file, line: row.line, issues, ok: true }
    const film = filmRow(c, row)
    const watchedOn = isoDate(c, row, 'Watched Date')
    const rating = stars(c, row)
    const again = rewatch(c, row)
    const date = watchedOn ?? film.date
    if (c.ok && !date) problem(c, 'Watched Date', 'is missing, and so is Date')
    if (c.ok && date) {
      // The same log twice on one day (a double feature of one film) gets a counter.
      const base = `letterboxd:diary:${film.uri}:${date}`
      const n = (seenIds.get(base) ?? 0) + 1
      seenIds.set(base, n)
      const reviewSourceId = reviewByEntry.get(`${film.uri}\u0000${date}`) ?? reviewByFilmDate.get(`${film.keys[1]}\u0000${date}`) ?? null
      if (reviewSourceId) linkedReviews.add(reviewSourceId)
      for (const key of film.keys) logged.add(key)
      yield {
        kind: 'diary',
        entry: {
          sourceId: n === 1 ? base : `${base}:${n}`,
          title: film.name,
          year: film.year,
          status: 'finished',
          finishedOn: date,
          rewatch: again,
          meter: meter(rating),
          note: null,
          reviewSourceId,
          at: { file: diaryCsv.file, line: row.line },
        },
      }
    }
    for (const issue of issues.splice(0)) yield { kind: 'issue', issue }
    if (step()) yield { kind: 'progress', done, total }
  }

  // 5. Films watched or rated without a diary log: one undated entry each, carrying the rating.
  const isLogged = (f: FilmRow) => f.keys.some((k) => logged.has(k))
  const ratings = new Map<string, { film: FilmRow; stars: number | null; used: boolean }>()
  const ratingRows: { film: FilmRow; stars: number | null; used: boolean }[] = []
  for await (const row of rowsOf(ratingsCsv)) {
    const c: Checker = { file: ratingsCsv.file, line: row.line, issues, ok: true }
    const film = filmRow(c, row)
    const rating = stars(c, row)
    if (c.ok) {
      const r = { film, stars: rating, used: isLogged(film) }
      ratingRows.push(r)
      for (const key of film.keys) if (!ratings.has(key)) ratings.set(key, r)
    }
    for (const issue of issues.splice(0)) yield { kind: 'issue', issue }
    if (step()) yield { kind: 'progress', done, total }
  }
  const watched = new Set<string>()
  const undated = (film: FilmRow, stars: number | null, file: string): ImportedDiaryEntry => {
    const reviewSourceId = reviewByFilm.get(film.keys[1]!) ?? null
    return {
      sourceId: `letterboxd:watched:${film.uri}`,
      title: film.name,
      year: film.year,
      status: 'finished',
      finishedOn: null,
      rewatch: false,
      meter: meter(stars),
      note: null,
      // A review whose watch has no diary row still belongs to the film's one watch.
      reviewSourceId: reviewSourceId && !linkedReviews.has(reviewSourceId) ? reviewSourceId : null,
      at: { file, line: film.line },
    }
  }
  for await (const row of rowsOf(watchedCsv)) {
    const c: Checker = { file: watchedCsv.file, line: row.line, issues, ok: true }
    const film = filmRow(c, row)
    // Listed twice in watched.csv, or already in the diary: the film has its entry.
    if (c.ok && !isLogged(film) && !film.keys.some((k) => watched.has(k))) {
      for (const key of film.keys) watched.add(key)
      const rating = film.keys.map((k) => ratings.get(k)).find((r) => r !== undefined)
      if (rating) rating.used = true
      yield { kind: 'diary', entry: undated(film, rating?.stars ?? null, watchedCsv.file) }
    }
    for (const issue of issues.splice(0)) yield { kind: 'issue', issue }
    if (step()) yield { kind: 'progress', done, total }
  }
  for (const r of ratingRows) {
    if (r.used || r.film.keys.some((k) => watched.has(k))) continue
    r.used = true
    for (const key of r.film.keys) watched.add(key)
    yield { kind: 'diary', entry: undated(r.film, r.stars, ratingsCsv.file) }
  }

  // 6. The watchlist: planned entries for films not seen yet.
  const planned = new Set<string>()
  for await (const row of rowsOf(watchlistCsv)) {
    const c: Checker = { file: watchlistCsv.file, line: row.line, issues, ok: true }
    const film = filmRow(c, row)
    if (c.ok) {
      if (isLogged(film) || film.keys.some((k) => watched.has(k))) {
        const item: SkippedItem = { at: { file: watchlistCsv.file, line: row.line }, what: film.year === null ? film.name : `${film.name} (${film.year})`, reason: 'on the watchlist but already watched; imported as watched' }
        yield { kind: 'skipped', item }
      } else if (!film.keys.some((k) => planned.has(k))) {
        for (const key of film.keys) planned.add(key)
        yield {
          kind: 'diary',
          entry: {
            sourceId: `letterboxd:watchlist:${film.uri}`,
            title: film.name,
            year: film.year,
            status: 'planned',
            finishedOn: null,
            rewatch: false,
            meter: null,
            note: null,
            reviewSourceId: null,
            at: { file: watchlistCsv.file, line: row.line },
          },
        }
      }
    }
    for (const issue of issues.splice(0)) yield { kind: 'issue', issue }
    if (step()) yield { kind: 'progress', done, total }
  }
  // 7. Lists (lists/*.csv): their entries find their reviews by title and year when saved.
  for (const [name, data] of lists) {
    const read = readLetterboxdList(data, `${label}:${name}`)
    for (const issue of read.issues) yield { kind: 'issue', issue }
    if (read.list) yield { kind: 'list', list: read.list }
  }
  yield { kind: 'progress', done: total, total }
}

/**
 * The folder of the archive that holds the export: the top, or the one folder everything is in
 * when an unzipped export was zipped again with its folder.
 */
function exportRoot(names: string[]): string {
  if (names.some((n) => (LETTERBOXD_FILES as readonly string[]).includes(n))) return ''
  const tops = new Set(names.map((n) => (n.includes('/') ? n.slice(0, n.indexOf('/') + 1) : '')))
  const [only] = tops
  return tops.size === 1 && only ? only : ''
}
