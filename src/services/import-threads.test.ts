import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { InvalidInputError } from '../domain/errors.ts'
import { DEFAULT_SETTINGS, type SiteSettings } from '../domain/settings.ts'
import { readWxr } from '../formats/wxr.ts'
import type { ImportItem } from '../formats/import-batch.ts'
import { listAllReviewRecords } from '../store/reviews.ts'
import { getContentVersion } from '../store/settings.ts'
import { tempDataDir } from '../../test/helpers/server.ts'
import { writeExport } from '../../test/helpers/wxr-export.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import { importFiles, importInputs } from './import-files.ts'
import type { ImportInput } from './import-readers.ts'
import { ReaderThreadError, ReaderThreads, runningReaderThreads, type ReadItem } from './import-threads.ts'
import type { Site } from './site.ts'

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
    const file = writeExport(join(data.dir, 'blog.xml'), 800)
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

describe('an export with broken XML, read in threads', () => {
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
