// What every importer (pasted text, Markdown, JSON, WordPress WXR, Letterboxd, backups) hands to
// the import service: documents and records with where each came from, what was left out and why,
// and every problem found. Readers fill it without I/O on the site; the service saves it all or
// nothing.
import type { InputIssue } from '../domain/errors.ts'
import type { ListDocument } from '../domain/lists.ts'
import type { ReviewDocument } from '../domain/review.ts'

/** Where a record was read: the file (an archive entry reads `archive.zip:entry.csv`) and line. */
export type SourceRef = { file: string; line: number }

/** Where a review's poster image comes from, when the document does not point into the site's media. */
export type PosterSource =
  /** A file on disk (beside an imported Markdown file, or found in a WordPress uploads copy). */
  | { kind: 'file'; path: string }
  /** Image bytes read from an archive. */
  | { kind: 'bytes'; data: Buffer; name: string }
  /**
   * A WordPress attachment: `url` is its address on the old site, `path` its place under
   * `wp-content/uploads/` (`2023/04/poster.jpg`) when the export names it. The service looks in
   * the `--uploads` folder first, then asks the old site over HTTP.
   */
  | { kind: 'wordpress'; url: string; path: string | null }

/** A reader's comment carried over from the old site; imported comments are already approved. */
export type ImportedComment = {
  /** Unique within the review, e.g. the WordPress comment id. */
  sourceId: string
  /** The `sourceId` of the comment it replies to, or null. Deeper replies attach to their top-level ancestor. */
  parentSourceId: string | null
  authorName: string
  authorEmail: string | null
  authorUrl: string | null
  /** Plain text. */
  body: string
  /** ISO 8601 with offset (UTC `Z`). */
  createdAt: string
  at: SourceRef
}

export type ImportedReview = {
  /**
   * The document. `doc.source` (id and original URL) identifies it across re-imports: a review
   * with the same `source.id` is the same review, whatever its slug became.
   */
  doc: ReviewDocument
  at: SourceRef
  poster: PosterSource | null
  comments: ImportedComment[]
}

/** One watch for the diary (Letterboxd's diary.csv, watched.csv) or one watchlist entry. */
export type ImportedDiaryEntry = {
  /** Identifies the entry across re-imports, e.g. `letterboxd:diary:<Letterboxd URI>`. */
  sourceId: string
  title: string
  year: number | null
  status: 'watching' | 'finished' | 'dropped' | 'planned'
  /** ISO date (YYYY-MM-DD) the watch ended, or null. */
  finishedOn: string | null
  rewatch: boolean
  meter: { value: number; max: number } | null
  note: string | null
  /** The `source.id` of an imported review this watch belongs to, when there is one. */
  reviewSourceId: string | null
  at: SourceRef
}

/**
 * A list of shows. Entries name reviews by slug (exports), or by `reviewSourceId` / title and year
 * (Letterboxd lists), resolved when the import is saved.
 */
export type ImportedList = {
  doc: ListDocument
  /** Identifies the list across re-imports (`letterboxd:list:…`); null for a list named by its slug. */
  sourceId: string | null
  /** Per entry, how to find its review when `doc` names none: by title and year, among the site's reviews. */
  matchByTitle: boolean
  at: SourceRef
  /** The line each entry starts on. */
  entryLines: number[]
}

/** Something in the input that is deliberately not imported, with the reason (shown in the summary). */
export type SkippedItem = { at: SourceRef; what: string; reason: string }

export type ImportBatch = {
  /** The files (or archives) read, for the summary. */
  files: string[]
  reviews: ImportedReview[]
  diary: ImportedDiaryEntry[]
  skipped: SkippedItem[]
  /** Problems that stop the import: every one of them, each located. */
  issues: InputIssue[]
  /** Things worth telling that do not stop the import (an image that could not be had, …). */
  warnings: string[]
}

export const emptyBatch = (): ImportBatch => ({ files: [], reviews: [], diary: [], skipped: [], issues: [], warnings: [] })

/** Adds one batch's content to another (several files in one import). */
export function mergeBatch(into: ImportBatch, from: ImportBatch): ImportBatch {
  for (const x of from.files) into.files.push(x)
  for (const x of from.reviews) into.reviews.push(x)
  for (const x of from.diary) into.diary.push(x)
  for (const x of from.skipped) into.skipped.push(x)
  for (const x of from.issues) into.issues.push(x)
  for (const x of from.warnings) into.warnings.push(x)
  return into
}

/**
 * What streaming readers (WXR, Letterboxd, backups) yield, one record at a time, so an export of
 * any size is read with flat memory: the import service saves each record as it arrives, inside
 * one transaction that it rolls back at the end if any `issue` came. Readers go on after an issue,
 * so every problem in the input is reported, not only the first.
 */
export type ImportItem =
  | { kind: 'review'; review: ImportedReview }
  | { kind: 'diary'; entry: ImportedDiaryEntry }
  | { kind: 'list'; list: ImportedList }
  | { kind: 'skipped'; item: SkippedItem }
  | { kind: 'issue'; issue: InputIssue }
  | { kind: 'warning'; message: string }
  /** How far the reader got (bytes of the file, or records), for progress bars. */
  | { kind: 'progress'; done: number; total: number }
  /**
   * No record after this names its own slug or needs an image fetched: each can be saved as soon
   * as it is read, while the rest of the input is still being read. (Slugs given by documents
   * must all be known before any slug is derived, and images are fetched before the database is
   * touched.)
   */
  | { kind: 'self-contained' }

/** A streaming reader: yields the items of one input. `label` is the file name used in every location. */
export type StreamingReader = AsyncGenerator<ImportItem, void, undefined>
