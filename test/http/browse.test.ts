import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SiteSettings } from '../../src/domain/settings.ts'
import { exportJson } from '../../src/services/export-reviews.ts'
import { importFiles } from '../../src/services/import-files.ts'
import { openSite, type Site } from '../../src/services/site.ts'
import { getSiteSettings, putSiteSettings } from '../../src/store/settings.ts'
import { createApp } from '../../src/web/app.tsx'
import { importBrowseExtras } from '../helpers/browse-fixtures.ts'
import { demoSite, tempDataDir } from '../helpers/server.ts'

// Browse pages and the read API through the real app on a real SQLite file, in process.
let data: ReturnType<typeof tempDataDir>
let site: Site
let app: ReturnType<typeof createApp>

beforeAll(async () => {
  data = tempDataDir()
  await demoSite(data.dir)
  site = await openSite({ dataDir: data.dir, databaseUrl: null })
  await importBrowseExtras(site, data.dir)
  app = createApp(site)
})
afterAll(async () => {
  await site.close()
  data.remove()
})

const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers })
async function html(path: string): Promise<string> {
  const res = await get(path)
  expect(res.status, path).toBe(200)
  expect(res.headers.get('content-type')).toContain('text/html')
  return res.text()
}
const cardTitles = (page: string) => [...page.matchAll(/<span class="card-title">([^<]+)/g)].map((m) => m[1])
const h1 = (page: string) => /<h1>([\s\S]*?)<\/h1>/.exec(page)?.[1]?.replace(/<[^>]+>/g, '')
const count = (page: string) => /<p class="count">([^<]*)<\/p>/.exec(page)?.[1]

async function withSettings(change: Partial<SiteSettings>, run: () => Promise<void>) {
  const before = await getSiteSettings(site.db)
  await site.db.transaction().execute((trx) => putSiteSettings(trx, { ...before, ...change }))
  try {
    await run()
  } finally {
    await site.db.transaction().execute((trx) => putSiteSettings(trx, before))
  }
}

async function json(path: string, status = 200): Promise<any> {
  const res = await get(path)
  expect(res.status, path).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  return res.json()
}

describe('browse pages', () => {
  it('shows each facet with its heading, count and the home page cards', async () => {
    const pages: [string, string, string, number][] = [
      ['/country/kr', 'Reviews from South Korea', '4 reviews', 4],
      ['/platform/netflix', 'Watched on Netflix', '4 reviews', 4],
      ['/year/2024', 'Dramas from 2024', '2 reviews', 2],
      ['/meter/4', 'Rated 4 of 5 facepalms', '3 reviews', 3],
      ['/tag/thriller', 'Tagged thriller', '3 reviews', 3],
      ['/people/keita-machida', 'Keita Machida: 3 reviews', 'Cast · Director · Writer', 3],
    ]
    for (const [path, heading, countText, cards] of pages) {
      const page = await html(path)
      expect(h1(page), path).toBe(heading)
      expect(count(page), path).toBe(countText)
      expect(page.match(/<li class="card">/g), path).toHaveLength(cards)
      expect(page, path).toContain(`<title>${heading} · Dramalog</title>`)
    }
    const kr = await html('/country/kr')
    expect(cardTitles(kr)).toEqual(['Crown of Reeds', 'Paper Lanterns', 'Nine-Tailed Landlord', 'Winter Persimmons'])
    // The same card markup as the home page.
    const home = await html('/')
    const card = /<li class="card"><a class="card-link" href="\/reviews\/paper-lanterns-season-1">[\s\S]*?<\/li>/
    // Only the loading hint differs: the first cards of a page load eagerly.
    const cardOf = (page: string) => page.match(card)?.[0].replace(/loading="\w+"/, '')
    expect(cardOf(kr)).toBeTruthy()
    expect(cardOf(kr)).toBe(cardOf(home))
    expect(kr).toContain('<p class="kicker"><a href="/country">Countries</a></p>')
  })

  it("shows a person's role in each review", async () => {
    const page = await html('/people/keita-machida')
    expect(cardTitles(page)).toEqual(['Ash Garden', 'Moon Ferry', 'Quiet Lamps'])
    const note = (slug: string) => new RegExp(`href="/reviews/${slug}"[\\s\\S]*?<span class="card-note">([^<]+)</span>`).exec(page)?.[1]
    expect(note('ash-garden')).toBe('Cast')
    expect(note('quiet-lamps')).toBe('Director, Writer')
  })

  it('sorts newest, oldest, best first on the meter and by title', async () => {
    const newest = cardTitles(await html('/country/jp'))
    expect(newest).toHaveLength(5)
    expect(cardTitles(await html('/country/jp?sort=newest'))).toEqual(newest)
    expect(cardTitles(await html('/country/jp/sort/oldest'))).toEqual([...newest].reverse())
    expect(cardTitles(await html('/country/jp/sort/title'))).toEqual(['Ash Garden', 'Class of the Falling Star', 'Moon Ferry', 'Quiet Lamps', 'The Quiet Ward'])
    // The older query spelling serves the same page.
    expect(await html('/country/jp?sort=title')).toBe(await html('/country/jp/sort/title'))
    const best = await html('/country/jp/sort/meter')
    const values = [...best.matchAll(/aria-label="(\d) of 5 facepalms"/g)].map((m) => Number(m[1]))
    expect(values).toEqual([...values].sort((a, b) => a - b))
    expect(cardTitles(best).at(-1)).toBe('Ash Garden') // no meter value: last
    expect(best).toContain('<span aria-current="true">Best first</span>')
    expect(best).toContain('<a href="/country/jp/sort/oldest" rel="nofollow">Oldest</a>')
    expect((await get('/country/jp?sort=best')).status).toBe(404)
    expect((await get('/country/jp/sort/best')).status).toBe(404)
    const newestSpelled = await get('/country/jp/sort/newest')
    expect(newestSpelled.status).toBe(301)
    expect(newestSpelled.headers.get('location')).toBe('/country/jp')
  })

  it('paginates with the sort kept, page 1 canonical, and pages past the end not found', async () => {
    await withSettings({ perPage: 2, baseUrl: 'https://drama.example/' }, async () => {
      const first = await html('/country/jp/sort/title')
      expect(cardTitles(first)).toEqual(['Ash Garden', 'Class of the Falling Star'])
      expect(first).toContain('href="/country/jp/sort/title/page/2"')
      expect(first).toContain('<link rel="canonical" href="https://drama.example/country/jp/sort/title"/>')
      const last = await html('/country/jp/sort/title/page/3')
      expect(cardTitles(last)).toEqual(['The Quiet Ward'])
      expect(last).toContain('aria-current="page">3<')
      expect(last).toContain('<link rel="canonical" href="https://drama.example/country/jp/sort/title/page/3"/>')
      expect(await html('/country/jp?sort=title&page=3')).toBe(last)
      expect(cardTitles(await html('/country/jp/page/2'))).toHaveLength(2)
      for (const path of ['/country/jp/page/4', '/country/jp?page=4', '/country/jp/page/abc', '/country/jp?page=abc', '/country/jp/page/0']) {
        expect((await get(path)).status, path).toBe(404)
      }
      const spelledDefaults: [string, string][] = [
        ['/country/jp?sort=oldest&page=1', '/country/jp/sort/oldest'],
        ['/country/jp/sort/oldest/page/1', '/country/jp/sort/oldest'],
        ['/country/jp?page=1', '/country/jp'],
        ['/country/jp/page/1', '/country/jp'],
      ]
      for (const [from, to] of spelledDefaults) {
        const one = await get(from)
        expect(one.status, from).toBe(301)
        expect(one.headers.get('location'), from).toBe(to)
      }
    })
  })

  it('redirects other spellings to the canonical path, keeping the sort and page', async () => {
    const redirects: [string, string][] = [
      ['/country/KR', '/country/kr'],
      ['/country/korea', '/country/kr'],
      ['/country/south-korea', '/country/kr'],
      ['/country/South%20Korea', '/country/kr'],
      ['/country/KR?sort=oldest&page=2', '/country/kr/sort/oldest/page/2'],
      ['/country/Japan/sort/title/page/2', '/country/jp/sort/title/page/2'],
      ['/platform/Netflix', '/platform/netflix'],
      ['/platform/Prime%20Video', '/platform/prime-video'],
      ['/tag/Slow%20Burn', '/tag/slow-burn'],
      ['/tag/THRILLER', '/tag/thriller'],
      ['/people/Keita-Machida', '/people/keita-machida'],
      ['/people/keita%20machida', '/people/keita-machida'],
      ['/meter/02', '/meter/2'],
    ]
    for (const [from, to] of redirects) {
      const res = await get(from)
      expect(res.status, from).toBe(301)
      expect(res.headers.get('location'), from).toBe(to)
    }
  })

  it('answers the 404 page for values no published review has', async () => {
    for (const path of [
      '/country/fr', '/country/xx', '/country/atlantis', '/platform/hidden-platform', '/platform/nope', '/tag/unreleased', '/tag/nope',
      '/people/nobody-public', '/people/nope', '/year/1999', '/year/abc', '/year/20245', '/meter/6', '/meter/-1', '/tag/%ZZ',
    ]) {
      const res = await get(path)
      expect(res.status, path).toBe(404)
      expect(await res.text(), path).toContain('<h1>Nothing here</h1>')
    }
  })

  it('answers 304 to a reader who has the current page, in any sort', async () => {
    for (const path of ['/country/kr', '/country/kr/sort/title', '/tag', '/people/keita-machida/sort/meter']) {
      const first = await get(path)
      const etag = first.headers.get('etag')
      expect(etag, path).toBeTruthy()
      expect((await get(path, { 'If-None-Match': etag! })).status, path).toBe(304)
    }
    // The sorted variants are cached apart from each other.
    const byTitle = await get('/country/kr/sort/title')
    const oldest = await get('/country/kr/sort/oldest')
    expect(byTitle.headers.get('etag')).not.toBe(oldest.headers.get('etag'))
    expect(cardTitles(await byTitle.text())).not.toEqual(cardTitles(await oldest.text()))
  })
})

describe('index pages', () => {
  const items = (page: string) =>
    [...page.matchAll(/<a class="facet-item" href="([^"]+)">[\s\S]*?<span class="facet-count">(\d+)/g)].map((m) => [m[1], Number(m[2])])

  it('lists every country, platform, tag and person with its count, most first', async () => {
    const countries = await html('/country')
    expect(h1(countries)).toBe('Countries')
    expect(items(countries).slice(0, 2)).toEqual([['/country/jp', 5], ['/country/kr', 4]])
    expect(countries).toContain('<span class="facet-name">Japan <span class="facet-code" aria-hidden="true">JP</span></span>')
    expect(items(await html('/platform'))[0]).toEqual(['/platform/netflix', 4])
    const tags = items(await html('/tag'))
    expect(tags[0]).toEqual(['/tag/romance', 5])
    expect(tags).toContainEqual(['/tag/ferries', 2])
    expect(tags.map(([href]) => href)).not.toContain('/tag/unreleased')
    for (let i = 1; i < tags.length; i++) expect(tags[i - 1]![1]).toBeGreaterThanOrEqual(tags[i]![1] as number)
    const people = await html('/people')
    expect(items(people)[0]).toEqual(['/people/keita-machida', 3])
    expect(people).toContain('<span class="facet-note">Cast, Director, Writer</span>')
  })

  it('lists years newest first and every meter level', async () => {
    const years = items(await html('/year'))
    expect(years[0]).toEqual(['/year/2025', 2])
    expect(years.map(([h]) => h)).toEqual([...years.map(([h]) => h)].sort().reverse())
    const meter = await html('/meter')
    expect(h1(meter)).toBe('Facepalm Meter')
    expect(items(meter).map(([h]) => h)).toEqual(['/meter/0', '/meter/1', '/meter/2', '/meter/3', '/meter/4', '/meter/5'])
  })

  it('puts the sections in the header of every public page', async () => {
    const page = await html('/tag')
    expect(page).toMatch(/<nav class="site-nav" aria-label="Site"><ul>.*Reviews.*Countries.*Platforms.*Tags.*Diary.*<\/ul><\/nav>/)
    expect(page).toContain('<a href="/tag" aria-current="page">Tags</a>')
    expect(await html('/country/kr')).toContain('<a href="/country" aria-current="true">Countries</a>')
    expect(await html('/')).toContain('<a href="/" aria-current="page">Reviews</a>')
  })
})

describe('review page links', () => {
  it('links facts, meter, tags and people to their browse pages', async () => {
    const page = await html('/reviews/paper-lanterns-season-1')
    expect(page).toContain('<dt>Origin</dt><dd><a href="/country/kr">South Korea</a></dd>')
    expect(page).toContain('<dt>Platform</dt><dd><a href="/platform/netflix">Netflix</a></dd>')
    expect(page).toContain('<dt>Year</dt><dd><a href="/year/2024">2024</a></dd>')
    expect(page).toContain('<a class="meter-link" href="/meter/2">')
    expect(page).toContain('<li><a href="/tag/slow-burn">#slow burn</a></li>')
    expect(page).toContain('<a href="/people/yoon-seo-ha">Yoon Seo-ha</a>, <a href="/people/bae-tae-rim">Bae Tae-rim</a>')
    expect(page).toContain('<a href="/people/noh-eun-gyeol">Noh Eun-gyeol</a> (director)')
    // Every link leads somewhere.
    const hrefs = [...page.matchAll(/href="(\/(?:country|platform|year|meter|tag|people)\/[^"]+)"/g)].map((m) => m[1]!)
    expect(hrefs.length).toBeGreaterThan(10)
    for (const href of new Set(hrefs)) expect((await get(href)).status, href).toBe(200)
    // Two credits of one person in one review link to the same page.
    const lamps = await html('/reviews/quiet-lamps')
    expect(lamps).toContain('<a href="/people/keita-machida">Keita Machida</a> (director), <a href="/people/keita-machida">Keita Machida</a> (writer)')
  })
})

describe('read API', () => {
  const published = async () => (JSON.parse(await exportJson(site)) as any[]).filter((d) => d.status === 'published')

  it('returns the review documents the JSON export writes, with paging fields', async () => {
    const body = await json('/api/reviews?perPage=100')
    expect(Object.keys(body)).toEqual(['reviews', 'page', 'perPage', 'total', 'pageCount', 'next'])
    expect(body).toMatchObject({ page: 1, perPage: 100, total: 17, pageCount: 1, next: null })
    const bySlug = (a: any, b: any) => a.slug.localeCompare(b.slug)
    expect(JSON.stringify([...body.reviews].sort(bySlug))).toBe(JSON.stringify((await published()).sort(bySlug)))
    // Newest first by default.
    expect(body.reviews.slice(0, 2).map((d: any) => d.title)).toEqual(['Glass City', 'Ash Garden'])
    const defaults = await json('/api/reviews')
    expect(defaults).toMatchObject({ perPage: 20, total: 17, pageCount: 1 })
  })

  it('filters by country, platform, year, meter, tag and person', async () => {
    const titles = async (q: string) => (await json(`/api/reviews?${q}`)).reviews.map((d: any) => d.title)
    expect(await titles('country=kr')).toEqual(['Crown of Reeds', 'Paper Lanterns', 'Nine-Tailed Landlord', 'Winter Persimmons'])
    expect(await titles('country=KR&platform=netflix')).toEqual(['Paper Lanterns'])
    expect(await titles('year=2024')).toEqual(['Moon Ferry', 'Paper Lanterns'])
    expect(await titles('meter=4&country=jp')).toEqual(['Quiet Lamps'])
    expect(await titles('tag=thriller&sort=title')).toEqual(['Glass City', 'Moon Ferry', 'Paper Lanterns'])
    expect(await titles('person=keita-machida&sort=oldest')).toEqual(['Quiet Lamps', 'Moon Ferry', 'Ash Garden'])
    expect(await titles('tag=no-such-tag')).toEqual([])
  })

  it('pages with a next link that keeps the filters', async () => {
    const first = await json('/api/reviews?country=jp&perPage=2')
    expect(first).toMatchObject({ page: 1, perPage: 2, total: 5, pageCount: 3, next: '/api/reviews?country=jp&perPage=2&page=2' })
    const second = await json(first.next)
    expect(second.next).toBe('/api/reviews?country=jp&perPage=2&page=3')
    const third = await json(second.next)
    expect(third.next).toBeNull()
    expect(third.reviews).toHaveLength(1)
    const all = [...first.reviews, ...second.reviews, ...third.reviews].map((d: any) => d.slug)
    expect(new Set(all).size).toBe(5)
    expect((await json('/api/reviews?country=jp&perPage=2&page=4', 404)).error).toMatch(/page "4"/)
    await withSettings({ baseUrl: 'https://drama.example/' }, async () => {
      expect((await json('/api/reviews?perPage=5')).next).toBe('https://drama.example/api/reviews?perPage=5&page=2')
    })
  })

  it('answers 400 with a JSON error for bad parameters', async () => {
    for (const q of ['country=zz', 'year=soon', 'meter=6', 'meter=-1', 'perPage=101', 'perPage=0', 'page=0', 'page=x', 'sort=best', 'contry=kr', 'year=2024&year=2025', 'tag=%F0%9F%94%A5']) {
      const body = await json(`/api/reviews?${q}`, 400)
      expect(typeof body.error, q).toBe('string')
      expect(body.error.length, q).toBeGreaterThan(5)
    }
    expect((await json('/api/reviews?perPage=101', 400)).error).toBe('perPage must be a whole number from 1 to 100, not "101"')
  })

  it('returns one document, and 404 JSON for missing or unpublished reviews', async () => {
    const doc = await json('/api/reviews/paper-lanterns-season-1')
    expect(JSON.stringify(doc)).toBe(JSON.stringify((await published()).find((d) => d.slug === 'paper-lanterns-season-1')))
    expect((await json('/api/reviews/secret-draft', 404)).error).toBe('review "secret-draft" was not found')
    expect((await json('/api/reviews/no-such-review', 404)).error).toMatch(/not found/)
    const upper = await get('/api/reviews/Paper-Lanterns-Season-1')
    expect(upper.status).toBe(301)
    expect(upper.headers.get('location')).toBe('/api/reviews/paper-lanterns-season-1')
  })

  it('answers 304 with If-None-Match, and changes its ETag when content changes', async () => {
    for (const path of ['/api/reviews?country=kr', '/api/reviews/paper-lanterns-season-1']) {
      const first = await get(path)
      const etag = first.headers.get('etag')!
      expect(etag, path).toMatch(/^W\/"/)
      expect(first.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate')
      const again = await get(path, { 'If-None-Match': etag })
      expect(again.status, path).toBe(304)
      expect(await again.text()).toBe('')
    }
    const before = await get('/api/reviews?country=kr')
    const file = join(data.dir, 'late.json')
    writeFileSync(file, JSON.stringify({ title: 'Late Arrival', year: 2025, origin: 'Korea', reviewedOn: '2025-12-01', intro: 'Hi.' }))
    await importFiles(site, [file])
    const after = await get('/api/reviews?country=kr', { 'If-None-Match': before.headers.get('etag')! })
    expect(after.status).toBe(200)
    const body = await after.json()
    expect(body.total).toBe(5)
    expect(body.reviews[0].title).toBe('Late Arrival')
  })
})
