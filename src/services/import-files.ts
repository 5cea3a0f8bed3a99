import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync, type WriteStream } from 'node:fs'
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
import type { ImportedComment, ImportedDiaryEntry, ImportedList, ImportedReview, PosterSource, SkippedItem, SourceRef } from '../formats/import-batch.ts'
import { describeImage, isTempFile, renderPoster } from '../media/posters.ts'
import { insertComment, listCommentSources } from '../store/comments.ts'
import type { Tx } from '../store/db.ts'
import { findDiaryIdBySource, insertDiaryEntry, updateDiaryEntry } from '../store/diary.ts'
import { findListBySource, findListIdBySlug, findReviewsByTitle } from '../store/lists.ts'
import { findIdentityBySlug, findIdentityBySource, saveReview } from '../store/reviews.ts'
import type { IndexedText } from '../store/search.ts'
import { bumpContentVersion, getSiteSettings } from '../store/settings.ts'
import { IMPORT_EXTENSIONS, inputForFile, loadPosterSource, type ImportInput } from './import-readers.ts'
import { ReaderThreads, type ReadItem } from './import-threads.ts'
import { renderReview, renderReviewHtml, type ReviewHtml } from './render-review.ts'
import type { Site } from './site.ts'
import { saveListDocument } from './lists.ts'
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
  /**
   * Threads that scan and read WordPress exports beside the main thread. By default one per core
   * but the main thread's (which saves as they read; at least one), for exports of a few MB and
   * more; a number given reads every export in that many threads, and 0 reads everything on the
   * main thread.
   */
  threads?: number
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
  lists: { created: number; updated: number }
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
//      rendered into a staging folder, its Markdown rendered, and the record written to a spool
//      file on disk, so memory stays flat however large the export and the database is not locked
//      while images download;
//   2. save the records in one transaction, rolled back if anything was wrong, with every
//      problem reported;
//   3. move the staged media into place, then commit. A failure at any point removes the staging
//      folder, the spool and the files just placed, and the site is as it was.
// Step 2 starts as soon as nothing left to read can change what is saved: when the last input
// says the rest of its records are self-contained (no slugs of their own, no images to fetch).
// From then on records go straight from reading to saving, and the two run side by side: the
// main thread saves while reader threads scan and read the next records.

type SpooledReview = {
  doc: ReviewDocument
  at: SourceRef
  posterImage: PosterImage | null
  comments: ImportedComment[]
  /** Rendered while reading, where the work can be spread out, not inside the transaction. */
  html: ReviewHtml
  /** Its search text, when worked out while reading (in a reader thread). */
  indexedText: IndexedText | null
  /** `JSON.stringify(doc)`, when made while reading (in a reader thread). */
  docJson: string | null
}

/** Records waiting for step 2 handed over directly are this many at most; reading waits beyond. */
const HANDOVER = 64

/**
 * Records on their way from reading to saving. Until saving starts they are written to a spool
 * file, one JSON line each, so memory stays flat however large the export; `drain` then reads the
 * file back and goes on with records handed over directly, a few at a time.
 */
class RecordStream<T> {
  count = 0
  private readonly out: WriteStream
  private live: T[] | null = null
  private ended = false
  private failure: { err: unknown } | null = null
  private wake: (() => void) | null = null
  private draining: Promise<unknown> | null = null

  constructor(readonly file: string) {
    this.out = createWriteStream(file)
  }

  /** Whether every record has been written (reading is over). */
  get isEnded(): boolean {
    return this.ended
  }

  async write(record: T): Promise<void> {
    this.check()
    this.count++
    if (!this.live) {
      if (!this.out.write(`${JSON.stringify(record)}\n`)) await (this.draining = once(this.out, 'drain'))
      return
    }
    this.live.push(record)
    this.signal()
    while (this.live.length > HANDOVER && !this.failure) await new Promise<void>((resolve) => (this.wake = resolve))
    this.check()
  }

  /** No more records: `drain` ends after the last one. */
  end(): void {
    this.ended = true
    this.signal()
  }

  /** Stops both sides: a waiting or later `write`, and `drain`, throw `err`. */
  fail(err: unknown): void {
    this.failure ??= { err }
    this.signal()
  }

  /** Every record, in the order written: those spooled so far, then those written from now on. Call once. */
  async *drain(): AsyncGenerator<T> {
    this.live = []
    await this.close()
    const lines = createInterface({ input: createReadStream(this.file, 'utf8'), crlfDelay: Infinity })
    for await (const line of lines) {
      this.check()
      if (line) yield JSON.parse(line) as T
    }
    for (;;) {
      this.check()
      const record = this.live.shift()
      if (record !== undefined) {
        this.signal()
        yield record
      } else if (this.ended) return
      else await new Promise<void>((resolve) => (this.wake = resolve))
    }
  }

  async close(): Promise<void> {
    // A stream that is ending no longer emits 'drain': a write waiting for it finishes first.
    await this.draining?.catch(() => {})
    if (this.out.closed) return
    this.out.end()
    await once(this.out, 'close')
  }

  private check(): void {
    if (this.failure) throw this.failure.err
  }

  // One side waits at a time: the writer while the handover is full, the drain while it is empty.
  private signal(): void {
    const wake = this.wake
    this.wake = null
    wake?.()
  }
}

type Records = {
  reviews: RecordStream<SpooledReview>
  diary: RecordStream<ImportedDiaryEntry>
  lists: RecordStream<ImportedList>
  /** The slugs documents give themselves: they win over derived ones whatever the order, so are known before saving. */
  slugs: Set<string>
}

type Staging = { dir: string; moves: Map<string, string> }

const ROLLBACK = Symbol('dry run')

const where = (at: SourceRef) => `${displayPath(at.file)}:${at.line}`

/**
 * How many reader threads an import starts by default. The main thread saves the whole time: a
 * reader per core would take turns with it on its core (10,000 posts on 2 cores, when the main
 * thread still scanned the file itself: ~11.5 s with two readers, ~10.5 s with one).
 */
export function defaultReaderThreads(): number {
  return Math.max(1, availableParallelism() - 1)
}

/** Imports the records of the given inputs (see `importFiles`). */
export async function importInputs(site: Site, inputs: readonly ImportInput[], options: ImportOptions = {}): Promise<ImportResult> {
  const settings = await getSiteSettings(site.db)
  const result: ImportResult = {
    files: inputs.length, created: [], updated: [], skipped: [], diary: { created: 0, updated: 0 }, lists: { created: 0, updated: 0 }, comments: { created: 0 }, media: 0,
    warnings: [], dryRun: !!options.dryRun,
  }
  await removeAbandonedWorkFolders(site.dataDir, 'import')
  const work = join(site.dataDir, workFolderName('import', randomBytes(4).toString('hex')))
  const staging: Staging = { dir: join(work, 'media'), moves: new Map() }
  await mkdir(work, { recursive: true })
  const records: Records = { reviews: new RecordStream(join(work, 'reviews.jsonl')), diary: new RecordStream(join(work, 'diary.jsonl')), lists: new RecordStream(join(work, 'lists.jsonl')), slugs: new Set() }
  const issues: InputIssue[] = []
  const threadCount = options.threads ?? defaultReaderThreads()
  const threads = threadCount > 0 ? new ReaderThreads(threadCount, { largeInputsOnly: options.threads === undefined }) : null
  let saving: Promise<boolean> | null = null
  const startSaving = () => {
    if (!saving) {
      saving = saveRecords(site, records, issues, options, result, staging)
      // Awaited below; meanwhile a failure stops the reading through `records.reviews.fail`.
      saving.catch(() => {})
    }
    return saving
  }
  try {
    try {
      await readInputs(inputs, { settings, site, options, result, staging, records, issues, threads, startSaving })
      records.reviews.end()
      records.diary.end()
      records.lists.end()
    } catch (err) {
      records.reviews.fail(err)
      throw err
    } finally {
      await threads?.close()
    }
    if (issues.length && !saving) throw new InvalidInputError(issues)
    if (!(await startSaving())) return result
    result.media = staging.moves.size
    return result
  } finally {
    // A transaction still open (reading failed while saving) rolls back before its files go.
    await (saving as Promise<boolean> | null)?.catch(() => {})
    await Promise.allSettled([records.reviews.close(), records.diary.close(), records.lists.close()])
    await rm(work, { recursive: true, force: true })
  }
}

/** Step 2, in one transaction: true once committed, false when rolled back for a dry run. */
async function saveRecords(site: Site, records: Records, issues: readonly InputIssue[], options: ImportOptions, result: ImportResult, staging: Staging): Promise<boolean> {
  const placed: string[] = []
  try {
    await site.db.transaction().execute(async (trx) => {
      const problems = await saveReviews(trx, records, options, result)
      // Reading is over once the reviews are: its problems come first, and alone.
      if (issues.length) throw new InvalidInputError([...issues])
      if (problems.length) throw new InvalidInputError(problems)
      await saveDiary(trx, records, options, result)
      const listProblems = await saveLists(trx, records, options, result)
      if (listProblems.length) throw new InvalidInputError(listProblems)
      await bumpContentVersion(trx)
      if (options.dryRun) throw ROLLBACK
      // The files take their names before the rows that name them commit: a process killed in
      // between leaves files nothing refers to yet (named by their content, so importing again
      // writes the same ones), never a row whose poster is missing.
      placed.push(...(await placeStagedMedia(staging)))
    })
    return true
  } catch (err) {
    for (const file of placed) await rm(file, { force: true })
    records.reviews.fail(err)
    if (err === ROLLBACK) return false
    throw err
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

type ReadContext = {
  settings: SiteSettings
  site: Site
  options: ImportOptions
  result: ImportResult
  staging: Staging
  records: Records
  /** Problems found while reading, in input order. */
  issues: InputIssue[]
  threads: ReaderThreads | null
  startSaving: () => unknown
}

/** What reading an item comes to, applied in input order once ready. */
type Step = Exclude<ReadItem, { kind: 'review' }> | { kind: 'record'; review: SpooledReview }

/** Items read ahead of the one being applied: reviews waiting for their poster. */
const READ_AHEAD = 32

/** Step 1: reads, checks and spools every record; fetches and stages posters a few at a time. */
async function readInputs(inputs: readonly ImportInput[], context: ReadContext): Promise<void> {
  const { settings, site, options, result, staging, records, issues, threads } = context
  // Posters take a while (download, decode, nine encodes): several at once.
  const posterSlots = slots(Math.max(2, availableParallelism()))
  const pending: Promise<Step[]>[] = []
  const prepare = async (item: ReadItem, input: ImportInput): Promise<Step[]> => {
    if (item.kind !== 'review') return [item]
    if (issues.length) return [] // the import will not be saved: do not fetch posters for it
    const review = await prepareReview(site, item.review, item.html, input.mediaRoot, options, result, staging, posterSlots)
    // A poster saved while preparing changes the document: its JSON is then made again when saved.
    const docJson = review.doc === item.review.doc ? (item.docJson ?? null) : null
    return [{ kind: 'record', review: { ...review, indexedText: item.indexedText ?? null, docJson } }]
  }
  const apply = async (step: Step, input: ImportInput, isLast: boolean) => {
    if (step.kind === 'issue') issues.push(step.issue)
    else if (step.kind === 'warning') result.warnings.push(step.message)
    else if (step.kind === 'skipped') result.skipped.push(toSkipped(step.item))
    else if (step.kind === 'progress') options.onProgress?.(step.done, step.total, `Reading ${basename(input.label)}`)
    else if (step.kind === 'self-contained') {
      if (isLast) context.startSaving()
    } else if (step.kind === 'diary') await records.diary.write(step.entry)
    else if (step.kind === 'list') await records.lists.write(step.list)
    else if (!issues.length) {
      if (step.review.doc.slug) records.slugs.add(step.review.doc.slug)
      await records.reviews.write(step.review)
    }
  }
  try {
    for (const [index, input] of inputs.entries()) {
      const isLast = index === inputs.length - 1
      const flush = async (keep: number) => {
        while (pending.length > keep) for (const step of await pending.shift()!) await apply(step, input, isLast)
      }
      for await (const item of input.items(settings, threads)) {
        const steps = prepare(item, input)
        // Awaited in order by `flush`; until then a failure must not count as unhandled.
        steps.catch(() => {})
        pending.push(steps)
        await flush(READ_AHEAD)
      }
      await flush(0)
      if (inputs.length > 1) options.onProgress?.(index + 1, inputs.length, `Reading ${basename(input.label)}`)
    }
  } finally {
    await Promise.allSettled(pending)
  }
}

/** Runs work at most `n` at a time, in the order asked. */
function slots(n: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0
  const waiting: (() => void)[] = []
  return async (work) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve))
    running++
    try {
      return await work()
    } finally {
      running--
      waiting.shift()?.()
    }
  }
}

function toSkipped(s: SkippedItem): SkippedRecord {
  return { at: where(s.at), what: s.what, reason: s.reason }
}

/** Fetches, renders and stages a review's poster (or finds the files a Markdown export carries). */
async function prepareReview(
  site: Site,
  review: ImportedReview,
  html: ReviewHtml | undefined,
  mediaRoot: string | null,
  options: ImportOptions,
  result: ImportResult,
  staging: Staging,
  posterSlots: ReturnType<typeof slots>,
): Promise<Omit<SpooledReview, 'indexedText' | 'docJson'>> {
  let doc = review.doc
  let posterImage: PosterImage | null = null
  const place = where(review.at)
  if (review.poster) {
    const source = review.poster
    const { loaded, rendered } = await posterSlots(async () => {
      const loaded = await loadPosterSource(source, { uploadsDir: options.uploadsDir ?? null })
      return { loaded, rendered: loaded.ok ? await renderPoster(loaded.data).catch(() => null) : null }
    })
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
  return { doc, at: review.at, posterImage, comments: review.comments, html: html ?? renderReviewHtml(doc) }
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

/** Saves the reviews inside the caller's transaction as they come; returns the problems found. */
async function saveReviews(trx: Tx, records: Records, options: ImportOptions, result: ImportResult): Promise<InputIssue[]> {
  const now = (options.now ?? new Date()).toISOString()
  const policy = options.onConflict ?? 'update'
  const problems: InputIssue[] = []
  // Every slug saved so far, with where it came from. A record read in a thread brings its own
  // copy of its file's name: one copy per file is kept.
  const claimed = new Map<string, SourceRef>()
  const files = new Map<string, string>()
  const tick = savingProgress(records, options)
  for await (const rec of records.reviews.drain()) {
    tick()
    const { doc, at } = rec
    const match = await matchReview(trx, doc, records.slugs)
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
    const file = files.get(at.file) ?? (files.set(at.file, at.file), at.file)
    claimed.set(slug, { file, line: at.line })
    if (problems.length) continue // only looking for more problems now
    if (existingId !== null && policy === 'skip') {
      result.skipped.push({ at: where(at), what: `review "${doc.title}"`, reason: `already on the site as /reviews/${slug}` })
      continue
    }
    const { id } = await saveReview(trx, renderReview({ ...doc, slug }, rec.posterImage, rec.html), existingId, now, {
      indexedText: rec.indexedText ?? undefined,
      docJson: rec.docJson !== null && !Object.hasOwn(doc, 'slug') ? withSlug(rec.docJson, slug) : undefined,
    })
    ;(existingId === null ? result.created : result.updated).push(slug)
    if (rec.comments.length) result.comments.created += await saveComments(trx, id, rec.comments, result)
  }
  return problems
}

/**
 * `JSON.stringify({ ...doc, slug })` from `JSON.stringify(doc)`, for a document without a `slug`
 * key: the spread puts the new key last, so its text goes before the closing brace.
 */
function withSlug(docJson: string, slug: string): string {
  return `${docJson.slice(0, -1)},"slug":${JSON.stringify(slug)}}`
}

/** Saves the diary entries, after every review, so they can link the reviews of this same import. */
async function saveDiary(trx: Tx, records: Records, options: ImportOptions, result: ImportResult): Promise<void> {
  const now = (options.now ?? new Date()).toISOString()
  const tick = savingProgress(records, options, records.reviews.count)
  for await (const entry of records.diary.drain()) {
    tick()
    await saveDiaryEntry(trx, entry, options.onConflict ?? 'update', now, result)
  }
}

/** Saves the lists last: their entries link the reviews saved before them. Returns every problem. */
async function saveLists(trx: Tx, records: Records, options: ImportOptions, result: ImportResult): Promise<InputIssue[]> {
  const now = (options.now ?? new Date()).toISOString()
  const tick = savingProgress(records, options, records.reviews.count + records.diary.count)
  const problems: InputIssue[] = []
  for await (const list of records.lists.drain()) {
    tick()
    problems.push(...(await saveList(trx, list, options.onConflict ?? 'update', now, result)))
  }
  return problems
}

/** Counts saved records for progress; shown once reading is over, as reading shows its own before. */
function savingProgress(records: Records, options: ImportOptions, done = 0): () => void {
  return () => {
    done++
    if (!records.reviews.isEnded) return
    const total = records.reviews.count + records.diary.count + records.lists.count
    if (done % 50 === 0 || done === total) options.onProgress?.(done, total, 'Saving')
  }
}

/** Saves one list, replacing the one with its slug (or source); entries found by title and year link the review found. */
async function saveList(trx: Tx, l: ImportedList, policy: ConflictPolicy, now: string, result: ImportResult): Promise<InputIssue[]> {
  const existing = l.sourceId ? (await findListBySource(trx, l.sourceId))?.id : await findListIdBySlug(trx, l.doc.slug)
  if (existing !== undefined && policy === 'skip') {
    result.skipped.push({ at: where(l.at), what: `list "${l.doc.title}"`, reason: 'already on the site' })
    return []
  }
  const entries = []
  for (const e of l.doc.entries) {
    if (e.review || !l.matchByTitle) entries.push(e)
    else {
      const [review] = await findReviewsByTitle(trx, e.title, e.year)
      entries.push(review ? { ...e, review: review.slug } : e)
    }
  }
  const saved = await saveListDocument(trx, { ...l.doc, entries }, {
    sourceId: l.sourceId, now, file: l.at.file, issueAt: (path) => (path[0] === 'entries' ? (l.entryLines[Number(path[1])] ?? l.at.line) : l.at.line),
  })
  if ('issues' in saved) return saved.issues
  if (saved.created) result.lists.created++
  else result.lists.updated++
  return []
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
