// Which reader takes which input, and how a poster named by an importer is fetched. The import
// service (import-files.ts) stays the same whatever the format.
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { dirname, extname, resolve } from 'node:path'
import type { ReviewDocument } from '../domain/review.ts'
import type { SiteSettings } from '../domain/settings.ts'
import type { PosterSource } from '../formats/import-batch.ts'
import { readJsonDocuments, readJsonReviews } from '../formats/json.ts'
import { isMarkdownList, readMarkdownList } from '../formats/list-document.ts'
import { readMarkdownReview } from '../formats/markdown.ts'
import { readPastedText } from '../formats/pasted-text.ts'
import type { ReadResult } from '../formats/result.ts'
import { readLetterboxd } from '../formats/letterboxd.ts'
import { readWxr, scanWxrAttachments } from '../formats/wxr.ts'
import type { ReaderThreads, ReadItem } from './import-threads.ts'
import { fetchWordPressImage } from './wordpress-media.ts'
import { readZipEntries, ZipError } from '../formats/zip.ts'

/** The first entry of every Dramalog backup archive. */
const BACKUP_MANIFEST = 'dramalog-backup.json'

/** File extensions `import` takes, with what they hold. */
export const IMPORT_EXTENSIONS = ['.txt', '.md', '.markdown', '.json', '.xml', '.zip'] as const


/** One input of an import: a file (or anything else) read into items. */
export type ImportInput = {
  /** The name used in messages and locations. */
  label: string
  /** Folder that `/media/…` poster paths in its documents are relative to (Markdown exports). */
  mediaRoot: string | null
  /** Reads the input; `threads`, when given, are there to read its records in. */
  items(settings: SiteSettings, threads?: ReaderThreads | null): AsyncIterable<ReadItem>
}

/** Below this size a WordPress export is read on the main thread: starting threads would take longer. */
const THREADED_WXR_BYTES = 4_000_000

/** Reads one review file with the reader its extension and content call for. */
export function readReviewFile(file: string, text: string, settings: SiteSettings): ReadResult<ReviewDocument[]> {
  const ext = extname(file).toLowerCase()
  const looksLikeMarkdown = /^\ufeff?---\r?\n/.test(text)
  if (ext === '.json') return readJsonReviews(text, file)
  const one = ext === '.md' || ext === '.markdown' || looksLikeMarkdown
    ? readMarkdownReview(text, settings.rubric, file)
    : readPastedText(text, settings, file)
  return one.ok ? { ok: true, value: [one.value] } : one
}

/** A text file holding one review (pasted text, Markdown) or several (JSON), as an input. */
export function reviewFileInput(file: string, poster?: (doc: ReviewDocument) => Promise<PosterSource | null>): ImportInput {
  return {
    label: file,
    mediaRoot: dirname(resolve(file)),
    async *items(settings) {
      const text = await readFile(file, 'utf8')
      const ext = extname(file).toLowerCase()
      // Lists travel in the same files as reviews: items of a JSON export, or Markdown files of their own.
      if (ext === '.json') {
        const docs = readJsonDocuments(text, file)
        if (!docs.ok) {
          for (const issue of docs.issues) yield { kind: 'issue', issue }
          return
        }
        for (const doc of docs.value.reviews) {
          yield { kind: 'review', review: { doc, at: { file, line: 1 }, poster: poster ? await poster(doc) : null, comments: [] } }
        }
        for (const l of docs.value.lists) yield { kind: 'list', list: { ...l, sourceId: null, matchByTitle: false } }
        return
      }
      if ((ext === '.md' || ext === '.markdown') && isMarkdownList(text)) {
        const list = readMarkdownList(text, file)
        if (!list.ok) for (const issue of list.issues) yield { kind: 'issue', issue }
        else yield { kind: 'list', list: { doc: list.value, sourceId: null, matchByTitle: false, at: { file, line: 1 }, entryLines: list.value.entries.map(() => 1) } }
        return
      }
      const result = readReviewFile(file, text, settings)
      if (!result.ok) {
        for (const issue of result.issues) yield { kind: 'issue', issue }
        return
      }
      for (const doc of result.value) {
        yield { kind: 'review', review: { doc, at: { file, line: 1 }, poster: poster ? await poster(doc) : null, comments: [] } }
      }
    },
  }
}

/** The input for one file, chosen by its extension; null when `import` does not take it. */
export function inputForFile(file: string): ImportInput | null {
  const ext = extname(file).toLowerCase()
  if (ext === '.zip') return archiveInput(file)
  if (ext === '.xml') {
    return {
      label: file,
      mediaRoot: null,
      async *items(settings, threads) {
        const { size } = await stat(file)
        const open = () => createReadStream(file)
        if (!threads || (threads.largeInputsOnly && size < THREADED_WXR_BYTES)) {
          yield* readWxr(open, file, settings, { totalBytes: size })
          return
        }
        // A thread scans the posts and reads them while this one looks for the attachments.
        const read = threads.readWxrFile(file, settings, { label: file, totalBytes: size })
        try {
          const first = yield* scanWxrAttachments(open, file, { totalBytes: size })
          if (!first) return
          if (first.selfContained) yield { kind: 'self-contained' }
          read.attachments(first.attachments)
          yield* read.items()
        } finally {
          read.cancel()
        }
      },
    }
  }
  if ((IMPORT_EXTENSIONS as readonly string[]).includes(ext)) return reviewFileInput(file)
  return null
}

/** A ZIP: a Letterboxd export. A Dramalog backup is restored with `restore`, not imported. */
function archiveInput(file: string): ImportInput {
  return {
    label: file,
    mediaRoot: null,
    async *items(settings) {
      const isBackup = await zipHas(file, BACKUP_MANIFEST)
      if (isBackup) {
        yield { kind: 'issue', issue: { file, line: 1, field: '(file)', message: 'this is a Dramalog backup: restore it into an empty site with "dramalog restore FILE"' } }
        return
      }
      yield* readLetterboxd(file, file, settings)
    },
  }
}

/** Whether an archive holds an entry by that name; a damaged archive says no (its reader reports it). */
async function zipHas(file: string, name: string): Promise<boolean> {
  try {
    return (await readZipEntries(file, (n) => n === name)).has(name)
  } catch (err) {
    if (err instanceof ZipError) return false
    throw err
  }
}

/** The bytes of a poster an importer names, or why they cannot be had. */
export async function loadPosterSource(
  source: PosterSource,
  options: { uploadsDir: string | null },
): Promise<{ ok: true; data: Buffer } | { ok: false; reason: string }> {
  if (source.kind === 'bytes') return { ok: true, data: source.data }
  if (source.kind === 'file') {
    try {
      return { ok: true, data: await readFile(source.path) }
    } catch (err) {
      return { ok: false, reason: `${source.path} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` }
    }
  }
  return fetchWordPressImage(source, { uploadsDir: options.uploadsDir })
}
