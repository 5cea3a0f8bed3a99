import { createReadStream, readFileSync } from 'node:fs'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import TurndownService from 'turndown'
import { beforeAll, describe, expect, it } from 'vitest'
import type { ReviewDocument } from '../domain/review.ts'
import { DEFAULT_SETTINGS, type SiteSettings } from '../domain/settings.ts'
import type { ImportedReview, ImportItem, SkippedItem } from './import-batch.ts'
import { escapesNothing, htmlLines, readWxr, scanWxr, WxrPostReader, type HtmlLine } from './wxr.ts'

const FIXTURES = new URL('../../test/fixtures/wxr/', import.meta.url)
const fixturePath = (name: string) => fileURLToPath(new URL(name, FIXTURES))
const fixtureText = (name: string) => readFileSync(fixturePath(name), 'utf8')

/** Reads a fixture the way the import service does, in small chunks so boundaries fall everywhere. */
async function readFixture(name: string, settings: SiteSettings = DEFAULT_SETTINGS): Promise<ImportItem[]> {
  return collect(readWxr(() => createReadStream(fixturePath(name), { highWaterMark: 97 }), name, settings))
}

async function readText(text: string | Buffer, label = 'inline.xml', settings: SiteSettings = DEFAULT_SETTINGS): Promise<ImportItem[]> {
  return collect(readWxr(async function* () { yield text }, label, settings))
}

async function collect(reader: AsyncIterable<ImportItem>): Promise<ImportItem[]> {
  const items: ImportItem[] = []
  for await (const item of reader) items.push(item)
  return items
}

const reviews = (items: ImportItem[]): ImportedReview[] => items.flatMap((i) => (i.kind === 'review' ? [i.review] : []))
const skipped = (items: ImportItem[]): SkippedItem[] => items.flatMap((i) => (i.kind === 'skipped' ? [i.item] : []))
const issues = (items: ImportItem[]) => items.flatMap((i) => (i.kind === 'issue' ? [i.issue] : []))
const warnings = (items: ImportItem[]) => items.flatMap((i) => (i.kind === 'warning' ? [i.message] : []))
const without = (items: ImportItem[], kind: ImportItem['kind']) => items.filter((i) => i.kind !== kind)

/** The review whose source is post `id` of the old blog. */
function post(items: ImportItem[], id: number): ImportedReview {
  const found = reviews(items).find((r) => r.doc.source?.id === `wordpress:https://old-blog.example/?p=${id}`)
  if (!found) throw new Error(`no review for post ${id}; got ${JSON.stringify(items.filter((i) => i.kind !== 'review'), null, 2)}`)
  return found
}

/** The 1-based line of the `nth` occurrence of `needle` in `text`. */
function lineOf(text: string, needle: string, nth = 1): number {
  let at = -1
  for (let k = 0; k < nth; k++) {
    at = text.indexOf(needle, at + 1)
    if (at < 0) throw new Error(`"${needle}" occurs fewer than ${nth} times`)
  }
  return text.slice(0, at).split('\n').length
}

const section = (aspect: string, verdict: string, body: string, extra: Partial<ReviewDocument['sections'][number]> = {}) => ({
  aspect, verdict, body, score: null, scoreMax: null, spoiler: false, ...extra,
})

const OLD_BLOG = fixtureText('old-blog.xml')
/** The line of the `<item>` that holds the element with this text. */
const itemLine = (inside: string) => lineOf(OLD_BLOG, '<item>', OLD_BLOG.slice(0, OLD_BLOG.indexOf(inside)).split('<item>').length - 1)
const titled = (title: string) => `<title><![CDATA[${title}]]></title>`

describe('readWxr on a WordPress export', () => {
  let items: ImportItem[] = []
  beforeAll(async () => {
    items = await readFixture('old-blog.xml')
  })

  it('reads a classic-editor post, written as lines of text, into the whole document', () => {
    const review = post(items, 11)
    expect(review.doc).toEqual({
      title: 'The Lantern Post',
      nativeTitle: '등불 우체국',
      romanizedTitle: null,
      year: 2023,
      origin: 'South Korea',
      season: 1,
      episodes: null,
      platform: 'Netflix',
      firstWatch: true,
      reviewedOn: '2023-04-09',
      links: [{ site: 'AsianWiki', label: 'The Lantern Post', url: 'https://asianwiki.example/The_Lantern_Post' }],
      meter: { value: 2, max: 5 },
      hook: 'Would you open a letter that knows your secrets?',
      headline: 'A Slow Fuse In A Fishing Town',
      intro:
        'I expected a cosy village mystery. I got _three_ sleepless nights and a fear of envelopes.\n\n' +
        'Postwoman Da-eun delivers mail in a town where nothing happens – until the letters start arriving. ' +
        "See [my review of Harbour Lights](https://old-blog.example/2022/11/harbour-lights/) for the director's first try.",
      sections: [
        section('Story / Writing', 'Patient, Then Merciless',
          'The first four episodes dawdle. Then episode five turns every clue into a knife.\n\n' +
          'What I loved:\n\n- the tide tables pinned to every wall\n- the **lanterns**'),
        section('Acting', 'The Lead Carries It', 'Yoon Ha-neul plays Da-eun with a stillness that curdles into fear.'),
        section('Impact', 'I Still Check My Letterbox', 'No spoilers. Watch it with the lights on.'),
      ],
      poster: { src: null, credit: 'Poster made for the Dramalog tests. Fictional drama.', alt: 'A postwoman holding a paper lantern in the fog' },
      tags: ['mystery', 'small town', 'Reviews', 'slow burn', 'thriller'],
      people: [{ name: 'Yoon Ha-neul', role: 'cast' }, { name: 'Baek Si-woo', role: 'cast' }],
      songs: [],
      status: 'published',
      author: 'Mina Seo',
      publishedAt: '2023-04-12T09:30:00Z',
      source: { id: 'wordpress:https://old-blog.example/?p=11', url: 'https://old-blog.example/2023/04/the-lantern-post/' },
    })
    expect(review.at).toEqual({ file: 'old-blog.xml', line: itemLine(titled('Review: The Lantern Post')) })
  })

  it('takes the featured image from an attachment that comes later in the file', () => {
    expect(post(items, 11).poster).toEqual({
      kind: 'wordpress',
      url: 'https://old-blog.example/wp-content/uploads/2023/04/lantern-poster.jpg',
      path: '2023/04/lantern-poster.jpg',
    })
  })

  it('imports approved comments only, threading deeper replies under their top-level comment', () => {
    const review = post(items, 11)
    expect(review.comments).toEqual([
      {
        sourceId: '21', parentSourceId: null, authorName: 'Dae-ho', authorEmail: 'daeho@reader.example', authorUrl: 'https://daeho.example',
        body: 'Loved it & hated it. Episode five wrecked me.\n\nThe bus stop scene <3',
        createdAt: '2023-04-12T23:12:44Z', at: { file: 'old-blog.xml', line: lineOf(OLD_BLOG, '<wp:comment_id>21<') - 1 },
      },
      {
        sourceId: '22', parentSourceId: '21', authorName: 'Mina Seo', authorEmail: 'mina@old-blog.example', authorUrl: 'https://old-blog.example',
        body: 'Same! I rewound it twice.',
        createdAt: '2023-04-13T00:01:10Z', at: { file: 'old-blog.xml', line: lineOf(OLD_BLOG, '<wp:comment_id>22<') - 1 },
      },
      {
        // A reply to a reply: attached to the thread's first comment; its javascript: URL is dropped.
        sourceId: '23', parentSourceId: '21', authorName: '소라', authorEmail: null, authorUrl: null,
        body: 'Twice? I watched it three times 😅',
        createdAt: '2023-04-14T11:45:00Z', at: { file: 'old-blog.xml', line: lineOf(OLD_BLOG, '<wp:comment_id>23<') - 1 },
      },
    ])
    expect(skipped(items)).toContainEqual({
      at: { file: 'old-blog.xml', line: itemLine(titled('Review: The Lantern Post')) },
      what: 'comments on post "Review: The Lantern Post"',
      reason: '3 comments not imported: 1 spam, 1 awaiting approval, 1 pingback',
    })
  })

  it('reads a post with <br> header lines and <h2>/<h3> headings, a draft with a Korean title', () => {
    const review = post(items, 12)
    expect(review.doc).toMatchObject({
      title: 'Moonlight Laundromat',
      nativeTitle: '달빛 세탁소',
      year: 2022,
      origin: 'South Korea',
      platform: 'Viki',
      firstWatch: false,
      meter: { value: 3, max: 5 },
      hook: 'Can clean laundry wash away a dirty secret?',
      headline: 'Spin Cycle Of Second Chances',
      intro: 'A rewatch, and it holds up.',
      sections: [
        section('Acting', 'Soft Voices, Sharp Eyes', 'The owner never raises her voice. She does not need to.'),
        section('Vibes', 'Warm Dryer Air', 'Fluorescent light, folding tables, rain on the window.'),
      ],
      poster: { src: null, credit: 'Poster made for the Dramalog tests.', alt: null },
      tags: ['Reviews'],
      // A draft: WordPress writes 0000-00-00 for its GMT date and links it as ?p=N.
      status: 'draft',
      publishedAt: null,
      author: 'jojo',
      source: { id: 'wordpress:https://old-blog.example/?p=12', url: 'https://old-blog.example/?p=12' },
    })
    expect(review.poster).toBeNull()
    expect(review.at.line).toBe(itemLine(titled('달빛 세탁소')))
  })

  it('reads a block-editor post whose header is a table, scheduled, with a captioned featured image', () => {
    const review = post(items, 13)
    expect(review.doc).toMatchObject({
      title: 'Kite Street Bakery',
      nativeTitle: '凧通りのパン屋',
      year: 2024,
      origin: 'Japan',
      season: 1,
      platform: 'Prime Video',
      reviewedOn: '2024-05-02',
      links: [{ site: 'MyDramaList', label: 'Kite Street Bakery', url: 'https://mydramalist.example/kite-street-bakery' }],
      meter: { value: 1, max: 5 },
      hook: 'Who bakes bread at three in the morning, and why does the whole street wait for it?',
      headline: 'Flour, Feelings And One Very Bad Oven',
      intro: 'A gentle drama about a bakery that opens only at night. Think [_diner_ shows](https://old-blog.example/2023/02/midnight-diner-ish/), but with more flour.',
      sections: [
        // The image block between the two sections (and its caption) is not review text.
        section('Story / Writing', 'Rises Slowly', 'Each episode is one loaf and one customer with a problem.', { score: 8, scoreMax: 10 }),
        section('Originality', 'Bread Is Not New, This Is', 'Nobody has made a show this calm about yeast.'),
      ],
      // The caption is HTML with an entity and a link; the alt falls back to the attachment's title.
      poster: { src: null, credit: 'Poster made for the Dramalog tests & drawn by R. Ito.', alt: 'Kite Street Bakery poster' },
      tags: ['food', 'Reviews'],
      status: 'scheduled',
      publishedAt: '2024-06-01T01:00:00Z',
    })
    expect(review.poster).toEqual({
      kind: 'wordpress', url: 'https://old-blog.example/wp-content/uploads/2024/05/bakery-poster.png', path: '2024/05/bakery-poster.png',
    })
  })

  it('reads a block-editor post of paragraphs: entities, a split CDATA, quotes and lists kept, scripts and embeds dropped', () => {
    const review = post(items, 14)
    expect(review.doc).toMatchObject({
      title: 'The Ferry At Small Hours',
      year: 2021,
      origin: 'Taiwan',
      // A link in a header that is not a link field keeps its text only.
      platform: 'GagaOOLala',
      meter: { value: 1, max: 5 },
      hook: null,
      headline: 'Night Crossings, Day Regrets',
      intro: 'Every episode is one crossing of the strait, from midnight to dawn.',
      sections: [
        section('Story / Writing', 'Two Shores, One Secret',
          // `]]>` inside the post is written `]]]]><![CDATA[>` by WordPress.
          'The deckhand’s notebook holds the whole plot. The hacker only ever types `]]>` and the screen goes green & nobody asks why.\n\n' +
          '> “The sea keeps every promise you throw into it.”'),
        section('Vibes', 'Diesel And Starlight', '- engine hum\n- instant noodles at 3 a.m.'),
      ],
      // Private on WordPress; filed under Uncategorized only, which is no tag.
      status: 'unpublished',
      tags: [],
      poster: null,
      publishedAt: '2022-09-18T14:00:00Z',
    })
    const text = JSON.stringify(review.doc)
    expect(text).not.toMatch(/oldTracker|video\.example|Trailer/)
    expect(review.poster).toBeNull()
    expect(warnings(items)).toEqual([
      `old-blog.xml:${itemLine(titled('The Ferry At Small Hours'))}: post "The Ferry At Small Hours": its featured image (attachment 999) is not in the export`,
    ])
  })

  it('falls back to the post title when the text has no "Title – Headline" line', () => {
    expect(post(items, 19).doc).toMatchObject({
      title: 'Salt Road Diaries',
      headline: 'A Long Bus Ride Worth Taking',
      intro: 'Forty hours on one bus, and I wanted more.',
      sections: [section('Impact', 'I Bought A Map', 'I now own a map of the steppe. Thanks, show.')],
      status: 'draft', // pending review on WordPress
      origin: 'Mongolia',
      tags: [],
    })
  })

  it('leaves no HTML in any body, and keeps each paragraph a paragraph', () => {
    for (const { doc } of reviews(items)) {
      for (const body of [doc.intro, ...doc.sections.map((s) => s.body)]) {
        expect(body).not.toMatch(/<\/?[a-z][^>]*>|&[a-z]+;|&#\d+;|\[caption/i)
        expect(body).not.toMatch(/\n{3,}/)
      }
    }
    expect(post(items, 11).doc.intro.split('\n\n')).toHaveLength(2)
  })

  it('reports everything it leaves out, with a reason, and not the attachments', () => {
    expect(skipped(items).filter((s) => !s.what.startsWith('comments'))).toEqual([
      {
        at: { file: 'old-blog.xml', line: itemLine(titled('引っ越しのお知らせ')) },
        what: 'post "引っ越しのお知らせ"',
        reason: 'not a review in the house format (no "Year:"/"Origin:" header lines or "Aspect – Verdict" headings)',
      },
      { at: { file: 'old-blog.xml', line: itemLine(titled('About')) }, what: 'page "About"', reason: 'a page, not a post' },
      { at: { file: 'old-blog.xml', line: itemLine('<wp:post_id>17<') }, what: 'menu item #17', reason: 'a navigation menu item' },
      { at: { file: 'old-blog.xml', line: itemLine(titled('Glass Orchard')) }, what: 'post "Glass Orchard"', reason: 'in the trash' },
      {
        at: { file: 'old-blog.xml', line: itemLine(titled('Custom Styles')) },
        what: 'wp_global_styles "Custom Styles"',
        reason: 'post type "wp_global_styles" is not imported',
      },
    ])
    expect(issues(items)).toEqual([])
    expect(reviews(items).map((r) => r.doc.title)).toEqual([
      'The Lantern Post', 'Moonlight Laundromat', 'Kite Street Bakery', 'The Ferry At Small Hours', 'Salt Road Diaries',
    ])
  })

  it('reports progress over both passes, ending at twice the file size', () => {
    const size = Buffer.byteLength(OLD_BLOG)
    const progress = items.flatMap((i) => (i.kind === 'progress' ? [i] : []))
    expect(progress.at(-1)).toEqual({ kind: 'progress', done: size * 2, total: size * 2 })
    const dones = progress.map((p) => p.done)
    expect(dones).toEqual([...dones].sort((a, b) => a - b))
  })

  it('reads the same from one chunk, from strings, and with a known total', async () => {
    const whole = await readText(readFileSync(fixturePath('old-blog.xml')), 'old-blog.xml')
    expect(without(whole, 'progress')).toEqual(without(items, 'progress'))
    const asStrings = await collect(readWxr(async function* () {
      for (let k = 0; k < OLD_BLOG.length; k += 50) yield OLD_BLOG.slice(k, k + 50)
    }, 'old-blog.xml', DEFAULT_SETTINGS))
    expect(without(asStrings, 'progress')).toEqual(without(items, 'progress'))
    const size = Buffer.byteLength(OLD_BLOG)
    const known = await collect(readWxr(() => createReadStream(fixturePath('old-blog.xml')), 'old-blog.xml', DEFAULT_SETTINGS, { totalBytes: size }))
    expect(known.find((i) => i.kind === 'progress')).toMatchObject({ total: size * 2 })
  })
})

describe('readWxr on bad input', () => {
  it('reports every bad field of every post at its line in the XML, and reads on', async () => {
    const text = fixtureText('bad-fields.xml')
    const items = await readFixture('bad-fields.xml')
    expect(issues(items)).toEqual([
      { file: 'bad-fields.xml', line: lineOf(text, 'Origin: Atlantis'), field: 'origin', message: 'unknown country "Atlantis"' },
      { file: 'bad-fields.xml', line: lineOf(text, 'Review Date: 31 February'), field: 'reviewedOn', message: expect.stringMatching(/31/) },
      { file: 'bad-fields.xml', line: lineOf(text, 'Facepalm Meter: lots'), field: 'meter', message: expect.stringContaining('"lots"') },
      // A header table written over several lines: the row's value cell.
      { file: 'bad-fields.xml', line: lineOf(text, '<td>soon</td>'), field: 'year', message: '"soon" is not a year' },
      { file: 'bad-fields.xml', line: lineOf(text, '<p>A trading-floor drama'), field: 'sections', message: expect.stringMatching(/^no section heading matches the rubric/) },
    ])
    expect(reviews(items).map((r) => r.doc.title)).toEqual(['Little Kitchen Of Hualien'])
  })

  it('stops at malformed XML with one issue at the line saxes found it, and yields no review', async () => {
    const text = fixtureText('malformed.xml')
    const items = await readFixture('malformed.xml')
    expect(without(items, 'progress')).toEqual([
      { kind: 'issue', issue: { file: 'malformed.xml', line: lineOf(text, '</wp:stat>'), field: '(xml)', message: expect.stringMatching(/close tag/) } },
    ])
  })

  it('reports a file cut short at its last line', async () => {
    const text = OLD_BLOG.slice(0, OLD_BLOG.indexOf('<title><![CDATA[About]]>'))
    const found = issues(await readText(text, 'cut.xml'))
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ file: 'cut.xml', field: '(xml)', line: text.split('\n').length })
  })

  it('tells a feed or another XML document from a WordPress export', async () => {
    const feed = '<?xml version="1.0"?>\n<rss version="2.0">\n<channel><title>News</title></channel>\n</rss>\n'
    expect(issues(await readText(feed, 'feed.xml'))).toEqual([
      { file: 'feed.xml', line: 2, field: '(file)', message: 'not a WordPress export: <rss> does not declare the WordPress export namespace (xmlns:wp)' },
    ])
    expect(issues(await readText('<?xml version="1.0"?>\n<svg></svg>', 'x.xml'))).toEqual([
      { file: 'x.xml', line: 2, field: '(file)', message: 'not a WordPress export: the document is <svg>, not <rss>' },
    ])
    expect(issues(await readText('', 'empty.xml'))).toMatchObject([{ file: 'empty.xml', line: 1, field: '(xml)' }])
  })

  it('turns a read error into an issue', async () => {
    const failing = async function* () {
      yield OLD_BLOG.slice(0, 2000)
      throw new Error('EIO: i/o error, read')
    }
    const found = await collect(readWxr(failing, 'disk.xml', DEFAULT_SETTINGS))
    expect(without(found, 'progress')).toEqual([
      { kind: 'issue', issue: { file: 'disk.xml', line: expect.any(Number), field: '(file)', message: 'could not be read: EIO: i/o error, read' } },
    ])
  })

  it('never throws on a damaged export: it yields located issues or items', async () => {
    const original = readFileSync(fixturePath('old-blog.xml'))
    const lineCount = OLD_BLOG.split('\n').length
    const damage = fc.oneof(
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('<', '&', ']]>', '<![CDATA[', '</item>', '\u0000') }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(damage, { minLength: 1, maxLength: 3 }), async (damages) => {
        let bytes = Buffer.from(original)
        for (const d of damages) {
          const at = d.at % (bytes.length + 1)
          if (d.kind === 'cut') bytes = bytes.subarray(0, at)
          else if (d.kind === 'flip') {
            bytes = Buffer.from(bytes)
            if (at < bytes.length) bytes[at] = d.byte
          } else bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(d.text), bytes.subarray(at)])
        }
        const items = await readText(bytes, 'damaged.xml')
        for (const item of items) {
          expect(['review', 'skipped', 'issue', 'warning', 'progress', 'self-contained']).toContain(item.kind)
          if (item.kind === 'issue') {
            expect(item.issue.file).toBe('damaged.xml')
            expect(item.issue.line).toBeGreaterThanOrEqual(1)
            expect(item.issue.line).toBeLessThanOrEqual(lineCount + 3)
          }
        }
      }),
      { numRuns: 60 },
    )
  })
})

describe('scanWxr and WxrPostReader, the two halves of readWxr', () => {
  it('says the posts are self-contained, before the first, only when none needs an image fetched', async () => {
    const kinds = (items: ImportItem[]) => items.map((i) => i.kind).filter((k) => k !== 'progress')
    const plain = await readText(wxr([wxrPost({ id: 1, title: 'Plain One' }), wxrPost({ id: 2, title: 'Plain Two' })]))
    expect(kinds(plain)).toEqual(['self-contained', 'review', 'review'])
    // A featured image the export does not have is a warning, not a fetch.
    const missing = await readText(wxr([wxrPost({ id: 3, title: 'No Image', thumbnail: 99 })]))
    expect(kinds(missing)).toEqual(['self-contained', 'warning', 'review'])
    const featured = await readText(wxr([wxrPost({ id: 4, title: 'With Image', thumbnail: 5 }), wxrAttachment(5)]))
    expect(kinds(featured)).toEqual(['review'])
    expect(kinds(await readFixture('old-blog.xml'))).not.toContain('self-contained')
  })

  it('hands over the posts unread, in order, and reads each alike wherever it is read', async () => {
    const units = []
    for await (const unit of scanWxr(() => createReadStream(fixturePath('old-blog.xml'), { highWaterMark: 97 }), 'old-blog.xml', DEFAULT_SETTINGS)) units.push(unit)
    const posts = units.flatMap((u) => (u.kind === 'posts' ? u.posts : []))
    expect(posts.map((p) => p.item.postId)).toEqual(['11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '101', '102', '103'])
    // What a worker thread gets: a copy, sharing nothing with the file's chunks.
    const context = units.find((u) => u.kind === 'posts')!.context
    const reader = new WxrPostReader(structuredClone(context))
    const read = posts.flatMap((p) => reader.read(structuredClone(p)))
    const whole = await readFixture('old-blog.xml')
    expect(read).toEqual(whole.filter((i) => i.kind !== 'progress'))
  })
})

describe('readWxr on details WordPress writes', () => {
  it('decodes entities outside CDATA, keeps non-ASCII, reads a password and an odd status', async () => {
    const xml = wxr([
      wxrPost({ id: 41, title: 'Tom &amp; Jerry&#8217;s 東京 Diary', status: 'publish', password: 'secret' }),
      wxrPost({ id: 42, title: 'Ghost Lantern', status: 'archived' }),
    ])
    const items = await readText(xml)
    expect(reviews(items).map((r) => [r.doc.title, r.doc.status])).toEqual([
      ['Tom & Jerry’s 東京 Diary', 'unpublished'],
      ['Ghost Lantern', 'draft'],
    ])
    expect(warnings(items)).toEqual([
      `inline.xml:${lineOf(xml, '<item>')}: post "Tom & Jerry’s 東京 Diary" was password-protected, imported as unpublished`,
      `inline.xml:${lineOf(xml, '<item>', 2)}: post "Ghost Lantern" has the status "archived", imported as a draft`,
    ])
  })

  it('takes a post title without a dash as the title, and the first line as the hook', async () => {
    const content = 'Year: 2020\nOrigin: Japan\n\nIs it ever too late to learn the violin?\n\nActing – Strings Attached\n\nThe teacher is <em>great</em>.'
    const items = await readText(wxr([wxrPost({ id: 61, title: 'Late Bloomer', content })]))
    expect(reviews(items)[0]!.doc).toMatchObject({
      title: 'Late Bloomer',
      headline: null,
      hook: 'Is it ever too late to learn the violin?',
      sections: [section('Acting', 'Strings Attached', 'The teacher is _great_.')],
    })
  })

  it('tells a review by the site’s own meter name and rubric', async () => {
    const settings: SiteSettings = {
      ...DEFAULT_SETTINGS,
      rubric: ['Plot', 'Cast'],
      meter: { name: 'Tissue Meter', symbol: '🧻', max: 3, direction: 'higher-is-better', unit: 'tissues' },
    }
    const content = 'Year: 2020\nTissue Meter: 🧻🧻\n\nRain Letters – A Weepie\n\nPlot – Wet\n\nSad.\n\nCast – Wetter\n\nSadder.'
    const items = await readText(wxr([wxrPost({ id: 51, title: 'Rain Letters', content })]), 'inline.xml', settings)
    expect(reviews(items)[0]!.doc).toMatchObject({
      meter: { value: 2, max: 3 },
      sections: [section('Plot', 'Wet', 'Sad.'), section('Cast', 'Wetter', 'Sadder.')],
    })
    // With the default settings the same post has no known headings, only one known header line.
    const plain = await readText(wxr([wxrPost({ id: 51, title: 'Rain Letters', content })]))
    expect(skipped(plain).map((s) => s.what)).toEqual(['post "Rain Letters"'])
  })

  it('reads a large export with flat memory', async () => {
    const posts = 10_000
    // A gc() to measure what stays alive rather than what is waiting to be collected.
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    let size = 0
    const open = async function* () {
      yield wxrHead()
      for (let n = 1; n <= posts; n++) {
        const chunk = wxrPost({ id: n, title: `Drama Number ${n}`, thumbnail: n % 10 === 0 ? 100_000 + n : undefined, comments: 2 }) +
          (n % 10 === 0 ? wxrAttachment(100_000 + n) : '')
        yield chunk
      }
      yield wxrTail()
    }
    for await (const chunk of open()) size += Buffer.byteLength(chunk)
    expect(size).toBeGreaterThan(30_000_000)

    gc()
    const baseline = process.memoryUsage().heapUsed
    let peak = 0
    const measure = () => {
      gc()
      peak = Math.max(peak, process.memoryUsage().heapUsed - baseline)
    }
    let count = 0
    let last: ImportedReview | null = null
    let seen = 0
    // What a caller might keep of every item: it must not keep the chunks the item was read from.
    const kept: string[] = []
    for await (const item of readWxr(open, 'big.xml', DEFAULT_SETTINGS)) {
      if (item.kind === 'review') {
        count++
        last = item.review
        kept.push(item.review.doc.source!.url!, item.review.comments[1]!.authorEmail!)
      } else if (item.kind !== 'progress') throw new Error(`unexpected ${JSON.stringify(item)}`)
      // A few points along the read (the file makes some 80 progress items), and its end.
      else if (++seen % 16 === 0) measure()
    }
    measure()
    expect(count).toBe(posts)
    expect(new Set(kept).size).toBe(posts * 2)
    expect(last?.doc.title).toBe(`Drama Number ${posts}`)
    expect(last?.poster).toEqual({ kind: 'wordpress', url: `https://big.example/wp-content/uploads/p${100_000 + posts}.jpg`, path: `p${100_000 + posts}.jpg` })
    expect(last?.comments).toHaveLength(2)
    // Generous: the attachments index and the parser's buffers, nowhere near the file.
    expect(peak).toBeLessThan(size / 4)
  }, 300_000)
})

// Small WXR documents written the way WordPress writes them, for tests that need many posts.

function wxrHead(): string {
  return `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Big Blog</title>
	<link>https://big.example</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://big.example</wp:base_site_url>
	<wp:base_blog_url>https://big.example</wp:base_blog_url>
`
}

function wxrTail(): string {
  return '</channel>\n</rss>\n'
}

function wxr(items: string[]): string {
  return wxrHead() + items.join('') + wxrTail()
}

const FILLER = 'The rain never stops in this town, and neither do the secrets. '.repeat(14)

function wxrPost(p: { id: number; title: string; status?: string; password?: string; content?: string; thumbnail?: number; comments?: number }): string {
  const content = p.content ?? `Year: 2021
Origin: Japan
Facepalm Meter: 🤦🤦

Will anyone ever fix the leaking roof?

${p.title} – A Review In The Rain

${FILLER}

Acting – Soaked But Sincere

<strong>Everyone</strong> is wet and nobody minds. ${FILLER}

Vibes – Drizzle Forever

Grey skies, warm tea.`
  const comments = Array.from({ length: p.comments ?? 0 }, (_, k) => `
		<wp:comment>
			<wp:comment_id>${p.id * 10 + k}</wp:comment_id>
			<wp:comment_author><![CDATA[Reader ${k}]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[reader${k}.of.${p.id}@big.example]]></wp:comment_author_email>
			<wp:comment_author_url></wp:comment_author_url>
			<wp:comment_date><![CDATA[2021-05-0${k + 1} 10:00:00]]></wp:comment_date>
			<wp:comment_date_gmt><![CDATA[2021-05-0${k + 1} 01:00:00]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[Comment ${k} on ${p.title}: so much rain.]]></wp:comment_content>
			<wp:comment_approved><![CDATA[1]]></wp:comment_approved>
			<wp:comment_type><![CDATA[comment]]></wp:comment_type>
			<wp:comment_parent>${k === 0 ? 0 : p.id * 10}</wp:comment_parent>
		</wp:comment>`).join('')
  const thumbnail = p.thumbnail === undefined ? '' : `
		<wp:postmeta>
		<wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key>
		<wp:meta_value><![CDATA[${p.thumbnail}]]></wp:meta_value>
		</wp:postmeta>`
  return `
	<item>
		<title>${p.title}</title>
		<link>https://big.example/?p=${p.id}</link>
		<dc:creator><![CDATA[admin]]></dc:creator>
		<guid isPermaLink="false">https://big.example/?p=${p.id}</guid>
		<description></description>
		<content:encoded><![CDATA[${content}]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>${p.id}</wp:post_id>
		<wp:post_date><![CDATA[2021-05-01 10:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2021-05-01 01:00:00]]></wp:post_date_gmt>
		<wp:status><![CDATA[${p.status ?? 'publish'}]]></wp:status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:post_password><![CDATA[${p.password ?? ''}]]></wp:post_password>
		<category domain="category" nicename="reviews"><![CDATA[Reviews]]></category>${thumbnail}${comments}
	</item>`
}

function wxrAttachment(id: number): string {
  return `
	<item>
		<title><![CDATA[p${id}]]></title>
		<guid isPermaLink="false">https://big.example/wp-content/uploads/p${id}.jpg</guid>
		<excerpt:encoded><![CDATA[Poster ${id}]]></excerpt:encoded>
		<wp:post_id>${id}</wp:post_id>
		<wp:status><![CDATA[inherit]]></wp:status>
		<wp:post_type><![CDATA[attachment]]></wp:post_type>
		<wp:attachment_url><![CDATA[https://big.example/wp-content/uploads/p${id}.jpg]]></wp:attachment_url>
		<wp:postmeta>
		<wp:meta_key><![CDATA[_wp_attached_file]]></wp:meta_key>
		<wp:meta_value><![CDATA[p${id}.jpg]]></wp:meta_value>
		</wp:postmeta>
	</item>`
}

describe('htmlLines: plain block-editor content read without a DOM', () => {
  const resolve = (href: string | null) => href
  const view = (lines: HtmlLine[]) => lines.map((l) => ({ text: l.text, withUrls: l.withUrls, probe: l.probe, prefix: l.prefix, group: l.group, nodes: l.nodes.map((n) => [n.nodeType, n.nodeValue]) }))
  const both = (html: string, newlinesBreak: boolean) => [view(htmlLines(html, resolve, newlinesBreak)), view(htmlLines(html, resolve, newlinesBreak, false))]

  // Text as posts have it, with the characters and references an HTML parser treats specially.
  const text = fc.array(fc.oneof(
    fc.constantFrom('Story', 'Year: 2021', ' ', '  ', '\n', '\t', 'Kim – Lee', '東京', '😀', '>', '&', '& ', '&amp;', '&lt;b&gt;', '&nbsp;',
      '&#8217;', '&#x1F600;', '&#128;', '&#0;', '&#xD800;', '&#65534;', '&AMP;', '&ampx', '&notin;', '&#', '\r', '\u0000', '\u000c', '\u0085', '\ue000', '\u00a0', '--!>', '-->'),
    fc.string({ maxLength: 8 }),
  ), { maxLength: 6 }).map((parts) => parts.join(''))
  const space = fc.constantFrom('', '\n', '\n\n', ' \t\n', '\u00a0', 'loose')
  const attributes = fc.constantFrom('', ' class="has-text-align-center"', " id='a' data-x=\"<b>\"", ' hidden', ' x=unquoted', '/', ' class="a"\n')
  const block = fc.oneof(
    fc.tuple(fc.constantFrom('p', 'P', 'h2', 'h3', 'h6'), attributes, text).map(([tag, attrs, body]) => `<${tag}${attrs}>${body}</${tag}>`),
    fc.constantFrom('<!-- wp:paragraph -->', '<!-- /wp:paragraph -->', '<!-- wp:heading {"level":3} -->', '<!---->', '<!-->', '<!--->', '<!-- a --!> b -->', '<!-- a <!-- b -->', '<!-- unclosed'),
    fc.constantFrom('<p>a <strong>b</strong></p>', '<hr class="wp-block-separator"/>', '<ul><li>x</li></ul>', '<p>open', '</p>', '<br>'),
  )
  const html = fc.array(fc.tuple(space, block), { maxLength: 8 }).chain((blocks) => space.map((end) => blocks.map(([s, b]) => s + b).join('') + end))

  it('finds the lines the DOM walk finds, for any mix of blocks, text and references', () => {
    fc.assert(fc.property(html, fc.boolean(), (source, newlinesBreak) => {
      const [direct, dom] = both(source, newlinesBreak)
      expect(direct).toEqual(dom)
    }), { numRuns: 3000 })
  })

  it('takes the direct path for a block-editor post, and the DOM for anything else', () => {
    const gutenberg = '<!-- wp:paragraph -->\n<p>Year: 2021</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:heading {"level":3} -->\n<h3 class="wp-block-heading">Acting – Strong</h3>\n<!-- /wp:heading -->\n\n<p>Tom &amp; Jerry&#8217;s &nbsp;show</p>\n'
    const lines = htmlLines(gutenberg, resolve, false)
    expect(lines.map((l) => l.text)).toEqual(['Year: 2021', 'Acting – Strong', 'Tom & Jerry’s show'])
    expect(view(lines)).toEqual(view(htmlLines(gutenberg, resolve, false, false)))
    // The direct path's lines carry one text node and no element: the DOM's walk of `<p>` does the same.
    expect(lines.every((l) => l.nodes.length === 1 && l.nodes[0]!.nodeType === 3)).toBe(true)
    // Inline markup needs the DOM: turndown turns it into Markdown.
    const marked = htmlLines('<p>a <em>b</em></p>', resolve, false)
    expect(marked[0]!.nodes.map((n) => n.nodeName)).toEqual(['#text', 'EM'])
  })
})

describe('escapesNothing', () => {
  it('is true only when turndown would escape nothing', () => {
    const td = new TurndownService()
    const piece = fc.oneof(fc.constantFrom('\\', '*', '-', '+ ', '+', '=', '## ', '#', '`', '~~~', '~', '[', ']', '>', '_', '12. ', '3.', ' ', 'a', '\n'), fc.string({ maxLength: 3 }))
    fc.assert(fc.property(fc.array(piece, { maxLength: 6 }).map((p) => p.join('')), (text) => {
      if (escapesNothing(text)) expect(td.escape(text)).toBe(text)
    }), { numRuns: 2000 })
    expect(['plain words.', 'a - b', 'x + y', '2024'].every(escapesNothing)).toBe(true)
    expect(['*bold*', '- item', '1. first', '# head', '> quote', 'snake_case', '[x]'].some(escapesNothing)).toBe(false)
  })
})
