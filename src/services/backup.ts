// Whole-site backup and restore: one ZIP with every table and every media file, taken back
// exactly by `restoreBackup` into an empty site. The archive holds, in this order:
//
//   dramalog-backup.json      the manifest: format, version, schema, rows per table, media totals
//   tables/TABLE.jsonl        one JSON object per row, columns as stored, parents before children
//   media/PATH                every file of the site's media folder, byte for byte
//   checksums.sha256          the SHA-256 of every entry above (`sha256sum -c` reads it)
//
// The checksums come last because they are known only once everything is written; the ZIP reader
// checks sizes but not the CRC-32 of entries, so they are what notices a damaged byte in a stored
// image. Restores are all or nothing: rows go in inside one transaction, media is written to a
// staging folder and moved into place just before the commit.
import { createHash, type Hash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { Readable, Transform, Writable } from 'node:stream'
import { finished, pipeline } from 'node:stream/promises'
import yazl from 'yazl'
import { z } from 'zod'
import { DramalogError, InvalidInputError, type InputIssue } from '../domain/errors.ts'
import { locateJson } from '../formats/locate.ts'
import { DEFAULT_ZIP_LIMITS, walkZip, ZipError, type ZipEntry, type ZipLimits } from '../formats/zip.ts'
import {
  beginRestore, countRows, describeBackupTables, findSiteContent, finishRestore, insertRows, LEFT_OUT_TABLES, listAppliedMigrations,
  readRowsAfter, readSequences, type ColumnInfo, type RowCursor, type SqlValue, type TableInfo,
} from '../store/backup.ts'
import type { Tx } from '../store/db.ts'
import type { Site } from './site.ts'
import { removeAbandonedWorkFolders, workFolderName } from './work-folders.ts'

export const BACKUP_FORMAT = 'dramalog-backup'
/** Version of the archive layout; restore refuses archives of a later one. */
export const BACKUP_VERSION = 1
export const MANIFEST_ENTRY = 'dramalog-backup.json'
export const CHECKSUMS_ENTRY = 'checksums.sha256'

export const BackupManifest = z
  .object({
    format: z.literal(BACKUP_FORMAT),
    version: z.number().int().positive(),
    createdAt: z.string(),
    /** The last database migration of the site backed up: rows fit that schema. */
    schema: z.string().min(1),
    /** Rows per table, in the order the tables appear in the archive. */
    tables: z.record(z.string(), z.number().int().nonnegative()),
    /** AUTOINCREMENT counters, so restored sites never hand out an id a deleted row had. */
    sequences: z.record(z.string(), z.number().int().nonnegative()).default({}),
    media: z.object({ count: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() }),
    leftOut: z.record(z.string(), z.string()).optional(),
  })
  .loose()
export type BackupManifest = z.infer<typeof BackupManifest>

/** Progress of long work: items done of the total, and what is being worked on. */
export type BackupProgress = (done: number, total: number, detail: string) => void

/** What a backup holds (after `writeBackup`, or after `restoreBackup` put it back). */
export type BackupSummary = {
  /** The archive, as an absolute path. */
  file: string
  /** Size of the archive file in bytes. */
  bytes: number
  createdAt: string
  schema: string
  tables: { name: string; rows: number }[]
  media: { count: number; bytes: number }
}

/** Rows read per query and inserted per batch: enough to be fast, few enough to keep memory flat. */
const PAGE = 500
/** Media files Dramalog writes are already compressed; deflating them again only costs time. */
const STORED = /\.(jpe?g|png|gif|webp|avif|heic|mp4|webm|zip|gz|woff2?)$/i

// ---------------------------------------------------------------------------------------------
// Writing

type MediaFile = { path: string; size: number; mtime: Date }

/**
 * Lists every regular file under the media folder (sorted, `/`-separated paths). Files ending in
 * `.tmp` are half-written files of an atomic write in progress, never content; symbolic links
 * and other special files are not something Dramalog writes, and are skipped.
 */
async function listMedia(mediaDir: string): Promise<MediaFile[]> {
  const files: MediaFile[] = []
  async function walk(dir: string, prefix: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return []
      throw err
    })
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      const path = prefix + e.name
      if (e.isDirectory()) await walk(join(dir, e.name), `${path}/`)
      else if (e.isFile() && !e.name.endsWith('.tmp')) {
        // A ZIP entry name cannot hold a backslash, and checksum lines cannot hold a line break.
        if (/[\\\n\r]/.test(e.name)) throw new DramalogError('invalid_input', `the media file ${JSON.stringify(path)} has a backslash or a line break in its name; rename it and run the backup again`)
        const info = await stat(join(dir, e.name))
        files.push({ path, size: info.size, mtime: info.mtime })
      }
    }
  }
  await walk(mediaDir, '')
  return files
}

/** A row as JSON: text and numbers as they are; the rare values JSON has no word for, tagged. */
function encodeRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(row)) {
    if (Buffer.isBuffer(v)) out[k] = { $base64: v.toString('base64') }
    else if (typeof v === 'number' && !Number.isFinite(v)) out[k] = { $real: String(v) }
    else if (typeof v === 'bigint') out[k] = Number(v)
    else out[k] = v
  }
  return out
}

/** The rows of a table as JSON Lines, one page at a time, hashing what it yields. */
async function* tableLines(trx: Tx, table: TableInfo, hash: Hash, onRows: (n: number) => void): AsyncGenerator<Buffer> {
  for (let after: RowCursor = null; ; ) {
    const { rows, last } = await readRowsAfter(trx, table, after, PAGE)
    if (!rows.length) return
    const chunk = Buffer.from(rows.map((r) => `${JSON.stringify(encodeRow(r))}\n`).join(''), 'utf8')
    hash.update(chunk)
    onRows(rows.length)
    yield chunk
    after = last
  }
}

/**
 * Writes a backup of the whole site to `outFile` (through a temporary file renamed into place,
 * so an interrupted backup never leaves half an archive under the real name). Tables are read in
 * one read transaction: a backup taken while the server writes is one consistent moment of the
 * site. Rows and media are streamed, so memory does not grow with the site.
 */
export async function writeBackup(site: Site, outFile: string, onProgress?: BackupProgress, now = new Date()): Promise<BackupSummary> {
  const file = resolve(outFile)
  await mkdir(dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`
  const zip = new yazl.ZipFile()
  const written = new Promise<void>((res, rej) => {
    zip.on('error', rej)
    pipeline(zip.outputStream, createWriteStream(tmp)).then(res, rej)
  })
  // Awaited below; this only keeps a failure that happens before then from counting as unhandled.
  written.catch(() => {})
  const checksums: string[] = []
  const createdAt = now.toISOString()
  let done = 0
  let total = 0
  const step = (n: number, detail: string) => {
    done += n
    onProgress?.(done, total, detail)
  }
  try {
    // Repeatable read: on PostgreSQL every statement of the transaction then sees the snapshot of
    // the first (SQLite's read transactions always do).
    const { manifest, media } = await site.db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
      const tables = await describeBackupTables(trx)
      // The first reads fix the snapshot every later read of this transaction sees.
      const counts: Record<string, number> = {}
      for (const t of tables) counts[t.name] = await countRows(trx, t.name)
      const sequences = await readSequences(trx, tables.map((t) => t.name))
      const schema = (await listAppliedMigrations(trx)).at(-1) ?? ''
      // Listed after the snapshot began: posters are written before the transaction that refers
      // to them commits, so every file a row of this snapshot names is already here.
      const media = await listMedia(site.mediaDir)
      const manifest: BackupManifest = {
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        createdAt,
        schema,
        tables: counts,
        sequences,
        media: { count: media.length, bytes: media.reduce((s, m) => s + m.size, 0) },
        leftOut: { ...LEFT_OUT_TABLES, review_search: 'the search index: rebuilt from the reviews on restore' },
      }
      total = Object.values(counts).reduce((s, n) => s + n, 0) + media.length
      const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8')
      zip.addBuffer(manifestBytes, MANIFEST_ENTRY, { mtime: now })
      checksums.push(checksumLine(createHash('sha256').update(manifestBytes), MANIFEST_ENTRY))
      for (const t of tables) {
        const name = `tables/${t.name}.jsonl`
        const hash = createHash('sha256')
        let rows = 0
        const stream = Readable.from(tableLines(trx, t, hash, (n) => ((rows += n), step(n, t.name))), { objectMode: false })
        zip.addReadStream(stream, name, { mtime: now })
        // The transaction stays open until the archive has taken every row of this table.
        await Promise.race([finished(stream), written])
        if (rows !== counts[t.name]) throw new Error(`table ${t.name}: counted ${counts[t.name]} rows but read ${rows}`)
        checksums.push(checksumLine(hash, name))
      }
      return { manifest, media }
    })
    for (const m of media) {
      const name = `media/${m.path}`
      zip.addReadStreamLazy(name, { mtime: m.mtime, compress: !STORED.test(m.path), size: m.size }, (cb) => {
        openMedia(site.mediaDir, m, (hash) => {
          checksums.push(checksumLine(hash, name))
          step(1, m.path)
        }).then((s) => cb(null, s), (err: Error) => cb(err, undefined as never))
      })
    }
    // Asked for only when every entry before it is written, so every checksum is known by then.
    zip.addReadStreamLazy(CHECKSUMS_ENTRY, { mtime: now }, (cb) => cb(null, Readable.from([Buffer.from(checksums.join(''), 'utf8')])))
    zip.end()
    await written
    // A backup is only worth something once it is on the disk, not in a cache.
    const handle = await open(tmp, 'r+')
    await handle.sync().finally(() => handle.close())
    await rename(tmp, file)
    const tables = Object.entries(manifest.tables).map(([name, rows]) => ({ name, rows }))
    return { file, bytes: (await stat(file)).size, createdAt, schema: manifest.schema, tables, media: manifest.media }
  } catch (err) {
    ;(zip.outputStream as Readable).destroy()
    await written.catch(() => {})
    await rm(tmp, { force: true })
    throw err
  }
}

/** The SHA-256 of a file, or null when it cannot be read. */
async function hashFile(file: string): Promise<string | null> {
  const hash = createHash('sha256')
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  } catch {
    return null
  }
  return hash.digest('hex')
}

const checksumLine = (hash: Hash, name: string) => `${hash.digest('hex')}  ${name}\n`

/**
 * Opens a media file for the archive, hashing it as it flows. Files are replaced by renames, never
 * rewritten in place, so the open file stays whole; one replaced or deleted since it was listed
 * would no longer match the manifest, and the backup stops rather than write a wrong total.
 */
async function openMedia(mediaDir: string, m: MediaFile, onDone: (hash: Hash) => void): Promise<Readable> {
  const changed = () => new DramalogError('conflict', `the media file ${m.path} changed while the backup was being written; run the backup again`)
  const handle = await open(join(mediaDir, m.path), 'r').catch(() => Promise.reject(changed()))
  if ((await handle.stat()).size !== m.size) {
    await handle.close()
    throw changed()
  }
  const hash = createHash('sha256')
  const hashed = new Transform({
    transform(chunk: Buffer, _encoding, cb) {
      hash.update(chunk)
      cb(null, chunk)
    },
    flush(cb) {
      onDone(hash)
      cb()
    },
  })
  pipeline(handle.createReadStream(), hashed).catch((err: Error) => hashed.destroy(err))
  return hashed
}

// ---------------------------------------------------------------------------------------------
// Reading the manifest

const STOP = Symbol('stop walking')
const MAX_MANIFEST_BYTES = 1024 ** 2

const asInputError = (err: unknown) => (err instanceof ZipError ? new InvalidInputError(err.issues) : err)

type LocatedManifest = { manifest: BackupManifest; lineOf: (path: readonly PropertyKey[]) => number }

/**
 * Reads and checks the manifest, the archive's first entry: refuses (with `InvalidInputError`)
 * files that are not ZIP archives or not Dramalog backups, and backups of a later format.
 */
export async function readBackupManifest(archive: string): Promise<BackupManifest> {
  return (await readManifest(archive)).manifest
}

async function readManifest(archive: string): Promise<LocatedManifest> {
  let first: string | null = null
  let text: string | null = null
  try {
    // Only the first entry is read, so the entry count may be anything here.
    await walkZip(
      archive,
      async (entry) => {
        first = entry.name
        if (entry.name === MANIFEST_ENTRY && entry.size <= MAX_MANIFEST_BYTES) text = (await entry.read()).toString('utf8')
        throw STOP
      },
      { ...DEFAULT_ZIP_LIMITS, maxEntries: Number.MAX_SAFE_INTEGER },
    )
  } catch (err) {
    if (err !== STOP) throw asInputError(err)
  }
  const at = `${archive}:${MANIFEST_ENTRY}`
  if (first !== MANIFEST_ENTRY) {
    throw new InvalidInputError([{ file: archive, line: 1, field: '(archive)', message: `not a Dramalog backup: it does not start with ${MANIFEST_ENTRY}` }])
  }
  if (text === null) throw new InvalidInputError([{ file: at, line: 1, field: '(file)', message: `is larger than ${MAX_MANIFEST_BYTES} bytes: not a Dramalog manifest` }])
  const { lineOf } = locateJson(text)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new InvalidInputError([{ file: at, line: 1, field: '(file)', message: `not valid JSON (${(err as Error).message}): the backup is damaged` }])
  }
  const fields = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>
  if (fields.format !== BACKUP_FORMAT) {
    throw new InvalidInputError([{ file: at, line: lineOf(['format']), field: 'format', message: `not a Dramalog backup (format ${JSON.stringify(fields.format ?? null)}, expected "${BACKUP_FORMAT}")` }])
  }
  if (typeof fields.version === 'number' && fields.version > BACKUP_VERSION) {
    throw new InvalidInputError([{
      file: at, line: lineOf(['version']), field: 'version',
      message: `the backup is of format version ${fields.version}, made by a newer Dramalog; this one reads version ${BACKUP_VERSION}: upgrade Dramalog to restore it`,
    }])
  }
  const parsed = BackupManifest.safeParse(json)
  if (!parsed.success) {
    throw new InvalidInputError(parsed.error.issues.map((i) => ({ file: at, line: lineOf(i.path), field: i.path.map(String).join('.') || '(file)', message: i.message })))
  }
  return { manifest: parsed.data, lineOf }
}

// ---------------------------------------------------------------------------------------------
// Restoring

const MAX_ISSUES = 100
/** Longest row line read; far above any real row (a review document is a few kilobytes). */
const MAX_LINE_BYTES = 64 * 1024 ** 2

/**
 * Restores a backup into an empty site, all or nothing. Everything is checked as it is read: the
 * manifest (a Dramalog backup, not newer than this version, of this database schema), every row
 * (valid JSON, known columns, values of the right kind, unique keys, existing parents), every
 * media path, the checksums and the totals. Any problem throws `InvalidInputError` listing them as
 * `ARCHIVE:ENTRY:LINE: field: reason`, and the site is left as it was. A site that holds anything
 * is refused with a `DramalogError` (`conflict`).
 */
export async function restoreBackup(site: Site, archive: string, onProgress?: BackupProgress): Promise<BackupSummary> {
  if (!(await stat(archive).catch(() => null))?.isFile()) throw new InvalidInputError([{ file: archive, line: 1, field: '(file)', message: 'no such file' }])
  const tables = await describeBackupTables(site.db)
  refuseNonEmpty(site, await findSiteContent(site.db, tables), [])
  // Media files with no rows: those of a restore of this archive that was stopped before its
  // commit are taken as they are if they match the archive byte for byte; any other is refused.
  const present = await listMedia(site.mediaDir)
  const { manifest, lineOf } = await readManifest(archive)
  await checkManifest(site, archive, manifest, lineOf, tables)

  await removeAbandonedWorkFolders(site.dataDir, 'restore')
  const staging = join(site.dataDir, workFolderName('restore', String(Date.now())))
  let restore: Restore | undefined
  const placed: string[] = []
  try {
    await site.db.transaction().execute(async (trx) => {
      refuseNonEmpty(site, await beginRestore(trx, tables), [])
      restore = new Restore(trx, archive, manifest, tables, staging, site.mediaDir, present, onProgress)
      await restore.run()
      if (restore.issues.length) throw new InvalidInputError(restore.issues)
      const broken = await finishRestore(trx, manifest.sequences)
      if (broken.length) {
        throw new InvalidInputError(broken.map((b) => ({ file: `${archive}:tables/${b.table}.jsonl`, line: 1, field: '(rows)', message: `a row refers to a ${b.parent} row that is not in the backup` })))
      }
      refuseNonEmpty(site, [], present.filter((m) => !restore!.matched.has(m.path)))
      // The files take their names before the rows that name them commit: a process killed in
      // between leaves only files of this archive, which a second restore accepts as they are.
      for (const f of restore.staged) {
        const to = join(site.mediaDir, ...f.parts)
        await mkdir(dirname(to), { recursive: true })
        await rename(f.from, to)
        if (!restore.matched.has(f.parts.join('/'))) placed.push(to)
      }
    })
  } catch (err) {
    for (const file of placed) await rm(file, { force: true })
    await rm(staging, { recursive: true, force: true })
    throw err
  }
  await rm(staging, { recursive: true, force: true })
  const file = resolve(archive)
  return {
    file, bytes: (await stat(file)).size, createdAt: manifest.createdAt, schema: manifest.schema,
    tables: Object.keys(manifest.tables).map((name) => ({ name, rows: restore!.rows.get(name) ?? 0 })),
    media: restore!.media,
  }
}

function refuseNonEmpty(site: Site, content: { table: string; rows: number }[], media: MediaFile[]): void {
  if (!content.length && !media.length) return
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`
  const held = [...content.map((c) => `${c.table}: ${plural(c.rows, 'row')}`), ...(media.length ? [`media: ${plural(media.length, 'file')}`] : [])]
  throw new DramalogError(
    'conflict',
    `the site in ${site.dataDir} is not empty (${held.join(', ')}); a backup restores only into an empty site: use a new data folder (DRAMALOG_DATA_DIR)`,
  )
}

/** The manifest against this site's database: same schema, the same tables. */
async function checkManifest(site: Site, archive: string, manifest: BackupManifest, lineOf: LocatedManifest['lineOf'], tables: TableInfo[]): Promise<void> {
  const at = `${archive}:${MANIFEST_ENTRY}`
  const issues: InputIssue[] = []
  const applied = await listAppliedMigrations(site.db)
  const latest = applied.at(-1) ?? ''
  if (manifest.schema !== latest) {
    const message = applied.includes(manifest.schema)
      ? `the backup is of the older database schema "${manifest.schema}"; this Dramalog (schema "${latest}") restores backups of its own schema only: restore it with the version of Dramalog that made it, then upgrade`
      : manifest.schema > latest
        ? `the backup is of the database schema "${manifest.schema}", made by a newer Dramalog; this one knows schemas up to "${latest}": upgrade Dramalog to restore it`
        : `unknown database schema "${manifest.schema}" (this Dramalog's is "${latest}")`
    // Nothing else can be judged against a schema that is not this one.
    throw new InvalidInputError([{ file: at, line: lineOf(['schema']), field: 'schema', message }])
  }
  const known = new Set(tables.map((t) => t.name))
  for (const name of Object.keys(manifest.tables)) {
    if (!known.has(name)) issues.push({ file: at, line: lineOf(['tables', name]), field: `tables.${name}`, message: 'is not a table a backup holds' })
  }
  for (const t of tables) {
    if (!(t.name in manifest.tables)) issues.push({ file: at, line: lineOf(['tables']), field: 'tables', message: `the table ${t.name} is missing` })
  }
  for (const name of Object.keys(manifest.sequences)) {
    if (!known.has(name)) issues.push({ file: at, line: lineOf(['sequences', name]), field: `sequences.${name}`, message: 'is not a table a backup holds' })
  }
  if (issues.length) throw new InvalidInputError(issues)
}

type Checked = { ok: true; value: SqlValue } | { ok: false; message: string }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
// Text SQLite would turn into a number in a column of numeric affinity: the writer never makes it.
const NUMERIC_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i

/** Checks one value of a row against its column, the inverse of `encodeRow`. */
function decodeValue(v: unknown, col: ColumnInfo): Checked {
  if (v === null) return col.notNull ? { ok: false, message: 'must not be null' } : { ok: true, value: null }
  if (typeof v === 'string') {
    if ((col.affinity === 'integer' || col.affinity === 'real' || col.affinity === 'numeric') && NUMERIC_TEXT.test(v)) {
      return { ok: false, message: `must be a number, not the text ${JSON.stringify(v)}` }
    }
    return { ok: true, value: v }
  }
  if (typeof v === 'number') {
    if (col.affinity === 'text') return { ok: false, message: `must be text, not the number ${v}` }
    if (!Number.isFinite(v)) return { ok: false, message: 'is a number out of range' }
    return { ok: true, value: v }
  }
  if (isObject(v) && Object.keys(v).length === 1) {
    if (typeof v.$base64 === 'string' && BASE64.test(v.$base64)) return { ok: true, value: Buffer.from(v.$base64, 'base64') }
    if (v.$real === 'Infinity' || v.$real === '-Infinity') return col.affinity === 'text' ? { ok: false, message: 'must be text' } : { ok: true, value: Number(v.$real) }
  }
  return { ok: false, message: `must be text, a number or null, not ${Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : String(v)}` }
}

/** Splits a stream into lines (without their `\n`), hashing every byte; UTF-8 is decoded per whole line. */
async function* linesOf(stream: Readable, hash: Hash, tooLong: () => Error): AsyncGenerator<string> {
  let carry: Buffer[] = []
  let carried = 0
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk)
    let start = 0
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const part = chunk.subarray(start, nl)
      yield (carried ? Buffer.concat([...carry, part]) : part).toString('utf8')
      carry = []
      carried = 0
      start = nl + 1
    }
    if (start < chunk.length) {
      carry.push(chunk.subarray(start))
      carried += chunk.length - start
      if (carried > MAX_LINE_BYTES) throw tooLong()
    }
  }
  if (carried) yield Buffer.concat(carry).toString('utf8')
}

/** One restore in progress: the walk over the archive and everything it found. */
class Restore {
  readonly issues: InputIssue[] = []
  readonly rows = new Map<string, number>()
  readonly media = { count: 0, bytes: 0 }
  readonly staged: { from: string; parts: string[] }[] = []
  /** SHA-256 of every entry read, by name; the names of all entries seen. */
  private readonly hashes = new Map<string, string>()
  private readonly seen = new Set<string>()
  private checksums: Map<string, { hash: string; line: number }> | null = null
  private readonly tables: Map<string, TableInfo>
  private readonly total: number
  private done = 0
  private entries = 0
  private tooMany = false
  /** True until the first problem: then rows and files are only checked, no longer written. */
  private writing = true

  /** Paths of the media files already in place that equal this archive's, byte for byte. */
  readonly matched = new Set<string>()
  private readonly present: Set<string>

  constructor(
    private readonly trx: Tx,
    private readonly archive: string,
    private readonly manifest: BackupManifest,
    tables: TableInfo[],
    private readonly staging: string,
    private readonly mediaDir: string,
    present: MediaFile[],
    private readonly onProgress?: BackupProgress,
  ) {
    this.present = new Set(present.map((m) => m.path))
    this.tables = new Map(tables.map((t) => [t.name, t]))
    this.total = Object.values(manifest.tables).reduce((s, n) => s + n, 0) + manifest.media.count
  }

  /**
   * Records a problem. After the first one nothing more is written: a refused review would make
   * its sections fail as "missing parent" too, noise that hides the real problem. Rows and files
   * are still read and checked, so every problem of the archive's content is reported.
   */
  private problem(entry: string | null, line: number, field: string, message: string): void {
    this.writing = false
    if (this.issues.length >= MAX_ISSUES) {
      this.tooMany = true
      return
    }
    this.issues.push({ file: entry ? `${this.archive}:${entry}` : this.archive, line, field, message })
  }

  private progress(n: number, detail: string): void {
    this.done += n
    this.onProgress?.(this.done, this.total, detail)
  }

  async run(): Promise<void> {
    const m = this.manifest
    // The archive must hold exactly the entries the manifest announces: a few more are allowed
    // for folders some tools add. Sizes are checked as bytes flow, against the manifest's media
    // total plus room for the tables. A table of many revisions of one review compresses very
    // well, so the expansion ratio is not held against entries: nothing here reads an entry into
    // memory, and the total caps the work.
    const limits: ZipLimits = {
      maxEntries: Object.keys(m.tables).length + m.media.count + 2 + 10_000,
      maxTotalBytes: m.media.bytes + DEFAULT_ZIP_LIMITS.maxTotalBytes,
      maxEntryBytes: m.media.bytes + DEFAULT_ZIP_LIMITS.maxTotalBytes,
      maxRatio: Number.POSITIVE_INFINITY,
    }
    try {
      await walkZip(this.archive, (entry) => this.visit(entry), limits)
    } catch (err) {
      if (err instanceof ZipError) {
        this.issues.push(...err.issues)
        return
      }
      if (err !== STOP) throw err
      this.issues.push({ file: this.archive, line: 1, field: '(archive)', message: `stopped after ${MAX_ISSUES} problems` })
      return
    }
    this.checkTotals()
  }

  private async visit(entry: ZipEntry): Promise<void> {
    if (this.entries++ === 0) {
      // The manifest, already read and checked; hashed here like every entry.
      this.hashes.set(entry.name, createHash('sha256').update(await entry.read()).digest('hex'))
      this.seen.add(entry.name)
      return
    }
    if (this.seen.has(entry.name)) return this.problem(entry.name, 1, '(entry)', 'appears twice in the archive')
    this.seen.add(entry.name)
    if (entry.name === CHECKSUMS_ENTRY) await this.readChecksums(entry)
    else if (entry.name.startsWith('tables/')) await this.restoreTable(entry)
    else if (entry.name.startsWith('media/')) await this.restoreMedia(entry)
    else this.problem(entry.name, 1, '(entry)', 'is not part of a Dramalog backup')
    if (this.tooMany) throw STOP
  }

  private async restoreTable(entry: ZipEntry): Promise<void> {
    const name = entry.name.slice('tables/'.length, -'.jsonl'.length)
    const table = entry.name.endsWith('.jsonl') ? this.tables.get(name) : undefined
    if (!table) return this.problem(entry.name, 1, '(entry)', 'is not a table a backup holds')
    const columns = table.columns.map((c) => c.name)
    const hash = createHash('sha256')
    let batch: { line: number; values: SqlValue[] }[] = []
    let lines = 0
    let pending = 0
    const flush = async () => {
      if (this.writing && batch.length) {
        const refused = await insertRows(this.trx, table, columns, batch.map((b) => b.values))
        for (const r of refused) this.problem(entry.name, batch[r.index]!.line, r.column, r.message)
      }
      batch = []
      this.progress(pending, table.name)
      pending = 0
    }
    const tooLong = () => new ZipError([{ file: `${this.archive}:${entry.name}`, line: lines + 1, field: '(row)', message: `a line longer than ${MAX_LINE_BYTES} bytes: the backup is damaged` }])
    for await (const text of linesOf(await entry.stream(), hash, tooLong)) {
      const line = ++lines
      pending++
      const values = this.rowValues(entry.name, line, table, text)
      if (values) batch.push({ line, values })
      if (pending >= PAGE) await flush()
      if (this.tooMany) throw STOP
    }
    await flush()
    this.rows.set(table.name, lines)
    this.hashes.set(entry.name, hash.digest('hex'))
  }

  /** The values of one row in column order, or null (with its problems recorded). */
  private rowValues(entry: string, line: number, table: TableInfo, text: string): SqlValue[] | null {
    if (!text.trim()) {
      this.problem(entry, line, '(row)', 'an empty line where a row should be')
      return null
    }
    let row: unknown
    try {
      row = JSON.parse(text)
    } catch (err) {
      this.problem(entry, line, '(row)', `not valid JSON (${(err as Error).message})`)
      return null
    }
    if (!isObject(row)) {
      this.problem(entry, line, '(row)', 'must be a JSON object of column values')
      return null
    }
    let ok = true
    const known = new Set(table.columns.map((c) => c.name))
    for (const key of Object.keys(row)) {
      if (!known.has(key)) {
        this.problem(entry, line, key, `is not a column of ${table.name}`)
        ok = false
      }
    }
    const values: SqlValue[] = []
    for (const col of table.columns) {
      if (!Object.hasOwn(row, col.name)) {
        this.problem(entry, line, col.name, 'is missing')
        ok = false
        continue
      }
      const checked = decodeValue(row[col.name], col)
      if (checked.ok) values.push(checked.value)
      else {
        this.problem(entry, line, col.name, checked.message)
        ok = false
      }
    }
    return ok ? values : null
  }

  private async restoreMedia(entry: ZipEntry): Promise<void> {
    const parts = entry.name.slice('media/'.length).split('/')
    if (parts.some((p) => p === '' || p === '.')) return this.problem(entry.name, 1, '(entry)', 'is not a usable media file path')
    const hash = createHash('sha256')
    let bytes = 0
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, cb) {
        hash.update(chunk)
        bytes += chunk.length
        cb(null, chunk)
      },
    })
    const source = await entry.stream()
    if (this.writing) {
      const to = join(this.staging, ...parts)
      try {
        await mkdir(dirname(to), { recursive: true })
        await pipeline(source, counted, createWriteStream(to, { flags: 'wx' }))
      } catch (err) {
        if (err instanceof ZipError) throw err
        source.destroy()
        return this.problem(entry.name, 1, '(entry)', `cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): another media path clashes with it`)
      }
      this.staged.push({ from: to, parts })
    } else {
      await pipeline(source, counted, new Writable({ write: (_chunk, _encoding, cb) => cb() }))
    }
    this.media.count++
    this.media.bytes += bytes
    const digest = hash.digest('hex')
    this.hashes.set(entry.name, digest)
    const path = parts.join('/')
    if (this.present.has(path) && (await hashFile(join(this.mediaDir, ...parts))) === digest) this.matched.add(path)
    this.progress(1, path)
  }

  private async readChecksums(entry: ZipEntry): Promise<void> {
    if (entry.size > MAX_LINE_BYTES) return this.problem(entry.name, 1, '(file)', 'is far too large for a checksum list')
    const map = new Map<string, { hash: string; line: number }>()
    const lines = (await entry.read()).toString('utf8').split('\n')
    for (const [i, text] of lines.entries()) {
      if (text === '' && i === lines.length - 1) continue
      const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(text)
      if (m) map.set(m[2]!, { hash: m[1]!, line: i + 1 })
      else this.problem(entry.name, i + 1, '(line)', 'is not a "SHA256  ENTRY" checksum line')
    }
    this.checksums = map
  }

  /** After the walk: every table there with the promised rows, the media totals, every checksum. */
  private checkTotals(): void {
    const m = this.manifest
    for (const [name, expected] of Object.entries(m.tables)) {
      const entry = `tables/${name}.jsonl`
      const found = this.rows.get(name)
      if (found === undefined) {
        if (!this.seen.has(entry)) this.problem(null, 1, entry, 'is missing from the archive')
      } else if (found !== expected) {
        this.problem(entry, found + 1, '(rows)', `holds ${found} rows where the manifest promises ${expected}: the backup is damaged`)
      }
    }
    if (this.media.count !== m.media.count || this.media.bytes !== m.media.bytes) {
      this.problem(MANIFEST_ENTRY, 1, 'media', `promises ${m.media.count} media files of ${m.media.bytes} bytes, the archive holds ${this.media.count} of ${this.media.bytes} bytes`)
    }
    if (!this.checksums) return this.problem(null, 1, CHECKSUMS_ENTRY, 'is missing: the archive is incomplete')
    for (const [name, hash] of this.hashes) {
      const listed = this.checksums.get(name)
      if (!listed) this.problem(CHECKSUMS_ENTRY, 1, name, 'has no checksum')
      else if (listed.hash !== hash) this.problem(name, 1, '(content)', `damaged: its SHA-256 differs from the one in ${CHECKSUMS_ENTRY}`)
    }
    for (const [name, listed] of this.checksums) {
      if (!this.seen.has(name)) this.problem(CHECKSUMS_ENTRY, listed.line, name, 'is listed but missing from the archive')
    }
  }
}
