import { createReadStream, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { InvalidInputError } from '../domain/errors.ts'
import { DEFAULT_SETTINGS } from '../domain/settings.ts'
import { scanWxr, readWxr, type WxrContext, type WxrPost } from '../formats/wxr.ts'
import type { ImportItem } from '../formats/import-batch.ts'
import { listAllReviewRecords } from '../store/reviews.ts'
import { getContentVersion } from '../store/settings.ts'
import { tempDataDir } from '../../test/helpers/server.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import { importFiles, importInputs } from './import-files.ts'
import type { ImportInput } from './import-readers.ts'
import { ReaderThreadError, ReaderThreads, runningReaderThreads } from './import-threads.ts'
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
    const jobs = vi.spyOn(ReaderThreads.prototype, 'readWxrPosts')
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

  /** An input reading the fixture's posts in the import's threads, with `extra` items after them. */
  function threadedInput(extra: (threads: ReaderThreads, context: WxrContext, posts: WxrPost[]) => ImportItem[] | Promise<ImportItem[]>[]): ImportInput {
    return {
      label: FIXTURE,
      mediaRoot: null,
      async *items(settings, threads) {
        if (!threads) throw new Error('expected reader threads')
        yield { kind: 'self-contained' }
        let context: WxrContext | null = null
        const posts: WxrPost[] = []
        for await (const unit of scanWxr(() => createReadStream(FIXTURE), FIXTURE, settings)) {
          if (unit.kind !== 'posts') continue
          context = unit.context
          posts.push(...unit.posts.map((p) => ({ ...p, featured: null })))
        }
        // Each copy another post of the old blog, so each is saved.
        const copy = (k: number) => posts.map((p) => ({ ...p, item: { ...p.item, guid: `${p.item.guid}&copy=${k}` } }))
        for (let k = 0; k < 20; k++) yield { kind: 'later', items: threads.readWxrPosts(context!, copy(k)) }
        for (const item of extra(threads, context!, posts)) yield item instanceof Promise ? { kind: 'later', items: item } : item
        for (let k = 20; k < 40; k++) yield { kind: 'later', items: threads.readWxrPosts(context!, copy(k)) }
      },
    }
  }

  it('stops, writes nothing and ends its threads when a thread fails', async () => {
    const input = threadedInput((threads, context, posts) => [
      // A bug in reading: a rubric that is not a list makes the reader throw in the thread.
      threads.readWxrPosts({ ...context, settings: { ...context.settings, rubric: 42 as unknown as string[] } }, posts),
    ])
    const error = await importInputs(site, [input], { threads: 2 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ReaderThreadError)
    expect((error as Error).message).toMatch(/^a reader thread failed: /)
    expect(await listAllReviewRecords(site.db)).toEqual([])
    expect(runningReaderThreads()).toBe(0)
  })

  it('stops reading, writes nothing and ends its threads when saving fails', async () => {
    // A record the database refuses (a review needs a status): saving fails while threads still read.
    const refused: ImportItem = { kind: 'review', review: { doc: { ...sampleDoc, status: null as unknown as 'draft' }, at: { file: FIXTURE, line: 1 }, poster: null, comments: [] } }
    const input = threadedInput(() => [refused])
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
