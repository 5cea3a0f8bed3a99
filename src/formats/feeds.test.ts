import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { lineText } from '../../test/arbitraries.ts'
import { child, childrenNamed, childText, parseXml, type XmlElement } from '../../test/helpers/xml.ts'
import type { ReviewRecord } from '../domain/records.ts'
import { ReviewDocument, type ReviewDocumentInput } from '../domain/review.ts'
import { DEFAULT_SETTINGS } from '../domain/settings.ts'
import { buildFeed, reviewFeedHtml, type FeedSource } from './feeds.ts'
import { renderMarkdown } from './markdown-html.ts'

function record(slug: string, input: Partial<ReviewDocumentInput> = {}, updatedAt = '2024-04-01T10:00:00.000Z'): ReviewRecord {
  const doc = ReviewDocument.parse({
    title: 'Paper Lanterns', nativeTitle: '종이등', year: 2024, origin: 'Korea', season: 1, platform: 'Netflix', firstWatch: true,
    reviewedOn: '2024-03-17', meter: { value: 2, max: 5 }, hook: 'Would you trust a stranger?', headline: 'A Quiet Thriller',
    intro: 'An intro with [another review](/reviews/other) in it.',
    sections: [
      { aspect: 'Story / Writing', verdict: 'Patient, Then Relentless', body: 'It *burns* slowly.' },
      { aspect: 'Acting', verdict: 'Great', body: 'The twist comes late.', spoiler: true, score: 9, scoreMax: 10 },
    ],
    poster: { src: `/media/posters/${slug}.w900.jpg`, credit: 'Demo poster', alt: null }, tags: ['thriller', 'slow burn'],
    author: 'Mira Chen', publishedAt: '2024-03-18T08:30:00Z', ...input,
  })
  return {
    id: 1, revision: 1, authorId: null, createdAt: '2024-03-18T08:00:00.000Z', updatedAt,
    doc: { ...doc, slug }, originCode: 'KR', introHtml: renderMarkdown(doc.intro), sectionHtml: doc.sections.map((s) => renderMarkdown(s.body)),
    posterImage: { width: 900, height: 1350, color: null },
  }
}

const source = (records: ReviewRecord[], over: Partial<FeedSource> = {}): FeedSource => ({
  settings: DEFAULT_SETTINGS, baseUrl: 'https://dramas.example/', label: null, homePath: '/',
  feedPaths: { atom: '/feed.xml', rss: '/rss.xml', json: '/feed.json' }, records, emptyUpdated: new Date('2020-01-01T00:00:00Z'), ...over,
})

const unescapeHtml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&')
const TWO = [record('paper-lanterns-season-1'), record('winter-persimmons', { title: 'Winter Persimmons', season: null, headline: null }, '2024-05-01T00:00:00.000Z')]

describe('Atom', () => {
  it('lists every review with absolute links, HTML content, dates, author, tags and poster', () => {
    const feed = parseXml(buildFeed(source(TWO), 'atom'))
    expect(feed.name).toBe('feed')
    expect(feed.attributes.xmlns).toBe('http://www.w3.org/2005/Atom')
    expect(childText(feed, 'id')).toBe('https://dramas.example/feed.xml')
    expect(childText(feed, 'title')).toBe('Dramalog')
    expect(childText(feed, 'updated')).toBe('2024-05-01T00:00:00.000Z')
    expect(childrenNamed(feed, 'link').map((l) => l.attributes)).toEqual([
      { rel: 'alternate', href: 'https://dramas.example/' },
      { rel: 'self', href: 'https://dramas.example/feed.xml' },
    ])
    const [first, second] = childrenNamed(feed, 'entry') as [XmlElement, XmlElement]
    expect(childrenNamed(feed, 'entry')).toHaveLength(2)
    expect(unescapeHtml(childText(first, 'title'))).toBe('Paper Lanterns – A Quiet Thriller')
    expect(unescapeHtml(childText(second, 'title'))).toBe('Winter Persimmons')
    expect(childText(first, 'id')).toBe('https://dramas.example/reviews/paper-lanterns-season-1')
    const links = childrenNamed(first, 'link').map((l) => l.attributes)
    expect(links[0]).toEqual({ href: 'https://dramas.example/reviews/paper-lanterns-season-1' })
    expect(links[1]).toMatchObject({ rel: 'enclosure', href: 'https://dramas.example/media/posters/paper-lanterns-season-1.w900.jpg' })
    expect(childText(first, 'published')).toBe('2024-03-18T08:30:00.000Z')
    expect(childText(first, 'updated')).toBe('2024-04-01T10:00:00.000Z')
    expect(child(first, 'summary').attributes.type).toBe('html')
    expect(childText(first, 'summary')).toBe('Would you trust a stranger?')
    expect(childText(child(first, 'author'), 'name')).toBe('Mira Chen')
    expect(childrenNamed(first, 'category').map((c) => c.attributes)).toEqual([
      { label: 'thriller', term: 'thriller' },
      { label: 'slow burn', term: 'slow-burn' },
    ])
    const content = child(first, 'content')
    expect(content.attributes.type).toBe('html')
    expect(content.text).toContain('<h2>Story / Writing – Patient, Then Relentless</h2>')
    expect(content.text).toContain('<h2>Acting – Great</h2>')
    expect(content.text).toContain('Facepalm Meter: 2 of 5')
    expect(content.text).toContain('<em>burns</em>')
  })

  it('names its scope for tag and country feeds', () => {
    const feed = parseXml(buildFeed(source(TWO, { label: '#thriller', homePath: '/tag/thriller', feedPaths: { atom: '/tag/thriller/feed.xml' } }), 'atom'))
    expect(childText(feed, 'title')).toBe('Dramalog · #thriller')
    expect(childText(feed, 'id')).toBe('https://dramas.example/tag/thriller/feed.xml')
    expect(childrenNamed(feed, 'link').map((l) => l.attributes.href)).toEqual(['https://dramas.example/tag/thriller', 'https://dramas.example/tag/thriller/feed.xml'])
  })

  it('dates an empty feed with the time it was given', () => {
    const feed = parseXml(buildFeed(source([]), 'atom'))
    expect(childrenNamed(feed, 'entry')).toEqual([])
    expect(childText(feed, 'updated')).toBe('2020-01-01T00:00:00.000Z')
  })
})

describe('RSS 2.0', () => {
  it('lists every review with permalinks, dates, creator, categories and a typed poster enclosure', () => {
    const rss = parseXml(buildFeed(source(TWO), 'rss'))
    expect(rss.name).toBe('rss')
    expect(rss.attributes.version).toBe('2.0')
    const channel = child(rss, 'channel')
    expect(childText(channel, 'link')).toBe('https://dramas.example/')
    expect(child(channel, 'atom:link').attributes).toEqual({ href: 'https://dramas.example/rss.xml', rel: 'self', type: 'application/rss+xml' })
    const [item] = childrenNamed(channel, 'item') as [XmlElement]
    expect(childrenNamed(channel, 'item')).toHaveLength(2)
    expect(unescapeHtml(childText(item, 'title'))).toBe('Paper Lanterns – A Quiet Thriller')
    expect(childText(item, 'link')).toBe('https://dramas.example/reviews/paper-lanterns-season-1')
    expect(child(item, 'guid').attributes.isPermaLink).toBe('true')
    expect(childText(item, 'guid')).toBe('https://dramas.example/reviews/paper-lanterns-season-1')
    expect(childText(item, 'pubDate')).toBe('Mon, 18 Mar 2024 08:30:00 GMT')
    expect(childText(item, 'dc:creator')).toBe('Mira Chen')
    expect(childrenNamed(item, 'author')).toEqual([])
    expect(childrenNamed(item, 'category').map((c) => c.text)).toEqual(['thriller', 'slow burn'])
    expect(child(item, 'enclosure').attributes).toEqual({
      url: 'https://dramas.example/media/posters/paper-lanterns-season-1.w900.jpg', type: 'image/jpeg', length: '0',
    })
    expect(childText(item, 'content:encoded')).toContain('<h2>Acting – Great</h2>')
  })
})

describe('JSON Feed 1.1', () => {
  it('has the 1.1 shape: version, authors, items with id, url and content_html', () => {
    const json = JSON.parse(buildFeed(source(TWO), 'json'))
    expect(json).toMatchObject({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Dramalog',
      home_page_url: 'https://dramas.example/',
      feed_url: 'https://dramas.example/feed.json',
      language: 'en',
      authors: [{ name: 'The Dramalog reviewer', url: 'https://dramas.example/' }],
    })
    expect(json.items).toHaveLength(2)
    const [item] = json.items
    expect(item).toMatchObject({
      id: 'https://dramas.example/reviews/paper-lanterns-season-1',
      url: 'https://dramas.example/reviews/paper-lanterns-season-1',
      title: 'Paper Lanterns – A Quiet Thriller',
      summary: 'Would you trust a stranger?',
      image: 'https://dramas.example/media/posters/paper-lanterns-season-1.w900.jpg',
      date_published: '2024-03-18T08:30:00.000Z',
      date_modified: '2024-04-01T10:00:00.000Z',
      authors: [{ name: 'Mira Chen' }],
      tags: ['thriller', 'slow burn'],
    })
    expect(item.content_html).toContain('<h2>Story / Writing – Patient, Then Relentless</h2>')
    for (const i of json.items) {
      expect(typeof i.id).toBe('string')
      expect(typeof i.content_html).toBe('string')
    }
  })
})

describe('review HTML in feeds', () => {
  it('shows the meter as text, facts, warnings on spoilers and absolute links', () => {
    const html = reviewFeedHtml(record('paper-lanterns-season-1'), DEFAULT_SETTINGS, 'https://dramas.example/blog/')
    expect(html).toContain('<strong>Facepalm Meter: 2 of 5</strong>')
    expect(html).toContain('(2 of 5 facepalms, lower is better)')
    expect(html).toContain('종이등 · 2024 · South Korea · Season 1 · Netflix · First watch')
    expect(html).toContain('<a href="https://dramas.example/blog/reviews/other">another review</a>')
    expect(html).toContain('<img src="https://dramas.example/blog/media/posters/paper-lanterns-season-1.w900.jpg" alt="Poster for Paper Lanterns" width="900" height="1350">')
    expect(html).toMatch(/<h2>Acting – Great<\/h2>\n<p><strong>Score: 9\/10<\/strong><\/p>\n<p><strong>Spoiler warning:<\/strong>/)
    expect(html.indexOf('<h2>Story')).toBeLessThan(html.indexOf('<h2>Acting'))
  })
})

describe('hostile text', () => {
  const nasty = '</script> & <b>"Q&A"</b> ]]> and ]]> again \u0001'
  const visible = nasty.replace('\u0001', '')
  const hostile = record('nasty', {
    title: nasty, headline: ']]>', hook: nasty, tags: ['<tag>', 'a"b&c', ']]>'], author: nasty,
    sections: [{ aspect: 'Acting', verdict: nasty, body: 'Code: `]]>` and `]]>`' }],
  })

  it('stays well-formed XML and keeps the text', () => {
    for (const format of ['atom', 'rss'] as const) {
      const root = parseXml(buildFeed(source([hostile]), format))
      const entry = format === 'atom' ? child(root, 'entry') : child(child(root, 'channel'), 'item')
      expect(unescapeHtml(childText(entry, 'title'))).toBe(`${visible} – ]]>`)
    }
    const json = JSON.parse(buildFeed(source([hostile]), 'json'))
    // XML cannot carry U+0001, so no format does: the same text everywhere.
    expect(json.items[0].title).toBe(`${visible} – ]]>`)
  })

  it('stays well-formed for any one-line text', () => {
    fc.assert(
      fc.property(lineText(200), lineText(60), lineText(120), (title, tag, author) => {
        const r = record('any', { title, headline: title, hook: title, tags: [tag], author, sections: [{ aspect: 'Vibes', verdict: title, body: title }] })
        for (const format of ['atom', 'rss'] as const) parseXml(buildFeed(source([r]), format))
        expect(JSON.parse(buildFeed(source([r]), 'json')).items[0].tags).toEqual([tag.trim()])
      }),
      { numRuns: 60 },
    )
  })
})
