// Reading ZIP archives (Letterboxd exports, backups) defensively: entries with absolute paths or
// `..` are refused, and so are archives that expand absurdly (a "ZIP bomb"). Sizes are counted on
// the bytes actually inflated, not taken from the headers, which an attacker writes.
import { Transform, type Readable } from 'node:stream'
import yauzl from 'yauzl'
import type { InputIssue } from '../domain/errors.ts'

export type ZipLimits = {
  /** Most entries an archive may hold. */
  maxEntries: number
  /** Most bytes all entries together may expand to. */
  maxTotalBytes: number
  /** Most bytes one entry may expand to. */
  maxEntryBytes: number
  /** Largest expansion ratio (uncompressed / compressed) of an entry bigger than 1 MiB. */
  maxRatio: number
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 200_000,
  maxTotalBytes: 20 * 1024 ** 3,
  maxEntryBytes: 2 * 1024 ** 3,
  maxRatio: 200,
}

/** Thrown for an archive that is refused; `issues` locate the reason in the archive. */
export class ZipError extends Error {
  override name = 'ZipError' as const
  constructor(readonly issues: InputIssue[]) {
    super(issues.map((i) => `${i.file}:${i.line}: ${i.field}: ${i.message}`).join('\n'))
  }
}

/** An entry name is safe when it is relative and stays inside the archive's folder. */
export function unsafeEntryName(name: string): string | null {
  if (name.includes('\0')) return 'has a NUL character in its name'
  const n = name.replace(/\\/g, '/')
  if (n.startsWith('/') || /^[a-z]:/i.test(n)) return 'has an absolute path'
  if (n.split('/').some((part) => part === '..')) return 'has ".." in its path'
  return null
}

export type ZipEntry = {
  /** The entry's path inside the archive, with `/` separators. */
  name: string
  /** Size from the header; the bytes read are counted and checked again. */
  size: number
  /** Reads the entry's content (each entry once, before the next one is offered). */
  read(): Promise<Buffer>
  /** The entry's content as a stream, counted against the limits while it flows. */
  stream(): Promise<Readable>
}

/**
 * Walks an archive's entries in order, calling `visit` for each file (folders are skipped). Any
 * refused entry stops the walk with a `ZipError` naming the archive, the entry and the reason.
 */
export async function walkZip(file: string, visit: (entry: ZipEntry) => Promise<void>, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<void> {
  const refuse = (entry: string, message: string) => new ZipError([{ file, line: 1, field: entry ? `entry ${entry}` : '(archive)', message }])
  let zip: yauzl.ZipFile
  try {
    // decodeStrings off: names are checked here, with messages of our own, not by yauzl.
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(file, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: true }, (err, z) => (err ? reject(err) : resolve(z!))),
    )
  } catch (err) {
    throw refuse('', `not a readable ZIP archive (${(err as Error).message})`)
  }
  if (zip.entryCount > limits.maxEntries) {
    zip.close()
    throw refuse('', `holds ${zip.entryCount} entries, more than the ${limits.maxEntries} allowed`)
  }
  let total = 0
  await new Promise<void>((resolve, reject) => {
    let failed = false
    const fail = (err: unknown) => {
      if (failed) return
      failed = true
      zip.close()
      reject(err)
    }
    zip.on('error', (err: Error) => fail(refuse('', `damaged archive (${err.message})`)))
    zip.on('end', () => {
      if (!failed) resolve()
    })
    zip.on('entry', (raw: yauzl.Entry) => {
      const nameBytes = raw.fileName as unknown as Buffer
      const utf8 = (raw.generalPurposeBitFlag & 0x800) !== 0
      const name = nameBytes.toString(utf8 ? 'utf8' : 'latin1').replace(/\\/g, '/')
      const unsafe = unsafeEntryName(name)
      if (unsafe) return fail(refuse(name, `refused: the entry ${unsafe}`))
      if (name.endsWith('/')) return zip.readEntry()
      if (raw.uncompressedSize > limits.maxEntryBytes) return fail(refuse(name, `refused: expands to ${raw.uncompressedSize} bytes, more than the ${limits.maxEntryBytes} allowed`))
      if (raw.uncompressedSize > 1024 ** 2 && raw.uncompressedSize / Math.max(1, raw.compressedSize) > limits.maxRatio) {
        return fail(refuse(name, `refused: compressed ${Math.round(raw.uncompressedSize / Math.max(1, raw.compressedSize))} to 1, an archive bomb`))
      }
      const open = () =>
        new Promise<Readable>((res, rej) =>
          zip.openReadStream(raw, (err, s) => {
            if (err) return rej(refuse(name, `cannot be read (${err.message})`))
            let own = 0
            // Counted in a Transform that the caller reads from, not by a 'data' listener on
            // yauzl's stream: such a listener starts the flow at once, and a caller that awaits
            // anything before reading would silently get no bytes at all.
            const counted = new Transform({
              transform(chunk: Buffer, _encoding, done) {
                own += chunk.length
                total += chunk.length
                if (own > limits.maxEntryBytes || total > limits.maxTotalBytes) {
                  return done(refuse(name, `refused: the archive expands to more than ${Math.min(limits.maxEntryBytes, limits.maxTotalBytes)} bytes`))
                }
                done(null, chunk)
              },
            })
            // yauzl's own checks (an entry inflating past the size its header declares, truncated
            // data) fail with a plain Error: locate it like every other refusal.
            s!.on('error', (e: Error) => counted.destroy(e instanceof ZipError ? e : refuse(name, `refused: damaged entry (${e.message})`)))
            // Refused, finished or abandoned by the caller: release yauzl's stream either way.
            counted.on('close', () => s!.destroy())
            s!.pipe(counted)
            res(counted)
          }),
        )
      const entry: ZipEntry = {
        name,
        size: raw.uncompressedSize,
        stream: open,
        async read() {
          const s = await open()
          const chunks: Buffer[] = []
          for await (const chunk of s) chunks.push(chunk as Buffer)
          return Buffer.concat(chunks)
        },
      }
      visit(entry).then(() => zip.readEntry(), fail)
    })
    zip.readEntry()
  })
}

/** Reads the entries `wanted` picks into memory, by name. */
export async function readZipEntries(file: string, wanted: (name: string) => boolean, limits?: ZipLimits): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>()
  await walkZip(
    file,
    async (e) => {
      if (wanted(e.name)) out.set(e.name, await e.read())
    },
    limits,
  )
  return out
}
