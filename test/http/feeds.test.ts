import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importFiles } from '../../src/services/import-files.ts'
import { openSite, type Site } from '../../src/services/site.ts'
import { listSlugs } from '../../src/store/reviews.ts'
import { createApp } from '../../src/web/app.tsx'
import { demoSite, tempDataDir } from '../helpers/server.ts'
import { child, childrenNamed, childText, parseXml, type XmlElement } from '../helpers/xml.ts'

// Feeds, sitemap and SEO tags through the real app, in process, on a real SQLite file holding the
// demo reviews, sixteen old fillers and the hostile one (31 published in all, one more than a feed carries), a
// draft, a scheduled review and a review whose title tries to break out of a script element.
const data = tempDataDir()
let site: Site
let app: ReturnType<typeof createApp>
let published: string[]

const ORIGIN = 'http://dramalog.test'
const EVIL_TITLE = 'Evil </script><script>alert(1)</script> & <!-- Show'
const get = (path: string, headers: Record<string, string> = {}, on = app) => on.request(ORIGIN + path, { headers })
async function ok(path: string, type: string, on = app): Promise<{ res: Response; body: string }> {
  const res = await get(path, {}, on)
  expect(res.status, path).toBe(200)
  expect(res.headers.get('content-type'), path).toBe(`${type}; charset=utf-8`)
  return { res, body: await res.text() }
}
const unescapeHtml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&')

beforeAll(async () => {
  await demoSite(data.dir)
  site = await openSite({ dataDir: data.dir, databaseUrl: null })
  const extra = [
    ...Array.from({ length: 16 }, (_, i) => ({
      slug: `filler-${i + 1}`, title: `Filler ${i + 1}`, headline: 'Old News', hook: 'Remember this one?', origin: 'Japan', year: 2001,
      reviewedOn: `2001-01-${String(i + 1).padStart(2, '0')}`, meter: { value: 3, max: 5 }, tags: ['filler'], status: 'published',
    })),
    { slug: 'hidden-draft', title: 'Hidden Draft', headline: 'Not Yet', origin: 'Japan', reviewedOn: '2030-01-01', tags: ['thriller', 'only in drafts'], status: 'draft' },
    { slug: 'future-thing', title: 'Future Thing', origin: 'South Korea', reviewedOn: '2030-01-02', tags: ['thriller'], status: 'scheduled', publishedAt: '2099-01-01T00:00:00Z' },
    {
      slug: 'evil-show', title: EVIL_TITLE, headline: '</SCRIPT >\u2028', hook: 'Is "<b>this</b>" safe?', origin: 'Thailand', year: 2023,
      reviewedOn: '2000-01-01', meter: { value: 4, max: 5 }, tags: ['<tag>'], status: 'published',
    },
  ]
  const file = join(data.dir, 'extra.json')
  writeFileSync(file, JSON.stringify(extra))
  const result = await importFiles(site, [file])
  expect(result).toBeTruthy()
  app = createApp(site)
  published = await listSlugs(site.db, 'published')
}, 120_000)

afterAll(async () => {
  await site?.close()
  data.remove()
})

/** An entry's own address: its link without a `rel` (the others are enclosures). */
const entryLink = (e: XmlElement) => childrenNamed(e, 'link').find((l) => !l.attributes.rel)?.attributes.href
const entryLinks = (feed: XmlElement) => childrenNamed(feed, 'entry').map(entryLink)
const DRAFTS = ['Hidden Draft', 'hidden-draft', 'Future Thing', 'future-thing', 'only in drafts']

describe('site feeds', () => {
  it('serves Atom with the newest 30 published reviews, absolute links from the request origin and full content', async () => {
    expect(published).toHaveLength(31)
    const { res, body } = await ok('/feed.xml', 'application/atom+xml')
    expect(res.headers.get('etag')).toBeTruthy()
    const feed = parseXml(body)
    expect(feed.name).toBe('feed')
    expect(childrenNamed(feed, 'link').map((l) => l.attributes)).toEqual([
      { rel: 'alternate', href: `${ORIGIN}/` },
      { rel: 'self', href: `${ORIGIN}/feed.xml` },
    ])
    const entries = childrenNamed(feed, 'entry')
    expect(entries).toHaveLength(30)
    // Home page order: Glass City (2025-09-06) first; the oldest review (evil-show, 2000) drops off.
    expect(entryLinks(feed)[0]).toBe(`${ORIGIN}/reviews/glass-city-season-1`)
    expect(entryLinks(feed)).not.toContain(`${ORIGIN}/reviews/evil-show`)
    for (const link of entryLinks(feed)) expect(published).toContain(decodeURIComponent(link!.slice(`${ORIGIN}/reviews/`.length)))
    const lanterns = entries.find((e) => entryLink(e) === `${ORIGIN}/reviews/paper-lanterns-season-1`)!
    expect(unescapeHtml(childText(lanterns, 'title'))).toBe('Paper Lanterns – A Quiet Thriller That Burns Slowly')
    expect(childText(lanterns, 'summary')).toBe('Would you trust a stranger who only ever writes you letters?')
    expect(childText(lanterns, 'published')).toBe('2024-03-17T00:00:00.000Z')
    expect(childText(lanterns, 'updated')).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(childText(child(lanterns, 'author'), 'name')).toBe('The Dramalog reviewer')
    expect(childrenNamed(lanterns, 'category').map((c) => c.attributes.label)).toContain('thriller')
    expect(childrenNamed(lanterns, 'link')[1]!.attributes).toMatchObject({ rel: 'enclosure', href: `${ORIGIN}/media/posters/paper-lanterns-season-1.w900.jpg` })
    const content = child(lanterns, 'content').text
    expect(content).toContain('Facepalm Meter: 2 of 5')
    expect(content).toContain('<h2>Story / Writing – Patient, Then Relentless</h2>')
    expect(content).toContain(`<img src="${ORIGIN}/media/posters/paper-lanterns-season-1.w900.jpg"`)
  })

  it('serves RSS 2.0 and JSON Feed 1.1 with the same reviews', async () => {
    const atom = entryLinks(parseXml((await ok('/feed.xml', 'application/atom+xml')).body))
    const rss = parseXml((await ok('/rss.xml', 'application/rss+xml')).body)
    expect(rss.attributes.version).toBe('2.0')
    const items = childrenNamed(child(rss, 'channel'), 'item')
    expect(items.map((i) => childText(i, 'link'))).toEqual(atom)
    for (const item of items) {
      expect(childText(item, 'pubDate')).toMatch(/^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/)
      expect(childText(item, 'content:encoded')).toMatch(/Facepalm Meter: \d of 5/)
    }
    const json = JSON.parse((await ok('/feed.json', 'application/feed+json')).body)
    expect(json.version).toBe('https://jsonfeed.org/version/1.1')
    expect(json.title).toBe('Dramalog')
    expect(json.home_page_url).toBe(`${ORIGIN}/`)
    expect(json.feed_url).toBe(`${ORIGIN}/feed.json`)
    expect(json.authors).toEqual([{ name: 'The Dramalog reviewer', url: `${ORIGIN}/` }])
    expect(json.items.map((i: { url: string }) => i.url)).toEqual(atom)
    for (const item of json.items) {
      expect(typeof item.id).toBe('string')
      expect(item.id).toBe(item.url)
      expect(item.content_html).toMatch(/Facepalm Meter: \d of 5/)
      expect(item.date_published).toMatch(/^\d{4}-\d\d-\d\dT/)
      expect(item.authors).toEqual([{ name: 'The Dramalog reviewer' }])
    }
    expect(json.items[0]).toMatchObject({ title: 'Glass City – A Shiny Thriller That Shatters On Contact', image: `${ORIGIN}/media/posters/glass-city-season-1.w900.jpg` })
  })

  it('never carries drafts or reviews scheduled for later', async () => {
    for (const path of ['/feed.xml', '/rss.xml', '/feed.json', '/tag/thriller/feed.xml', '/country/jp/feed.xml', '/country/kr/feed.xml', '/sitemap.xml']) {
      const body = await (await get(path)).text()
      for (const d of DRAFTS) expect(body, `${path} shows ${d}`).not.toContain(d)
    }
    // A tag that only drafts carry is not found, so its name does not leak.
    expect((await get('/tag/only-in-drafts/feed.xml')).status).toBe(404)
  })

  it('answers 304 to a reader who has the current feed, and a new ETag after a change', async () => {
    for (const path of ['/feed.xml', '/rss.xml', '/feed.json', '/tag/thriller/feed.xml', '/country/kr/feed.xml', '/sitemap.xml']) {
      const first = await get(path)
      const etag = first.headers.get('etag')!
      expect(etag, path).toMatch(/^W\/"/)
      expect(first.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate')
      const again = await get(path, { 'If-None-Match': etag })
      expect(again.status, path).toBe(304)
      expect(await again.text()).toBe('')
      expect((await get(path, { 'If-None-Match': `"other", ${etag}` })).status).toBe(304)
      expect((await get(path, { 'If-None-Match': 'W/"stale"' })).status).toBe(200)
    }
    // Any write bumps the content version: the old ETag no longer matches.
    const before = (await get('/feed.xml')).headers.get('etag')!
    const file = join(data.dir, 'another-draft.json')
    writeFileSync(file, JSON.stringify({ slug: 'hidden-draft-2', title: 'Hidden Draft Two', status: 'draft' }))
    await importFiles(site, [file])
    const after = await get('/feed.xml', { 'If-None-Match': before })
    expect(after.status).toBe(200)
    expect(after.headers.get('etag')).not.toBe(before)
  })

  it('uses the configured public address over the request origin, and keeps origins apart', async () => {
    const configured = createApp({ ...site, baseUrl: 'https://dramas.example/blog' })
    const json = JSON.parse((await ok('/feed.json', 'application/feed+json', configured)).body)
    expect(json.items[0].url).toBe('https://dramas.example/blog/reviews/glass-city-season-1')
    // Without one, each origin gets its own links; one origin's answer is never served to another.
    const a = JSON.parse(await (await app.request('http://a.example/feed.json')).text())
    const b = JSON.parse(await (await app.request('http://b.example/feed.json')).text())
    expect(a.home_page_url).toBe('http://a.example/')
    expect(b.home_page_url).toBe('http://b.example/')
    const proxied = JSON.parse(await (await app.request('http://a.example/feed.json', { headers: { 'x-forwarded-proto': 'https' } })).text())
    expect(proxied.home_page_url).toBe('https://a.example/')
  })
})

describe('tag and country feeds', () => {
  it('carry only the reviews with that tag, and leave the browse pages their paths', async () => {
    const feed = parseXml((await ok('/tag/thriller/feed.xml', 'application/atom+xml')).body)
    expect(childText(feed, 'title')).toBe('Dramalog · #thriller')
    const entries = childrenNamed(feed, 'entry')
    expect(entries.length).toBeGreaterThan(1)
    for (const e of entries) expect(childrenNamed(e, 'category').map((c) => c.attributes.label)).toContain('thriller')
    expect(childrenNamed(feed, 'link').map((l) => l.attributes.href)).toEqual([`${ORIGIN}/tag/thriller`, `${ORIGIN}/tag/thriller/feed.xml`])
    const multi = parseXml((await ok('/tag/slice-of-life/feed.xml', 'application/atom+xml')).body)
    expect(childText(multi, 'title')).toBe('Dramalog · #slice of life')
  })

  it('carry only the reviews from that country', async () => {
    const feed = parseXml((await ok('/country/kr/feed.xml', 'application/atom+xml')).body)
    expect(childText(feed, 'title')).toBe('Dramalog · South Korea')
    const entries = childrenNamed(feed, 'entry')
    expect(entries.length).toBeGreaterThan(1)
    for (const e of entries) expect(child(e, 'content').text).toContain(' · South Korea · ')
    const japan = childrenNamed(parseXml((await ok('/country/jp/feed.xml', 'application/atom+xml')).body), 'entry')
    expect(japan.map(entryLink)).toContain(`${ORIGIN}/reviews/filler-1`)
  })

  it('redirect other spellings and refuse what does not exist', async () => {
    const upper = await get('/country/KR/feed.xml')
    expect(upper.status).toBe(301)
    expect(upper.headers.get('location')).toBe('/country/kr/feed.xml')
    const tag = await get('/tag/Thriller/feed.xml')
    expect(tag.status).toBe(301)
    expect(tag.headers.get('location')).toBe('/tag/thriller/feed.xml')
    for (const path of ['/country/zz/feed.xml', '/country/kor/feed.xml', '/tag/no-such-tag/feed.xml', '/tag/%ZZ/feed.xml']) {
      expect((await get(path)).status, path).toBe(404)
    }
  })
})

describe('sitemap and robots.txt', () => {
  it('lists home, every published review with its last change, and the diary; no drafts', async () => {
    const { body } = await ok('/sitemap.xml', 'application/xml')
    const urls = childrenNamed(parseXml(body), 'url').map((u) => ({ loc: childText(u, 'loc'), lastmod: childrenNamed(u, 'lastmod').map((l) => l.text) }))
    const locs = urls.map((u) => u.loc)
    expect(locs[0]).toBe(`${ORIGIN}/`)
    expect(locs).toContain(`${ORIGIN}/diary`)
    const reviews = urls.filter((u) => u.loc.startsWith(`${ORIGIN}/reviews/`))
    expect(reviews.map((u) => decodeURIComponent(u.loc.slice(`${ORIGIN}/reviews/`.length))).sort()).toEqual([...published].sort())
    for (const r of reviews) expect(r.lastmod[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(locs).toHaveLength(published.length + 2)
  })

  it('robots.txt allows all but the admin side and points at the sitemap', async () => {
    const { body } = await ok('/robots.txt', 'text/plain')
    expect(body.split('\n')).toEqual(['User-agent: *', 'Allow: /', 'Disallow: /admin', '', `Sitemap: ${ORIGIN}/sitemap.xml`, ''])
  })
})

/** Every JSON-LD block of a page, parsed. */
function jsonLd(html: string): Record<string, any>[] {
  return [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]!))
}
/** The content of each `<meta property|name=…>` of a page, by key. */
function meta(html: string): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const m of html.matchAll(/<meta (?:property|name)="([^"]+)" content="([^"]*)"\/?>/g)) (out[m[1]!] ??= []).push(unescapeHtml(m[2]!))
  return out
}
/** Every script element of a page must be a data block or load from 'self': the CSP allows nothing inline. */
function expectNoInlineScript(html: string) {
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    expect(m[1]!.includes('type="application/ld+json"') || (m[1]!.includes('src=') && m[2] === ''), m[0].slice(0, 80)).toBe(true)
  }
}

describe('review pages', () => {
  const configured = () => createApp({ ...site, baseUrl: 'https://dramas.example/' })

  it('carry a schema.org Review of a TV season, with the facepalm meter turned into a 0–5 best-is-5 rating', async () => {
    const res = await get('/reviews/paper-lanterns-season-1', {}, configured())
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    expectNoInlineScript(html)
    const [ld, ...rest] = jsonLd(html)
    expect(rest).toEqual([])
    expect(ld!['@context']).toBe('https://schema.org')
    expect(ld!['@type']).toBe('Review')
    expect(ld!.name).toBe('Paper Lanterns – A Quiet Thriller That Burns Slowly')
    expect(ld!.url).toBe('https://dramas.example/reviews/paper-lanterns-season-1')
    expect(ld!.itemReviewed['@type']).toBe('TVSeries')
    expect(ld!.itemReviewed.name).toBe('Paper Lanterns')
    expect(ld!.itemReviewed.alternateName).toBe('종이등')
    expect(ld!.itemReviewed.countryOfOrigin).toEqual({ '@type': 'Country', name: 'South Korea' })
    expect(ld!.itemReviewed.containsSeason).toEqual({ '@type': 'CreativeWorkSeason', seasonNumber: 1, datePublished: '2024' })
    expect(ld!.itemReviewed.image).toBe('https://dramas.example/media/posters/paper-lanterns-season-1.w900.jpg')
    // 2 of 5 facepalms, lower is better → 3 on a 0–5 scale where 5 is best.
    expect(ld!.reviewRating).toMatchObject({ '@type': 'Rating', ratingValue: 3, bestRating: 5, worstRating: 0 })
    expect(ld!.author).toEqual({ '@type': 'Person', name: 'The Dramalog reviewer' })
    expect(ld!.publisher).toEqual({ '@type': 'Organization', name: 'Dramalog', url: 'https://dramas.example/' })
    expect(ld!.datePublished).toBe('2024-03-17')
    expect(ld!.reviewBody).toBe('Would you trust a stranger who only ever writes you letters?')
  })

  it('describe a film as a Movie, and a zero-facepalm film as the best rating', async () => {
    const html = await (await get('/reviews/winter-persimmons')).text()
    const [ld] = jsonLd(html)
    expect(ld!.itemReviewed['@type']).toBe('Movie')
    expect(ld!.itemReviewed.datePublished).toBe('2017')
    expect(ld!.itemReviewed).not.toHaveProperty('containsSeason')
    expect(ld!.reviewRating).toMatchObject({ ratingValue: 5, bestRating: 5, worstRating: 0 })
  })

  it('carry OpenGraph and Twitter card tags with the absolute poster and its size', async () => {
    const html = await (await get('/reviews/paper-lanterns-season-1', {}, configured())).text()
    const m = meta(html)
    expect(m['og:type']).toEqual(['article'])
    expect(m['og:title']).toEqual(['Paper Lanterns – A Quiet Thriller That Burns Slowly'])
    expect(m['og:description']).toEqual(['Would you trust a stranger who only ever writes you letters?'])
    expect(m['og:url']).toEqual(['https://dramas.example/reviews/paper-lanterns-season-1'])
    expect(m['og:image']).toEqual(['https://dramas.example/media/posters/paper-lanterns-season-1.w900.jpg'])
    expect(m['og:image:width']).toEqual(['900'])
    expect(m['og:image:height']).toEqual(['1350'])
    expect(m['og:site_name']).toEqual(['Dramalog'])
    expect(m['twitter:card']).toEqual(['summary_large_image'])
    expect(html).toContain('<link rel="canonical" href="https://dramas.example/reviews/paper-lanterns-season-1"/>')
  })

  it('keep a hostile title inside its JSON-LD block', async () => {
    const html = await (await get('/reviews/evil-show')).text()
    expectNoInlineScript(html)
    const [ld] = jsonLd(html)
    expect(ld!.itemReviewed.name).toBe(EVIL_TITLE)
    expect(ld!.name).toBe(`${EVIL_TITLE} – </SCRIPT >`)
    expect(ld!.reviewBody).toBe('Is "<b>this</b>" safe?')
    const block = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)![1]!
    expect(block).not.toMatch(/[<>&\u2028\u2029]/)
  })
})

describe('site pages', () => {
  it('link the feeds from the head and carry website cards on the home page', async () => {
    const html = await (await get('/', {}, createApp({ ...site, baseUrl: 'https://dramas.example/' }))).text()
    expect(html).toContain('<link rel="alternate" type="application/atom+xml" title="Dramalog (Atom)" href="/feed.xml"/>')
    expect(html).toContain('<link rel="alternate" type="application/rss+xml" title="Dramalog (RSS)" href="/rss.xml"/>')
    expect(html).toContain('<link rel="alternate" type="application/feed+json" title="Dramalog (JSON Feed)" href="/feed.json"/>')
    const m = meta(html)
    expect(m['og:type']).toEqual(['website'])
    expect(m['og:title']).toEqual(['Dramalog'])
    expect(m['og:url']).toEqual(['https://dramas.example/'])
    expect(m['og:site_name']).toEqual(['Dramalog'])
    expect(m['twitter:card']).toEqual(['summary'])
    expectNoInlineScript(html)
  })
})
