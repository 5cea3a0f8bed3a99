import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { mkdir, readdir, rename, rm, stat, copyFile, writeFile } from 'node:fs/promises'
import { once } from 'node:events'
import { availableParallelism } from 'node:os'
import { basename, dirname, extname, join, relative } from 'node:path'
import { createInterface } from 'node:readline'
import { InvalidInputError, type InputIssue } from '../domain/errors.ts'
import { posterVariantPath } from '../domain/media-paths.ts'
import type { PosterImage } from '../domain/records.ts'
import type { ReviewDocument } from '../domain/review.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { slugify, truncateSlug } from '../domain/slug.ts'
import type { ImportedComment, ImportedDiaryEntry, ImportedReview, PosterSource, SkippedItem, SourceRef } from '../formats/import-batch.ts'
import { describeImage, isTempFile, renderPoster } from '../media/posters.ts'
import { insertComment, listCommentSources } from '../store/comments.ts'
import type { Tx } from '../store/db.ts'
import { findDiaryIdBySource, insertDiaryEntry, updateDiaryEntry } from '../store/diary.ts'
import { findIdentityBySlug, findIdentityBySource, saveReview } from '../store/reviews.ts'
import { bumpContentVersion, getSiteSettings } from '../store/settings.ts'
import { IMPORT_EXTENSIONS, inputForFile, loadPosterSource, type ImportInput } from './import-readers.ts'
import { renderReview } from './render-review.ts'
import type { Site } from './site.ts'
import { resolveSlug } from './slugs.ts'
import { removeAbandonedWorkFolders, workFolderName } from './work-folders.ts'

export { readReviewFile } from './import-readers.ts'

/** What to do with a record that is already on the site (same source id, slug, or title and season). */
export type ConflictPolicy = 'update' | 'skip'

export type ImportOptions = {
  dryRun?: boolean
  /** Records already on the site are updated in place (the default) or left as they are. */
  onConflict?: ConflictPolicy
  /** A copy of a WordPress site's `wp-content/uploads` folder, where a WXR's images are looked for first. */
  uploadsDir?: string | null
  /** Progress of long work, for progress bars: reading, then saving. */
  onProgress?: (done: number, total: number, label: string) => void
  now?: Date
}

export type SkippedRecord = { at: string; what: string; reason: string }

export type ImportResult = {
  files: number
  /** Slugs of the reviews added and updated. */
  created: string[]
  updated: string[]
  /** Everything left out, each with its place in the input and the reason. */
  skipped: SkippedRecord[]
  diary: { created: number; updated: number }
  comments: { created: number }
  /** Media files written (poster variants). */
  media: number
  warnings: string[]
  dryRun: boolean
}

/** Lists the files `import` reads under the given paths (folders are walked, sorted); missing paths are issues. */
export async function collectFiles(paths: readonly string[], extensions: readonly string[] = IMPORT_EXTENSIONS): Promise<{ files: string[]; issues: InputIssue[] }> {
  const files: string[] = []
  const issues: InputIssue[] = []
  const wanted = (name: string) => extensions.includes(extname(name).toLowerCase())
  async function walk(dir: string): Promise<void> {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))
    for (const e of entries) {
      if (e.name.startsWith('.')) continue
      const p = join(dir, e.name)
      if (e.isDirectory()) {
        // A Markdown export keeps its posters under media/: images, not reviews.
        if (!(e.name === 'media' && dir !== p)) await walk(p)
      } else if (wanted(e.name)) files.push(p)
    }
  }
  for (const p of paths) {
    const info = await stat(p).catch(() => null)
    if (!info) issues.push({ file: p, line: 1, field: '(file)', message: 'no such file or folder' })
    else if (info.isDirectory()) await walk(p)
    else if (wanted(p)) files.push(p)
    else issues.push({ file: p, line: 1, field: '(file)', message: `unsupported file type "${extname(p) || basename(p)}" (use ${extensions.join(', ')})` })
  }
  return { files, issues }
}

/**
 * Imports review files, folders and exports, all or nothing: every input is read and checked
 * first, and any problem throws `InvalidInputError` with all of them, writing nothing.
 */
export async function importFiles(site: Site, paths: readonly string[], options: ImportOptions = {}): Promise<ImportResult> {
  const { files, issues } = await collectFiles(paths)
  if (issues.length) throw new InvalidInputError(issues)
  return importInputs(site, files.map((f) => inputForFile(f)!), options)
}

// ---------------------------------------------------------------------------------------------
// The import runs in three steps:
//   1. read every input, outside any transaction: each record is checked, its poster fetched and
//      rendered into a staging folder, and the record written to a spool file on disk, so memory
//      stays flat however large the export and the database is not locked while images download;
//   2. if anything was wrong, throw with every problem; else save the spool in one transaction;
//   3. move the staged media into place, then commit. A failure at any point removes the staging
//      folder, the spool and the files just placed, and the site is as it was.

type SpooledReview = {
  t: 'review'
  doc: ReviewDocument
  at: SourceRef
  posterImage: PosterImage | null
  comments: ImportedComment[]
}
type SpooledDiary = { t: 'diary'; entry: ImportedDiaryEntry }
type Spooled = SpooledReview | SpooledDiary

type Staging = { dir: string; moves: Map<string, string> }

const ROLLBACK = Symbol('dry run')

const where = (at: SourceRef) => `${displayPath(at.file)}:${at.line}`

/** Imports the records of the given inputs (see `importFiles`). */
export async function importInputs(site: Site, inputs: readonly ImportInput[], options: ImportOptions = {}): Promise<ImportResult> {
  const settings = await getSiteSettings(site.db)
  const result: ImportResult = {
    files: inputs.length, created: [], updated: [], skipped: [], diary: { created: 0, updated: 0 }, comments: { created: 0 }, media: 0,
    warnings: [], dryRun: !!options.dryRun,
  }
  await removeAbandonedWorkFolders(site.dataDir, 'import')
  const work = join(site.dataDir, workFolderName('import', randomBytes(4).toString('hex')))
  const staging: Staging = { dir: join(work, 'media'), moves: new Map() }
  const spoolFile = join(work, 'records.jsonl')
  await mkdir(work, { recursive: true })
  try {
    const { issues, records } = await readInputs(inputs, settings, site, options, result, staging, spoolFile)
    if (issues.length) throw new InvalidInputError(issues)
    const placed: string[] = []
    try {
      await site.db.transaction().execute(async (trx) => {
        const problems = await saveSpool(trx, spoolFile, records, options, result)
        if (problems.length) throw new InvalidInputError(problems)
        await bumpContentVersion(trx)
        if (options.dryRun) throw ROLLBACK
        // The files take their names before the rows that name them commit: a process killed in
        // between leaves files nothing refers to yet (named by their content, so importing again
        // writes the same ones), never a row whose poster is missing.
        placed.push(...(await placeStagedMedia(staging)))
      })
    } catch (err) {
      for (const file of placed) await rm(file, { force: true })
      if (err !== ROLLBACK) throw err
      return result
    }
    result.media = staging.moves.size
    return result
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/**
 * Moves the staged media files into the media folder, each by one rename (never seen half
 * written). Returns the files that were not there before, which a rollback removes again.
 */
async function placeStagedMedia(staging: Staging): Promise<string[]> {
  const added: string[] = []
  for (const [from, to] of staging.moves) {
    await mkdir(dirname(to), { recursive: true })
    const existed = existsSync(to)
    await rename(from, to)
    if (!existed) added.push(to)
  }
  return added
}

/** Step 1: reads, checks and spools every record; fetches and stages posters a few at a time. */
async function readInputs(
  inputs: readonly ImportInput[],
  settings: SiteSettings,
  site: Site,
  options: ImportOptions,
  result: ImportResult,
  staging: Staging,
  spoolFile: string,
): Promise<{ issues: InputIssue[]; records: number }> {
  const issues: InputIssue[] = []
  const spool = createWriteStream(spoolFile)
  let records = 0
  const write = async (rec: Spooled) => {
    records++
    if (!spool.write(`${JSON.stringify(rec)}\n`)) await once(spool, 'drain')
  }
  // Posters take a while (download, decode, nine encodes): several at once, spooled in input order.
  const pending: Promise<Spooled | null>[] = []
  const limit = Math.max(2, availableParallelism())
  const flush = async (keep: number) => {
    while (pending.length > keep) {
      const rec = await pending.shift()!
      if (rec) await write(rec)
    }
  }
  try {
    for (const [index, input] of inputs.entries()) {
      for await (const item of input.items(settings)) {
        if (item.kind === 'issue') issues.push(item.issue)
        else if (item.kind === 'warning') result.warnings.push(item.message)
        else if (item.kind === 'skipped') result.skipped.push(toSkipped(item.item))
        else if (item.kind === 'progress') options.onProgress?.(item.done, item.total, `Reading ${basename(input.label)}`)
        else if (item.kind === 'diary') pending.push(Promise.resolve({ t: 'diary', entry: item.entry }))
        else if (issues.length) continue // the import will not be saved: do not fetch posters for it
        else pending.push(prepareReview(site, item.review, input.mediaRoot, options, result, staging))
        await flush(limit)
      }
      if (inputs.length > 1) options.onProgress?.(index + 1, inputs.length, `Reading ${basename(input.label)}`)
    }
    await flush(0)
  } finally {
    await Promise.allSettled(pending)
    spool.end()
    await once(spool, 'close')
  }
  return { issues, records }
}

function toSkipped(s: SkippedItem): SkippedRecord {
  return { at: where(s.at), what: s.what, reason: s.reason }
}

/** Fetches, renders and stages a review's poster (or finds the files a Markdown export carries). */
async function prepareReview(
  site: Site,
  review: ImportedReview,
  mediaRoot: string | null,
  options: ImportOptions,
  result: ImportResult,
  staging: Staging,
): Promise<SpooledReview> {
  let doc = review.doc
  let posterImage: PosterImage | null = null
  const place = where(review.at)
  if (review.poster) {
    const loaded = await loadPosterSource(review.poster, { uploadsDir: options.uploadsDir ?? null })
    const rendered = loaded.ok ? await renderPoster(loaded.data).catch(() => null) : null
    if (!loaded.ok) result.warnings.push(`${place}: poster: ${loaded.reason}; "${doc.title}" is imported without its poster`)
    else if (!rendered) result.warnings.push(`${place}: poster: not a readable image; "${doc.title}" is imported without its poster`)
    else {
      const key = posterKey(review.poster, doc.title, loaded.data)
      for (const v of rendered.variants) {
        const path = posterVariantPath(key, v.width, v.format).slice('/media/'.length)
        await stageBytes(staging, path, v.data, join(site.mediaDir, path))
      }
      posterImage = rendered.image
      doc = {
        ...doc,
        poster: { src: posterVariantPath(key, rendered.image.width, 'jpg'), credit: doc.poster?.credit ?? null, alt: doc.poster?.alt ?? `Poster for ${doc.title}` },
      }
    }
  } else if (doc.poster?.src?.startsWith('/media/')) {
    posterImage = await findPosterMedia(site, doc.poster.src, mediaRoot, place, result.warnings, staging)
  }
  return { t: 'review', doc, at: review.at, posterImage, comments: review.comments }
}

/**
 * The file name a poster gets: an importer that names its image (the demo) keeps the name; any
 * other gets the title and a hash of the bytes, so two images never take each other's name.
 */
function posterKey(source: PosterSource, title: string, data: Buffer): string {
  const named = source.kind === 'bytes' ? truncateSlug(slugify(source.name.replace(/\.[a-z0-9]+$/i, '')), 100) : ''
  if (named) return named
  return `${truncateSlug(slugify(title), 80) || 'poster'}-${createHash('sha256').update(data).digest('hex').slice(0, 8)}`
}

async function stageBytes(staging: Staging, path: string, data: Buffer, target: string): Promise<void> {
  const file = join(staging.dir, path)
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, data)
  staging.moves.set(file, target)
}

/** Locates a poster referenced as `/media/…` beside an imported file or already in the site's media. */
async function findPosterMedia(
  site: Site,
  src: string,
  mediaRoot: string | null,
  place: string,
  warnings: string[],
  staging: Staging,
): Promise<PosterImage | null> {
  const target = join(site.mediaDir, src.slice('/media/'.length))
  if (!target.startsWith(site.mediaDir + '/')) return null
  const beside = mediaRoot ? join(mediaRoot, src) : null
  const from = beside && existsSync(beside) ? beside : existsSync(target) ? target : null
  if (!from) {
    warnings.push(`${place}: poster: ${src} was not found beside the file; the review is imported without its image file`)
    return null
  }
  if (from !== target) {
    // Copy the poster and every variant beside it, byte for byte (a Markdown export comes back the same).
    const dir = dirname(from)
    const stem = basename(from).replace(/\.w\d+\.\w+$/, '')
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const name = entry.name
      if (!entry.isFile() || isTempFile(name) || !(name === basename(from) || name.startsWith(`${stem}.w`))) continue
      const staged = join(staging.dir, relative(site.mediaDir, join(dirname(target), name)))
      await mkdir(dirname(staged), { recursive: true })
      await copyFile(join(dir, name), staged)
      staging.moves.set(staged, join(dirname(target), name))
    }
  }
  return describeImage(from)
}

async function* readSpool(file: string): AsyncGenerator<Spooled> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })
  for await (const line of lines) if (line) yield JSON.parse(line) as Spooled
}

/** Step 2: saves the spooled records inside the caller's transaction; returns the problems found. */
async function saveSpool(trx: Tx, spoolFile: string, records: number, options: ImportOptions, result: ImportResult): Promise<InputIssue[]> {
  const now = (options.now ?? new Date()).toISOString()
  const policy = options.onConflict ?? 'update'
  const problems: InputIssue[] = []
  const claimed = new Map<string, SourceRef>()
  // Explicit slugs win over derived ones whatever the order, so reserve them first.
  const reserved = new Set<string>()
  for await (const rec of readSpool(spoolFile)) if (rec.t === 'review' && rec.doc.slug) reserved.add(rec.doc.slug)
  let done = 0
  const tick = () => {
    done++
    if (done % 50 === 0 || done === records) options.onProgress?.(done, records, 'Saving')
  }
  // Reviews first, so diary entries can link the reviews of this same import.
  for await (const rec of readSpool(spoolFile)) {
    if (rec.t !== 'review') continue
    tick()
    const { doc, at } = rec
    const match = await matchReview(trx, doc, reserved)
    if ('problem' in match) {
      problems.push({ file: at.file, line: at.line, field: 'slug', message: match.problem })
      continue
    }
    const { slug, existingId } = match
    const earlier = claimed.get(slug)
    if (earlier) {
      problems.push({
        file: at.file, line: at.line, field: doc.slug ? 'slug' : 'title',
        message: `the same review as in ${where(earlier)} ("${doc.title}"${doc.season ? `, season ${doc.season}` : ''})`,
      })
      continue
    }
    claimed.set(slug, at)
    if (problems.length) continue // only looking for more problems now
    if (existingId !== null && policy === 'skip') {
      result.skipped.push({ at: where(at), what: `review "${doc.title}"`, reason: `already on the site as /reviews/${slug}` })
      continue
    }
    const { id } = await saveReview(trx, renderReview({ ...doc, slug }, rec.posterImage), existingId, now)
    ;(existingId === null ? result.created : result.updated).push(slug)
    if (rec.comments.length) result.comments.created += await saveComments(trx, id, rec.comments, result)
  }
  if (problems.length) return problems
  for await (const rec of readSpool(spoolFile)) {
    if (rec.t !== 'diary') continue
    tick()
    await saveDiaryEntry(trx, rec.entry, policy, now, result)
  }
  return problems
}

/** The slug a document gets and the review it is, if already on the site: by source id first, then slug or title. */
async function matchReview(trx: Tx, doc: ReviewDocument, reserved: ReadonlySet<string>): Promise<{ slug: string; existingId: number | null } | { problem: string }> {
  if (doc.source) {
    const found = await findIdentityBySource(trx, doc.source.id)
    if (found) {
      if (doc.slug && doc.slug !== found.slug) {
        const other = await findIdentityBySlug(trx, doc.slug)
        if (other) return { problem: `"${doc.slug}" is the slug of another review ("${other.title}") on the site` }
      }
      return { slug: doc.slug ?? found.slug, existingId: found.id }
    }
  }
  if (doc.slug && doc.source) {
    const bySlug = await findIdentityBySlug(trx, doc.slug)
    if (bySlug?.source_id && bySlug.source_id !== doc.source.id) {
      return { problem: `"${doc.slug}" is already the slug of a review imported from ${bySlug.source_id}` }
    }
  }
  return resolveSlug(trx, doc, reserved)
}

/** Adds a review's imported comments that it does not have yet; replies go under their comment. */
async function saveComments(trx: Tx, reviewId: number, comments: readonly ImportedComment[], result: ImportResult): Promise<number> {
  const known = await listCommentSources(trx, reviewId)
  let added = 0
  // Parents before replies, whatever the order in the export.
  const ordered = [...comments].sort((a, b) => Number(a.parentSourceId !== null) - Number(b.parentSourceId !== null))
  for (const c of ordered) {
    if (known.has(c.sourceId)) continue
    const parentId = c.parentSourceId === null ? null : (known.get(c.parentSourceId) ?? null)
    if (c.parentSourceId !== null && parentId === null) {
      result.warnings.push(`${where(c.at)}: comment ${c.sourceId} answers a comment that was not imported; it is shown as a comment of its own`)
    }
    const id = await insertComment(trx, {
      reviewId, parentId, status: 'approved', name: c.authorName, email: c.authorEmail, website: c.authorUrl, body: c.body,
      trustKey: null, byAuthor: false, userId: null, ipHash: null, now: c.createdAt, sourceId: c.sourceId,
    })
    known.set(c.sourceId, id)
    added++
  }
  return added
}

async function saveDiaryEntry(trx: Tx, e: ImportedDiaryEntry, policy: ConflictPolicy, now: string, result: ImportResult): Promise<void> {
  const review = e.reviewSourceId ? await findIdentityBySource(trx, e.reviewSourceId) : undefined
  const values = {
    title: e.title, origin_code: null, platform: null, started_on: null, finished_on: e.finishedOn, episodes_watched: null,
    episodes_total: null, rewatch: e.rewatch ? 1 : 0, meter_value: e.meter?.value ?? null, meter_max: e.meter?.max ?? null,
    note: e.note, status: e.status, review_id: review?.id ?? null, source_id: e.sourceId,
  }
  const existing = await findDiaryIdBySource(trx, e.sourceId)
  if (existing === undefined) {
    await insertDiaryEntry(trx, values, null, now)
    result.diary.created++
  } else if (policy === 'update') {
    await updateDiaryEntry(trx, existing, values, now)
    result.diary.updated++
  } else {
    result.skipped.push({ at: where(e.at), what: `diary entry "${e.title}"`, reason: 'already in the diary' })
  }
}

/** Relative display name of a file for messages. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file)
  return rel.startsWith('..') || rel === '' ? file : rel
}
