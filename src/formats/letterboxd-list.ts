// One list of a Letterboxd export (`lists/NAME.csv`). The file is two CSV tables in a row: a
// title line (`Letterboxd list export v7`), the list's own header and row (Date, Name, Tags, URL,
// Description), a blank line, then the entries (Position, Name, Year, URL, Description), where
// Description is the note written for that film. A list whose Position column is filled is read
// as ranked; a list without positions keeps the file's order, unranked.
import { parse } from 'csv-parse/sync'
import type { InputIssue } from '../domain/errors.ts'
import { LIST_LIMITS, ListDocument } from '../domain/lists.ts'
import { slugify, truncateSlug } from '../domain/slug.ts'
import type { ImportedList } from './import-batch.ts'

const LIST_HEADER = ['Name', 'URL'] as const
const ENTRY_HEADER = ['Name', 'Year'] as const

/** Letterboxd notes and descriptions may hold a little HTML; lists keep plain text. */
function plainText(html: string): string {
  return html
    .replace(/\r\n?/g, '\n')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim()
}

type Row = { line: number; cells: string[] }

/** The rows of the file with the line each starts on; blank lines are kept as empty rows (they split the two tables). */
function rowsOf(text: string, file: string, issues: InputIssue[]): Row[] {
  let records: { record: string[]; raw: string }[]
  try {
    records = parse(text, { raw: true, relax_column_count: true, skip_empty_lines: false }) as unknown as { record: string[]; raw: string }[]
  } catch (err) {
    const e = err as Error & { lines?: number }
    issues.push({ file, line: e.lines ?? 1, field: '(csv)', message: `not a readable CSV file: ${e.message.replace(/ at line \d+/, '')}` })
    return []
  }
  const rows: Row[] = []
  let line = 1
  for (const { record, raw } of records) {
    rows.push({ line, cells: record })
    line += raw.split('\n').length - 1
  }
  return rows
}

const isBlank = (r: Row) => r.cells.every((c) => c.trim() === '')

/**
 * Reads one Letterboxd list file into a list whose entries are matched to reviews by title and
 * year when the import is saved. `file` names it in every issue.
 */
export function readLetterboxdList(data: Buffer, file: string): { list: ImportedList | null; issues: InputIssue[] } {
  const issues: InputIssue[] = []
  const text = data.toString('utf8').replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  const rows = rowsOf(text, file, issues)
  if (issues.length) return { list: null, issues }
  // The title line, when there, comes first: the list's header follows it.
  let i = rows.findIndex((r) => !isBlank(r))
  if (i >= 0 && rows[i]!.cells.length === 1 && /^letterboxd list export/i.test(rows[i]!.cells[0]!.trim())) i++
  const header = rows[i]
  const headIndex = new Map(header?.cells.map((h, k) => [h.trim(), k]) ?? [])
  const missing = LIST_HEADER.filter((c) => !headIndex.has(c))
  if (!header || missing.length) {
    return { list: null, issues: [{ file, line: header?.line ?? 1, field: missing[0] ?? '(csv)', message: 'not a Letterboxd list: the list header (Date,Name,Tags,URL,Description) is missing' }] }
  }
  const info = rows[i + 1]
  const cell = (r: Row, index: Map<string, number>, column: string) => r.cells[index.get(column) ?? -1]?.trim() ?? ''
  // A file that ends at the header has no line after it: the problem is then the header's.
  if (!info || isBlank(info)) return { list: null, issues: [{ file, line: info?.line ?? header.line, field: 'Name', message: "the list's own row is missing" }] }
  const name = cell(info, headIndex, 'Name')
  const url = cell(info, headIndex, 'URL')
  if (!name) issues.push({ file, line: info.line, field: 'Name', message: 'is missing' })
  else if (name.length > LIST_LIMITS.title) issues.push({ file, line: info.line, field: 'Name', message: `is longer than ${LIST_LIMITS.title} characters` })
  const description = plainText(cell(info, headIndex, 'Description'))
  if (description.length > LIST_LIMITS.description) issues.push({ file, line: info.line, field: 'Description', message: `is longer than ${LIST_LIMITS.description} characters` })

  // The entries' table starts at the next non-blank row.
  let k = i + 2
  while (k < rows.length && isBlank(rows[k]!)) k++
  const entryHeader = rows[k]
  const entryIndex = new Map(entryHeader?.cells.map((h, n) => [h.trim(), n]) ?? [])
  const entries: ListDocument['entries'] = []
  const entryLines: number[] = []
  let ranked = false
  if (entryHeader) {
    for (const column of ENTRY_HEADER) if (!entryIndex.has(column)) issues.push({ file, line: entryHeader.line, field: column, message: 'this column is missing from the entries header' })
    if (!issues.length) {
      const read: { position: number | null; entry: ListDocument['entries'][number]; line: number }[] = []
      for (const row of rows.slice(k + 1)) {
        if (isBlank(row)) continue
        if (row.cells.length !== entryHeader.cells.length) {
          issues.push({ file, line: row.line, field: '(row)', message: `has ${row.cells.length} fields, but the header names ${entryHeader.cells.length} (a comma outside quotes?)` })
          continue
        }
        const title = cell(row, entryIndex, 'Name')
        const yearText = cell(row, entryIndex, 'Year')
        const position = cell(row, entryIndex, 'Position')
        const note = plainText(cell(row, entryIndex, 'Description'))
        let ok = true
        const bad = (field: string, message: string) => {
          issues.push({ file, line: row.line, field, message })
          ok = false
        }
        if (!title) bad('Name', 'is missing')
        else if (title.length > LIST_LIMITS.entryTitle) bad('Name', `is longer than ${LIST_LIMITS.entryTitle} characters`)
        if (yearText && !/^\d{4}$/.test(yearText)) bad('Year', `"${yearText}" is not a year`)
        if (position && !/^\d+$/.test(position)) bad('Position', `"${position}" is not a number`)
        if (note.length > LIST_LIMITS.note) bad('Description', `is longer than ${LIST_LIMITS.note} characters`)
        if (!ok) continue
        read.push({ position: position ? Number(position) : null, entry: { review: null, title, year: yearText ? Number(yearText) : null, origin: null, note: note || null }, line: row.line })
      }
      ranked = read.length > 0 && read.every((r) => r.position !== null)
      if (ranked) read.sort((a, b) => a.position! - b.position!)
      for (const r of read) {
        entries.push(r.entry)
        entryLines.push(r.line)
      }
    }
  }
  if (entries.length > LIST_LIMITS.entries) issues.push({ file, line: entryHeader!.line, field: '(list)', message: `has ${entries.length} entries; a list holds at most ${LIST_LIMITS.entries}` })
  if (issues.length) return { list: null, issues }
  const slug = truncateSlug(slugify(name)) || 'list'
  const date = cell(info, headIndex, 'Date')
  const publishedAt = /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) ? new Date(`${date}T00:00:00Z`).toISOString() : null
  const doc: ListDocument = { kind: 'list', slug, title: name, description, ranked, status: 'published', publishedAt, entries }
  return {
    list: { doc, sourceId: `letterboxd:list:${url || name}`, matchByTitle: true, at: { file, line: info.line }, entryLines },
    issues: [],
  }
}
