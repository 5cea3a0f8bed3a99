/**
 * Builds real ZIP archives for tests with yazl: from a folder, from a map of entries, and with
 * entry names or declared sizes that yazl itself would never write (`../x`, `/etc/x`, `C:/x`, a
 * header that lies about how big an entry is), so the safe reader can be tested on hostile input.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import yazl from 'yazl'

export type ZipEntrySpec = {
  name: string
  data: string | Buffer
  /** Deflate the entry (the default) or store it as is. */
  compress?: boolean
}

type Entries = Record<string, string | Buffer> | readonly ZipEntrySpec[]

const toSpecs = (entries: Entries): ZipEntrySpec[] =>
  Array.isArray(entries) ? [...(entries as readonly ZipEntrySpec[])] : Object.entries(entries).map(([name, data]) => ({ name, data }))

/** The bytes of a ZIP holding `entries`, in the order given. Names ending in `/` are folders. */
export async function zipBytes(entries: Entries): Promise<Buffer> {
  const zip = new yazl.ZipFile()
  // A fixed time keeps archives byte-identical from run to run.
  const mtime = new Date('2024-03-17T12:00:00Z')
  for (const e of toSpecs(entries)) {
    if (e.name.endsWith('/')) zip.addEmptyDirectory(e.name, { mtime })
    else zip.addBuffer(Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, 'utf8'), e.name, { mtime, compress: e.compress ?? true })
  }
  zip.end()
  const chunks: Buffer[] = []
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/** Writes a ZIP of `entries` to `file` and returns `file`. */
export async function writeZip(file: string, entries: Entries): Promise<string> {
  await writeFile(file, await zipBytes(entries))
  return file
}

/** Every file under `dir`, keyed by its path relative to `dir` with `/` separators, sorted. */
export async function readFolder(dir: string): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {}
  const names = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((d) => d.isFile())
  const paths = names.map((d) => join(d.parentPath, d.name)).sort()
  for (const path of paths) out[relative(dir, path).split(sep).join('/')] = await readFile(path)
  return out
}

/** Writes a ZIP of every file under `dir` (names relative to it, optionally under `prefix/`). */
export async function zipFolder(dir: string, file: string, prefix = ''): Promise<string> {
  const files = await readFolder(dir)
  return writeZip(file, Object.entries(files).map(([name, data]) => ({ name: prefix + name, data })))
}

// --- Rewriting archives by hand -----------------------------------------------------------------
// Layout (APPNOTE.TXT): the end-of-central-directory record (EOCD, signature 0x06054b50) gives the
// central directory's offset and entry count; each central header (0x02014b50, 46 bytes + name +
// extra + comment) holds the sizes at 20/24, the name length at 28 and the local header's offset
// at 42; each local header (0x04034b50, 30 bytes + name + extra) holds the sizes at 18/22 and the
// name from byte 30.

type CentralRecord = { at: number; nameAt: number; nameLength: number; localAt: number }

function centralRecords(zip: Buffer): CentralRecord[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (eocd < 0) throw new Error('no end-of-central-directory record')
  const count = zip.readUInt16LE(eocd + 10)
  let at = zip.readUInt32LE(eocd + 16)
  const out: CentralRecord[] = []
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`no central header at ${at}`)
    const nameLength = zip.readUInt16LE(at + 28)
    out.push({ at, nameAt: at + 46, nameLength, localAt: zip.readUInt32LE(at + 42) })
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32)
  }
  return out
}

/**
 * Renames entries in place: `renames` maps a name in the archive to a new name of the same byte
 * length, written into both the local header and the central directory (a reader may trust
 * either). Returns a new buffer; throws when a name is missing or the lengths differ.
 */
export function renameEntries(zip: Buffer, renames: Record<string, string>): Buffer {
  const out = Buffer.from(zip)
  const left = new Map(Object.entries(renames))
  for (const rec of centralRecords(out)) {
    const name = out.subarray(rec.nameAt, rec.nameAt + rec.nameLength).toString('utf8')
    const to = left.get(name)
    if (to === undefined) continue
    const bytes = Buffer.from(to, 'utf8')
    if (bytes.length !== rec.nameLength) throw new Error(`"${to}" is not the same length as "${name}"`)
    if (out.readUInt32LE(rec.localAt) !== 0x04034b50) throw new Error(`no local header for "${name}"`)
    bytes.copy(out, rec.nameAt)
    bytes.copy(out, rec.localAt + 30)
    left.delete(name)
  }
  if (left.size) throw new Error(`not in the archive: ${[...left.keys()].join(', ')}`)
  return out
}

/**
 * Makes the headers of the entry `name` claim `size` uncompressed bytes (the central directory,
 * and the local header when it carries sizes): an archive that lies about how much it expands to.
 */
export function declareUncompressedSize(zip: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(zip)
  const rec = centralRecords(out).find((r) => out.subarray(r.nameAt, r.nameAt + r.nameLength).toString('utf8') === name)
  if (!rec) throw new Error(`not in the archive: ${name}`)
  out.writeUInt32LE(size, rec.at + 24)
  if (out.readUInt32LE(rec.localAt + 22) !== 0) out.writeUInt32LE(size, rec.localAt + 22)
  return out
}

/**
 * Writes a ZIP whose entries may have names yazl refuses to write (`../x`, `/etc/x`, `C:/x`,
 * `a\..\x`): each is written under a harmless stand-in of the same byte length, then renamed.
 */
export async function writeHostileZip(file: string, entries: Entries): Promise<string> {
  const specs = toSpecs(entries)
  const renames: Record<string, string> = {}
  const used = new Set(specs.map((e) => e.name))
  const safe = specs.map((e, i) => {
    // Every byte that could make the name unsafe (`.`, `/` at the start, `:`, `\`) becomes a
    // letter; the entry's index keeps stand-ins distinct from each other and from real names.
    const bytes = Buffer.from(e.name, 'utf8')
    let stand = ''
    for (let tries = 0; ; tries++) {
      stand = [...bytes].map((b, j) => (j < 2 || b === 0x2e || b === 0x3a || b === 0x5c || b > 0x7e ? String.fromCharCode(97 + ((i + j + tries) % 26)) : String.fromCharCode(b))).join('')
      if (!used.has(stand)) break
      if (tries > 26) throw new Error(`no stand-in name for "${e.name}"`)
    }
    used.add(stand)
    if (stand !== e.name) renames[stand] = e.name
    return { ...e, name: stand }
  })
  await writeFile(file, renameEntries(await zipBytes(safe), renames))
  return file
}
