import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { basename, dirname, extname, join, relative, resolve } from 'node:path'
import { InvalidInputError, type InputIssue } from '../domain/errors.ts'
import type { PosterImage } from '../domain/records.ts'
import type { ReviewDocument } from '../domain/review.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { readJsonReviews } from '../formats/json.ts'
import { readMarkdownReview } from '../formats/markdown.ts'
import { readPastedText } from '../formats/pasted-text.ts'
import type { ReadResult } from '../formats/result.ts'
import { saveReview } from '../store/reviews.ts'
import { resolveSlug } from './slugs.ts'
import { bumpContentVersion, getSiteSettings } from '../store/settings.ts'
import { describeImage } from '../media/posters.ts'
import { renderReview } from './render-review.ts'
import type { Site } from './site.ts'

const READERS = ['.txt', '.md', '.markdown', '.json'] as const

/** A document read from a file, with where it came from. */
export type SourcedDocument = { doc: ReviewDocument; file: string; line: number; mediaRoot: string | null; posterFile?: Buffer }

export type ImportOptions = {
  dryRun?: boolean
  /** Called after each file is read: for progress bars. */
  onProgress?: (done: number, total: number, file: string) => void
  now?: Date
}

export type ImportResult = {
  files: number
  created: string[]
  updated: string[]
  warnings: string[]
  dryRun: boolean
}

/** Lists the review files under the given paths (folders are walked, sorted); missing paths are issues. */
export async function collectFiles(paths: readonly string[]): Promise<{ files: string[]; issues: InputIssue[] }> {
  const files: string[] = []
  const issues: InputIssue[] = []
  async function walk(dir: string): Promise<void> {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))
    for (const e of entries) {
      if (e.name.startsWith('.')) continue
      const p = join(dir, e.name)
      if (e.isDirectory()) await walk(p)
      else if (READERS.includes(extname(e.name).toLowerCase() as (typeof READERS)[number])) files.push(p)
    }
  }
  for (const p of paths) {
    const info = await stat(p).catch(() => null)
    if (!info) issues.push({ file: p, line: 1, field: '(file)', message: 'no such file or folder' })
    else if (info.isDirectory()) await walk(p)
    else if (READERS.includes(extname(p).toLowerCase() as (typeof READERS)[number])) files.push(p)
    else issues.push({ file: p, line: 1, field: '(file)', message: `unsupported file type "${extname(p) || basename(p)}" (use .txt, .md or .json)` })
  }
  return { files, issues }
}

/** Reads one file with the reader its extension and content call for. */
export function readReviewFile(file: string, text: string, settings: SiteSettings): ReadResult<ReviewDocument[]> {
  const ext = extname(file).toLowerCase()
  const looksLikeMarkdown = /^\ufeff?---\r?\n/.test(text)
  if (ext === '.json') return readJsonReviews(text, file)
  const one = ext === '.md' || ext === '.markdown' || looksLikeMarkdown
    ? readMarkdownReview(text, settings.rubric, file)
    : readPastedText(text, settings, file)
  return one.ok ? { ok: true, value: [one.value] } : one
}

/** Reads every file, collecting documents and every problem in every file. */
export async function readFiles(paths: readonly string[], settings: SiteSettings, onProgress?: ImportOptions['onProgress']) {
  const { files, issues } = await collectFiles(paths)
  const docs: SourcedDocument[] = []
  for (const [i, file] of files.entries()) {
    const text = await readFile(file, 'utf8')
    const result = readReviewFile(file, text, settings)
    if (result.ok) for (const doc of result.value) docs.push({ doc, file, line: 1, mediaRoot: dirname(resolve(file)) })
    else issues.push(...result.issues)
    onProgress?.(i + 1, files.length, file)
  }
  return { files, docs, issues }
}

const ROLLBACK = Symbol('dry run')

/**
 * Imports review files all or nothing: every file is read and checked first; any problem throws
 * `InvalidInputError` with all of them and nothing is written. A review already on the site is
 * updated in place: found by its slug, or for files without one by title, season and year.
 */
export async function importFiles(site: Site, paths: readonly string[], options: ImportOptions = {}): Promise<ImportResult> {
  const settings = await getSiteSettings(site.db)
  const { files, docs, issues } = await readFiles(paths, settings, options.onProgress)
  if (issues.length) throw new InvalidInputError(issues)
  return saveDocuments(site, docs, { ...options, files: files.length })
}

/** Saves already-read documents in one transaction (see `importFiles`). */
export async function saveDocuments(
  site: Site,
  docs: readonly SourcedDocument[],
  options: ImportOptions & { files: number; posterImages?: Map<SourcedDocument, PosterImage> },
): Promise<ImportResult> {
  const result: ImportResult = { files: options.files, created: [], updated: [], warnings: [], dryRun: !!options.dryRun }
  const now = (options.now ?? new Date()).toISOString()
  const media: { from: string | Buffer; to: string }[] = []
  const staged: { tmp: string; to: string }[] = []
  // Explicit slugs win over derived ones whatever the file order, so reserve them first.
  const reserved = new Set(docs.flatMap((d) => (d.doc.slug ? [d.doc.slug] : [])))
  try {
    await site.db.transaction().execute(async (trx) => {
      const claimed = new Map<string, SourcedDocument>()
      const problems: InputIssue[] = []
      for (const item of docs) {
        const { slug, existingId } = await resolveSlug(trx, item.doc, reserved)
        const earlier = claimed.get(slug)
        if (earlier) {
          problems.push({
            file: item.file, line: item.line, field: item.doc.slug ? 'slug' : 'title',
            message: `the same review as in ${displayPath(earlier.file)} ("${item.doc.title}"${item.doc.season ? `, season ${item.doc.season}` : ''})`,
          })
          continue
        }
        claimed.set(slug, item)
        const posterImage = options.posterImages?.get(item) ?? (await findPosterMedia(site, item, media, result.warnings))
        await saveReview(trx, renderReview({ ...item.doc, slug }, posterImage), existingId, now)
        ;(existingId === null ? result.created : result.updated).push(slug)
      }
      if (problems.length) throw new InvalidInputError(problems)
      await bumpContentVersion(trx)
      if (options.dryRun) throw ROLLBACK
      // Media goes to temporary names before the commit (a failed copy rolls everything back) and
      // takes its real name after it, so a failed import leaves no new file behind.
      for (const m of media) {
        const tmp = `${m.to}.${process.pid}.import.tmp`
        staged.push({ tmp, to: m.to })
        await mkdir(dirname(m.to), { recursive: true })
        if (typeof m.from === 'string') await copyFile(m.from, tmp)
        else await writeFile(tmp, m.from)
      }
    })
  } catch (err) {
    await Promise.all(staged.map((f) => rm(f.tmp, { force: true })))
    if (err !== ROLLBACK) throw err
    return result
  }
  for (const f of staged) await rename(f.tmp, f.to)
  return result
}

/** Locates a poster referenced as `/media/…` next to an imported file or already in the site's media. */
async function findPosterMedia(
  site: Site,
  item: SourcedDocument,
  media: { from: string | Buffer; to: string }[],
  warnings: string[],
): Promise<PosterImage | null> {
  const src = item.doc.poster?.src
  if (!src || !src.startsWith('/media/')) return null
  const target = join(site.mediaDir, src.slice('/media/'.length))
  if (!target.startsWith(site.mediaDir)) return null
  const beside = item.mediaRoot ? join(item.mediaRoot, src) : null
  const from = beside && existsSync(beside) ? beside : existsSync(target) ? target : null
  if (!from) {
    warnings.push(`${item.file}: poster ${src} was not found beside the file; the review is imported without its image file`)
    return null
  }
  if (from !== target) {
    media.push({ from, to: target })
    // Copy every variant that sits beside the poster too.
    const dir = dirname(from)
    const stem = basename(from).replace(/\.w\d+\.\w+$/, '')
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const name = entry.name
      if (entry.isFile() && name !== basename(from) && name.startsWith(`${stem}.w`)) media.push({ from: join(dir, name), to: join(dirname(target), name) })
    }
  }
  return describeImage(from)
}

/** Relative display name of a file for messages. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file)
  return rel.startsWith('..') ? file : rel
}
