import { createReadStream, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { InvalidInputError } from '../domain/errors.ts'
import { DEFAULT_SETTINGS, type SiteSettings } from '../domain/settings.ts'
import { readWxr, scanWxrAttachments } from '../formats/wxr.ts'
import type { ImportItem } from '../formats/import-batch.ts'
import { listAllReviewRecords } from '../store/reviews.ts'
import { getContentVersion } from '../store/settings.ts'
import { tempDataDir } from '../../test/helpers/server.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import { importFiles, importInputs } from './import-files.ts'
import type { ImportInput } from './import-readers.ts'
import { ReaderThreadError, ReaderThreads, runningReaderThreads, type ReadItem } from './import-threads.ts'
import type { Site } from './site.ts'

const FIXTURE = join(import.meta.dirname, '../../test/fixtures/wxr/old-blog.xml')
const FILLER = 'The ferry was late again, and nobody on the pier seemed to mind much at all. '.repeat(12)

/** A house-format post of the generated part of the export; `bad` gives it a country that does not exist. */
function generatedPost(n: number, bad: boolean): string {
  const lines = [
    `Year: ${2010 + (n % 15)}`,
    `Origin: ${bad ? 'Atlantis' : ['Japan', 'South Korea', 'Taiwan'][n % 3]}`,
    `Facepalm Meter: ${'🤦'.repeat(n % 6)}`,
    `Cast: Actor ${n % 40}, Actress ${n % 55}`,
    `Is number ${n} worth the wait?`,
    `Harbour Lights ${n} – A Quiet Crossing`,
    FILLER,
    'Story / Writing – Slow Tides',
    `<em>Patient</em> writing. ${FILLER}`,
    'Acting – Steady Hands',
    FILLER,
  ]
  const content = lines.map((l) => `<!-- wp:paragraph -->\n<p>${l}</p>\n<!-- /wp:paragraph -->`).join('\n\n')
  return `
	<item>
		<title><![CDATA[Harbour Lights ${n}]]></title>
		<link>https://old-blog.example/harbour-lights-${n}/</link>
		<dc:creator><![CDATA[mina]]></dc:creator>
		<guid isPermaLink="false">https://old-blog.example/?p=${10_000 + n}</guid>
		<content:encoded><![CDATA[${content}]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>${10_000 + n}</wp:post_id>
		<wp:post_date_gmt><![CDATA[2022-03-04 05:06:07]]></wp:post_date_gmt>
		<wp:status><![CDATA[${n % 7 ? 'publish' : 'draft'}]]></wp:status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>
		<category domain="post_tag" nicename="ferries"><![CDATA[ferries]]></category>
	</item>`
}

/** A WordPress export: the fixture blog's items (their featured images left out, so nothing is fetched), then generated posts. */
function writeExport(file: string, posts: number, bad: readonly number[] = []): string {
  const fixture = readFileSync(FIXTURE, 'utf8').replaceAll('_thumbnail_id', '_former_thumbnail_id')
  const end = fixture.lastIndexOf('</channel>')
  const generated = Array.from({ length: posts }, (_, k) => generatedPost(k + 1, bad.includes(k + 1))).join('')
  writeFileSync(file, fixture.slice(0, end) + generated + '\n' + fixture.slice(end))
  return file
}

async function collect(reader: AsyncIterable<ImportItem>): Promise<ImportItem[]> {
  const items: ImportItem[] = []
  for await (const item of reader) items.push(item)
  return items
}

let data: ReturnType<typeof tempDataDir>
let site: Site

beforeEach(async () => {
  data = tempDataDir()
  site = await openTestSite(data.dir)
})
afterEach(async () => {
  vi.restoreAllMocks()
  await site.close()
  data.remove()
})

describe('importing a WordPress export with reader threads', () => {
  let exportFile: string
  let shared: ReturnType<typeof tempDataDir>
  beforeAll(() => {
    shared = tempDataDir()
    exportFile = writeExport(join(shared.dir, 'blog.xml'), 120)
    return () => shared.remove()
  })

  it('imports what the main thread alone imports, and ends its threads', async () => {
    const jobs = vi.spyOn(ReaderThreads.prototype, 'readWxrFile')
    const threaded = await importFiles(site, [exportFile], { threads: 2, now: new Date('2024-06-01T00:00:00Z') })
    expect(jobs).toHaveBeenCalled()
    expect(runningReaderThreads()).toBe(0)

    const other = tempDataDir()
    const alone = await openTestSite(other.dir)
    try {
      jobs.mockClear()
      // Unless told otherwise, an export this small is read on the main thread alone.
      const single = await importFiles(alone, [exportFile], { now: new Date('2024-06-01T00:00:00Z') })
      expect(jobs).not.toHaveBeenCalled()
      expect(threaded).toEqual(single)
      expect(threaded.created).toHaveLength(125)
      const docs = async (s: Site) => (await listAllReviewRecords(s.db)).map((r) => [r.doc, r.introHtml, r.sectionHtml])
      expect(await docs(site)).toEqual(await docs(alone))
      // The revisions hold the same text, byte for byte (the threads make the documents' JSON).
      const revisions = (s: Site) => s.db.selectFrom('revisions').innerJoin('reviews', 'reviews.id', 'revisions.review_id')
        .select(['reviews.slug', 'revisions.doc_json']).orderBy('reviews.slug').execute()
      const threadedRevisions = await revisions(site)
      expect(threadedRevisions).toEqual(await revisions(alone))
      expect(threadedRevisions.every((r) => JSON.parse(r.doc_json).slug === r.slug)).toBe(true)
    } finally {
      await alone.close()
      other.remove()
    }
  })
})

describe('reader threads on bad input and failures', () => {
  it('reports every bad post at its line in the XML, writes nothing and ends its threads', async () => {
    const file = writeExport(join(data.dir, 'bad.xml'), 120, [1, 60, 120])
    const version = await getContentVersion(site.db)
    const error = await importFiles(site, [file], { threads: 2 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidInputError)
    // The same issues, in the same order, as the reader finds on the main thread.
    const expected = (await collect(readWxr(() => createReadStream(file), file, DEFAULT_SETTINGS)))
      .flatMap((i) => (i.kind === 'issue' ? [i.issue] : []))
    expect(expected).toHaveLength(3)
    expect((error as InvalidInputError).issues).toEqual(expected)
    const text = readFileSync(file, 'utf8')
    for (const issue of expected) expect(text.split('\n')[issue.line - 1]).toContain('Origin: Atlantis')
    expect(await listAllReviewRecords(site.db)).toEqual([])
    expect(await getContentVersion(site.db)).toBe(version)
    expect(runningReaderThreads()).toBe(0)
  })

  /** An input reading an export in the import's threads, with `extra` items after its 40th review. */
  function threadedInput(file: string, extra: (threads: ReaderThreads, settings: SiteSettings) => AsyncIterable<ReadItem> | ReadItem[]): ImportInput {
    return {
      label: file,
      mediaRoot: null,
      async *items(settings, threads) {
        if (!threads) throw new Error('expected reader threads')
        yield { kind: 'self-contained' }
        const read = threads.readWxrFile(file, settings, { label: file, totalBytes: statSync(file).size })
        read.attachments(new Map())
        let reviews = 0
        for await (const item of read.items()) {
          yield item
          if (item.kind === 'review' && ++reviews === 40) yield* extra(threads, settings)
        }
      },
    }
  }

  it('stops, writes nothing and ends its threads when a thread fails', async () => {
    const file = writeExport(join(data.dir, 'blog.xml'), 120)
    const input = threadedInput(file, (threads, settings) => {
      // A bug in reading: a rubric that is not a list makes the reader throw in the thread.
      const read = threads.readWxrFile(file, { ...settings, rubric: 42 as unknown as string[] }, { label: file, totalBytes: statSync(file).size })
      read.attachments(new Map())
      return read.items()
    })
    const error = await importInputs(site, [input], { threads: 2 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ReaderThreadError)
    expect((error as Error).message).toMatch(/^a reader thread failed: /)
    expect(await listAllReviewRecords(site.db)).toEqual([])
    expect(runningReaderThreads()).toBe(0)
  })

  it('stops reading, writes nothing and ends its threads when saving fails', async () => {
    // A record the database refuses (a review needs a status): saving fails while threads still read.
    const file = writeExport(join(data.dir, 'blog.xml'), 2_000)
    const refused: ReadItem = { kind: 'review', review: { doc: { ...sampleDoc, status: null as unknown as 'draft' }, at: { file, line: 1 }, poster: null, comments: [] } }
    const input = threadedInput(file, () => [refused])
    const error = await importInputs(site, [input], { threads: 2 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toMatch(/NOT NULL constraint failed: reviews\.status|null value in column "status"/)
    expect(await listAllReviewRecords(site.db)).toEqual([])
    expect(runningReaderThreads()).toBe(0)
  })
})

const sampleDoc = {
  title: 'Paper Lanterns', nativeTitle: null, romanizedTitle: null, year: 2024, origin: null, season: null, episodes: null,
  platform: null, firstWatch: null, reviewedOn: null, links: [], meter: null, hook: null, headline: null, intro: 'Intro.',
  sections: [], poster: null, tags: [], people: [], songs: [], status: 'published' as const, author: null, publishedAt: null,
  source: null,
}

describe('an export scanned in a reader thread', () => {
  /** How far into `file` this process has read it (its open descriptor's offset), or null once no descriptor has it open. */
  function readOffset(file: string): number | null {
    for (const fd of readdirSync('/proc/self/fd')) {
      let target: string
      try {
        target = readlinkSync(`/proc/self/fd/${fd}`)
      } catch {
        continue // closed since it was listed
      }
      if (target !== file) continue
      const pos = /^pos:\s*(\d+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))
      if (pos) return Number(pos[1])
    }
    return null
  }

  /** Waits until the offset has not moved for a second (null: the file was closed). */
  async function settledOffset(file: string): Promise<number | null> {
    let last = readOffset(file)
    for (let still = 0; still < 10; ) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      const now = readOffset(file)
      still = now === last ? still + 1 : 0
      last = now
    }
    return last
  }

  it('reads no further ahead than the main thread takes, then reads it all', async () => {
    const file = writeExport(join(data.dir, 'large.xml'), 4_000)
    const size = statSync(file).size
    const threads = new ReaderThreads(1)
    try {
      const read = threads.readWxrFile(file, DEFAULT_SETTINGS, { label: file, totalBytes: size })
      read.attachments(new Map())
      const items = read.items()
      const first = await items.next()
      expect(first.done).toBe(false)
      // Taking nothing more, the thread stops a window of batches ahead with the file still open.
      const offset = await settledOffset(file)
      expect(offset).not.toBeNull()
      expect(offset!).toBeLessThan(size / 4)
      let reviews = first.value?.kind === 'review' ? 1 : 0
      for await (const item of items) if (item.kind === 'review') reviews++
      const fixtureReviews = (await collect(readWxr(() => createReadStream(FIXTURE), FIXTURE, DEFAULT_SETTINGS))).filter((i) => i.kind === 'review')
      expect(reviews).toBe(4_000 + fixtureReviews.length)
    } finally {
      await threads.close()
    }
  })

  it('stops reading the file when its items are no longer wanted, and the threads read the next one', async () => {
    const file = writeExport(join(data.dir, 'large.xml'), 4_000)
    const threads = new ReaderThreads(2)
    try {
      const read = threads.readWxrFile(file, DEFAULT_SETTINGS, { label: file, totalBytes: statSync(file).size })
      read.attachments(new Map())
      for await (const item of read.items()) if (item.kind === 'review') break
      expect(await settledOffset(file)).toBeNull()
      // The fixture's posts name featured images: they wait for the attachments the first pass finds.
      const again = threads.readWxrFile(FIXTURE, DEFAULT_SETTINGS, { label: FIXTURE, totalBytes: statSync(FIXTURE).size })
      const pass = scanWxrAttachments(() => createReadStream(FIXTURE), FIXTURE)
      let step = await pass.next()
      while (!step.done) step = await pass.next()
      again.attachments(step.value!.attachments)
      const items: ImportItem[] = []
      for await (const item of again.items()) items.push(item)
      const alone = await collect(readWxr(() => createReadStream(FIXTURE), FIXTURE, DEFAULT_SETTINGS))
      const plain = (list: ImportItem[]) => list.filter((i) => i.kind !== 'progress' && i.kind !== 'self-contained')
        .map((i) => (i.kind === 'review' ? { kind: i.kind, review: i.review } : i))
      expect(plain(items)).toEqual(plain(alone))
      expect(items.filter((i) => i.kind === 'review' && i.review.poster)).toHaveLength(2)
    } finally {
      await threads.close()
    }
  })

  it('reports broken XML once, at its line, as the main thread alone does', async () => {
    const file = writeExport(join(data.dir, 'broken.xml'), 300)
    writeFileSync(file, readFileSync(file, 'utf8').replace('</channel>', '</chanel>'))
    const error = await importFiles(site, [file], { threads: 2 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidInputError)
    const expected = (await collect(readWxr(() => createReadStream(file), file, DEFAULT_SETTINGS))).flatMap((i) => (i.kind === 'issue' ? [i.issue] : []))
    expect(expected).toHaveLength(1)
    expect((error as InvalidInputError).issues).toEqual(expected)
    expect(await listAllReviewRecords(site.db)).toEqual([])
    expect(runningReaderThreads()).toBe(0)
  })
})
