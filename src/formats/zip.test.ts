import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { declareUncompressedSize, writeHostileZip, writeZip, zipBytes } from '../../test/helpers/zip.ts'
import { DEFAULT_ZIP_LIMITS, readZipEntries, unsafeEntryName, walkZip, ZipError, type ZipLimits } from './zip.ts'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dramalog-zip-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The ZipError `run` rejects with (failing the test if it resolves or throws anything else). */
async function refusal(run: Promise<unknown>): Promise<ZipError> {
  const err = await run.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(ZipError)
  return err as ZipError
}

const limits = (over: Partial<ZipLimits>): ZipLimits => ({ ...DEFAULT_ZIP_LIMITS, ...over })
const MiB = 1024 ** 2

describe('walkZip and readZipEntries on sound archives', () => {
  it('reads every file entry with its content, in archive order, skipping folders', async () => {
    const file = await writeZip(join(dir, 'sound.zip'), [
      { name: 'diary.csv', data: 'Date,Name\n2024-01-01,Paper Lanterns\n' },
      { name: 'lists/', data: '' },
      { name: 'lists/종이등 favourites.csv', data: '종이등,雪国の灯\n' },
      { name: 'stored.bin', data: Buffer.from([0, 1, 2, 255]), compress: false },
    ])
    const seen: { name: string; size: number }[] = []
    await walkZip(file, async (e) => {
      seen.push({ name: e.name, size: e.size })
    })
    expect(seen).toEqual([
      { name: 'diary.csv', size: Buffer.byteLength('Date,Name\n2024-01-01,Paper Lanterns\n') },
      { name: 'lists/종이등 favourites.csv', size: Buffer.byteLength('종이등,雪国の灯\n') },
      { name: 'stored.bin', size: 4 },
    ])
    const all = await readZipEntries(file, () => true)
    expect([...all.keys()]).toEqual(['diary.csv', 'lists/종이등 favourites.csv', 'stored.bin'])
    expect(all.get('diary.csv')!.toString('utf8')).toBe('Date,Name\n2024-01-01,Paper Lanterns\n')
    expect(all.get('lists/종이등 favourites.csv')!.toString('utf8')).toBe('종이등,雪国の灯\n')
    expect([...all.get('stored.bin')!]).toEqual([0, 1, 2, 255])
  })

  it('reads only the entries asked for', async () => {
    const file = await writeZip(join(dir, 'pick.zip'), { 'a.csv': 'a', 'b.csv': 'b', 'c.txt': 'c' })
    const picked = await readZipEntries(file, (n) => n.endsWith('.csv'))
    expect(Object.fromEntries([...picked].map(([k, v]) => [k, v.toString()]))).toEqual({ 'a.csv': 'a', 'b.csv': 'b' })
  })

  it('gives a stream its every byte even when the caller awaits something before reading', async () => {
    // A 'data' listener on the inflating stream would start the flow at once and lose these bytes.
    const data = Buffer.alloc(300_000)
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251
    const file = await writeZip(join(dir, 'late.zip'), { 'poster.bin': data, 'b.txt': 'hello' })
    const got: Record<string, Buffer> = {}
    await walkZip(file, async (e) => {
      const s = await e.stream()
      await new Promise((r) => setTimeout(r, 30))
      const chunks: Buffer[] = []
      for await (const chunk of s) chunks.push(chunk as Buffer)
      got[e.name] = Buffer.concat(chunks)
    })
    expect(got['poster.bin']!.equals(data)).toBe(true)
    expect(got['b.txt']!.toString()).toBe('hello')
  })

  it('moves on when a visitor does not read an entry', async () => {
    const file = await writeZip(join(dir, 'unread.zip'), { 'a.txt': 'a', 'b.txt': 'b' })
    const names: string[] = []
    await walkZip(file, async (e) => {
      names.push(e.name)
    })
    expect(names).toEqual(['a.txt', 'b.txt'])
  })
})

describe('unsafeEntryName', () => {
  it.each([
    ['../x', '".." in its path'],
    ['a/../../x', '".." in its path'],
    ['a\\..\\x', '".." in its path'],
    ['..', '".." in its path'],
    ['/etc/passwd', 'absolute path'],
    ['\\windows\\x', 'absolute path'],
    ['C:/x', 'absolute path'],
    ['c:x', 'absolute path'],
    ['a\0b', 'NUL'],
  ])('refuses %j', (name, reason) => {
    expect(unsafeEntryName(name)).toContain(reason)
  })

  it.each(['diary.csv', 'lists/a.csv', 'a..b/c', '...', '.hidden', 'a/./b', '종이등/雪国.csv'])('accepts %j', (name) => {
    expect(unsafeEntryName(name)).toBeNull()
  })
})

describe('hostile entry names', () => {
  it.each([
    ['../x', 'entry ../x', /has "\.\." in its path/],
    ['lists/../../x', 'entry lists/../../x', /has "\.\." in its path/],
    ['a\\..\\..\\x', 'entry a/../../x', /has "\.\." in its path/],
    ['/etc/x', 'entry /etc/x', /has an absolute path/],
    ['C:/x', 'entry C:/x', /has an absolute path/],
    ['../', 'entry ../', /has "\.\." in its path/],
  ])('refuses %j with a located ZipError naming the entry', async (name, field, reason) => {
    const file = await writeHostileZip(join(dir, 'hostile.zip'), [
      { name: 'diary.csv', data: 'fine' },
      { name, data: 'evil' },
      { name: 'after.csv', data: 'never reached' },
    ])
    const visited: string[] = []
    const err = await refusal(walkZip(file, async (e) => void visited.push(e.name)))
    expect(err.issues).toHaveLength(1)
    expect(err.issues[0]).toMatchObject({ file, line: 1, field })
    expect(err.issues[0]!.message).toMatch(reason)
    expect(err.message).toBe(`${file}:1: ${field}: ${err.issues[0]!.message}`)
    // Entries before the hostile one were offered; it and everything after were not.
    expect(visited).toEqual(['diary.csv'])
  })

  it('checks the name the archive holds, not a stand-in: the helper really wrote "../x"', async () => {
    const file = await writeHostileZip(join(dir, 'check.zip'), [{ name: '../x', data: 'evil' }])
    const bytes = await readFile(file)
    // The name appears in the local header and in the central directory.
    expect(bytes.toString('latin1').split('../x').length - 1).toBe(2)
  })
})

describe('archives that expand too far', () => {
  // 50 MB of zeros deflates to about 50 kB: a real, highly compressible entry.
  const zeros = Buffer.alloc(50 * MiB)
  let bomb: Buffer
  beforeAll(async () => {
    bomb = await zipBytes([{ name: 'readme.txt', data: 'hi' }, { name: 'zeros.bin', data: zeros }])
  })

  it('refuses an entry whose compression ratio is absurd, even under the default limits', async () => {
    const file = join(dir, 'bomb.zip')
    await writeFile(file, bomb)
    const err = await refusal(readZipEntries(file, () => true))
    expect(err.issues).toEqual([{ file, line: 1, field: 'entry zeros.bin', message: expect.stringMatching(/^refused: compressed \d+ to 1, an archive bomb$/) }])
  })

  it('refuses an entry whose declared size is over the per-entry limit, before inflating it', async () => {
    const file = join(dir, 'big.zip')
    await writeFile(file, bomb)
    const read: string[] = []
    const err = await refusal(walkZip(file, async (e) => void read.push(e.name), limits({ maxEntryBytes: MiB, maxRatio: Infinity })))
    expect(err.issues).toEqual([{ file, line: 1, field: 'entry zeros.bin', message: `refused: expands to ${50 * MiB} bytes, more than the ${MiB} allowed` }])
    expect(read).toEqual(['readme.txt'])
  })

  it('refuses an entry whose header claims a small size but inflates to much more', async () => {
    const file = join(dir, 'liar.zip')
    await writeFile(file, declareUncompressedSize(bomb, 'zeros.bin', 1000))
    const err = await refusal(readZipEntries(file, () => true))
    expect(err.issues).toHaveLength(1)
    expect(err.issues[0]).toMatchObject({ file, line: 1, field: 'entry zeros.bin' })
    expect(err.issues[0]!.message).toMatch(/^refused: damaged entry \(too many bytes/)
    // The same through a stream: the caller gets the located refusal, not yauzl's bare error.
    const viaStream = await refusal(
      walkZip(file, async (e) => {
        for await (const _ of await e.stream());
      }),
    )
    expect(viaStream.issues[0]).toMatchObject({ field: 'entry zeros.bin' })
  })

  it('counts the bytes actually inflated across entries against the total limit', async () => {
    // Three honest 900 kB entries (under 1 MiB, so no ratio check): only the running total stops them.
    const file = await writeZip(join(dir, 'total.zip'), { 'a.bin': Buffer.alloc(900_000), 'b.bin': Buffer.alloc(900_000), 'c.bin': Buffer.alloc(900_000) })
    const done: string[] = []
    const err = await refusal(
      walkZip(
        file,
        async (e) => {
          await e.read()
          done.push(e.name)
        },
        limits({ maxTotalBytes: 2_000_000 }),
      ),
    )
    expect(err.issues).toEqual([{ file, line: 1, field: 'entry c.bin', message: 'refused: the archive expands to more than 2000000 bytes' }])
    expect(done).toEqual(['a.bin', 'b.bin'])
    // Entries that are not read do not count.
    const some = await readZipEntries(file, (n) => n !== 'b.bin', limits({ maxTotalBytes: 2_000_000 }))
    expect([...some.keys()]).toEqual(['a.bin', 'c.bin'])
  })
})

describe('archives refused as a whole', () => {
  it('refuses more entries than allowed before reading any', async () => {
    const file = await writeZip(join(dir, 'many.zip'), Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}.txt`, `${i}`])))
    const visited: string[] = []
    const err = await refusal(walkZip(file, async (e) => void visited.push(e.name), limits({ maxEntries: 4 })))
    expect(err.issues).toEqual([{ file, line: 1, field: '(archive)', message: 'holds 5 entries, more than the 4 allowed' }])
    expect(visited).toEqual([])
    // Exactly at the limit is fine.
    expect((await readZipEntries(file, () => true, limits({ maxEntries: 5 }))).size).toBe(5)
  })

  it('refuses a file that is not a ZIP', async () => {
    const file = join(dir, 'notes.zip')
    await writeFile(file, 'Date,Name\n2024-01-01,Paper Lanterns\n')
    const err = await refusal(readZipEntries(file, () => true))
    expect(err.issues).toEqual([{ file, line: 1, field: '(archive)', message: expect.stringMatching(/^not a readable ZIP archive \(/) }])
  })

  it('refuses a file that does not exist', async () => {
    const file = join(dir, 'missing.zip')
    const err = await refusal(readZipEntries(file, () => true))
    expect(err.issues[0]).toMatchObject({ file, field: '(archive)', message: expect.stringMatching(/^not a readable ZIP archive \(.*ENOENT/) })
  })

  it('refuses a ZIP cut short (its directory at the end is gone)', async () => {
    const whole = await zipBytes({ 'diary.csv': 'Date,Name\n'.repeat(500), 'reviews.csv': 'x'.repeat(2000) })
    const file = join(dir, 'cut.zip')
    await writeFile(file, whole.subarray(0, whole.length - 40))
    const err = await refusal(readZipEntries(file, () => true))
    expect(err.issues[0]).toMatchObject({ file, field: '(archive)', message: expect.stringMatching(/^not a readable ZIP archive/) })
  })

  it('refuses a ZIP whose middle is missing (directory intact, data gone)', async () => {
    const whole = await zipBytes({ 'a.txt': 'a'.repeat(3000), 'b.txt': 'b'.repeat(3000) })
    const file = join(dir, 'holed.zip')
    // Keep the first local header and the tail with the central directory; drop the rest.
    await writeFile(file, Buffer.concat([whole.subarray(0, 60), whole.subarray(whole.length - 200)]))
    const err = await refusal(readZipEntries(file, () => true))
    expect(err.issues).toHaveLength(1)
    expect(err.issues[0]!.file).toBe(file)
    expect(err.issues[0]).toMatchObject({ field: '(archive)', message: expect.stringMatching(/^damaged archive \(/) })
  })

  it('refuses an entry whose compressed data is corrupt, naming the entry', async () => {
    const whole = await zipBytes({ 'diary.csv': 'Date,Name,Year\n'.repeat(200), 'b.txt': 'b' })
    // The first entry's deflate data starts after its 30-byte local header and name (no extra
    // field from yazl). A first byte of 0b111 is a final block of the reserved type 3: invalid.
    const at = 30 + whole.readUInt16LE(26) + whole.readUInt16LE(28)
    const bad = Buffer.from(whole)
    bad[at] = 0x07
    const file = join(dir, 'corrupt.zip')
    await writeFile(file, bad)
    const err = await refusal(readZipEntries(file, () => true))
    expect(err.issues).toEqual([{ file, line: 1, field: 'entry diary.csv', message: expect.stringMatching(/^refused: damaged entry \(.*invalid block type/) }])
  })
})
