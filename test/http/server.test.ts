import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, startServer, tempDataDir, type RunningServer } from '../helpers/server.ts'

// One real server process on a real SQLite file, started on an empty data directory so the
// first start loads the demo content exactly as `npm start` does.
let server: RunningServer
const data = tempDataDir()

beforeAll(async () => {
  server = await startServer(data.dir)
}, 120_000)

afterAll(async () => {
  await server?.stop()
  data.remove()
})

const get = (path: string, init?: RequestInit) => fetch(server.url + path, { redirect: 'manual', ...init })
const text = async (path: string) => {
  const res = await get(path)
  expect(res.status, path).toBe(200)
  return res.text()
}
const count = (html: string, re: RegExp) => html.match(re)?.length ?? 0

describe('home page', () => {
  it('lists the demo reviews newest first, twelve per page', async () => {
    const html = await text('/')
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toContain('14 reviews')
    expect(count(html, /<li class="card">/g)).toBe(12)
    const titles = [...html.matchAll(/<span class="card-title">([^<]+)/g)].map((m) => m[1])
    // Newest review date first: Glass City (2025-09-06), then Crown of Reeds (2025-01-11).
    expect(titles.slice(0, 3)).toEqual(['Glass City', 'Crown of Reeds', 'Paper Lanterns'])
    expect(html).toContain('href="/page/2"')
  })

  it('paginates, and refuses pages that do not exist', async () => {
    const page2 = await text('/page/2')
    expect(count(page2, /<li class="card">/g)).toBe(2)
    expect(page2).toContain('aria-current="page">2<')
    // The older query spelling serves the same page.
    expect(await text('/?page=2')).toBe(page2)
    for (const path of ['/page/3', '/?page=3', '/page/abc', '/?page=abc', '/page/0']) expect((await get(path)).status, path).toBe(404)
    for (const path of ['/?page=1', '/page/1']) {
      const one = await get(path)
      expect(one.status, path).toBe(301)
      expect(one.headers.get('location'), path).toBe('/')
    }
  })
})

describe('review page', () => {
  it('shows every field of the house format', async () => {
    const html = await text('/reviews/paper-lanterns-season-1')
    expect(html).toContain('<title>Paper Lanterns – A Quiet Thriller That Burns Slowly · Dramalog</title>')
    expect(html).toContain('<p class="hook">Would you trust a stranger who only ever writes you letters?</p>')
    expect(html).toContain('<span class="headline">A Quiet Thriller That Burns Slowly</span>')
    expect(html).toContain('종이등')
    // Poster with its variants, size and credit line.
    expect(html).toMatch(/<source type="image\/avif" srcset="\/media\/posters\/paper-lanterns-season-1\.w300\.avif 300w, \/media\/posters\/paper-lanterns-season-1\.w600\.avif 600w, \/media\/posters\/paper-lanterns-season-1\.w900\.avif 900w"/)
    expect(html).toMatch(/<img src="\/media\/posters\/paper-lanterns-season-1\.w900\.jpg"[^>]*width="900" height="1350"/)
    expect(html).toContain('<figcaption>Poster generated for the Dramalog demo. Fictional drama.</figcaption>')
    // Facts box.
    // Facts that name a browse page link to it.
    for (const [k, v] of [
      ['Year', '<a href="/year/2024">2024</a>'], ['Origin', '<a href="/country/kr">South Korea</a>'], ['Season', '1'],
      ['Platform', '<a href="/platform/netflix">Netflix</a>'], ['Watch', 'First watch'],
    ]) {
      expect(html).toContain(`<dt>${k}</dt><dd>${v}</dd>`)
    }
    expect(html).toContain('<dt>Reviewed</dt><dd><time datetime="2024-03-17">17 March 2024</time></dd>')
    expect(html).toContain('<span title="Paper Lanterns">AsianWiki</span>')
    // The meter, with its accessible text.
    expect(html).toContain('role="img" aria-label="2 of 5 facepalms"')
    expect(html).toContain('<span class="meter-on" aria-hidden="true">🤦🤦</span><span class="meter-off" aria-hidden="true">🤦🤦🤦</span>')
    // Sections in rubric order, each with aspect and verdict.
    const aspects = [...html.matchAll(/<span class="aspect-name">([^<]+)<\/span>/g)].map((m) => m[1])
    expect(aspects).toEqual(['Story / Writing', 'Acting', 'Originality', 'Vibes', 'Impact'])
    expect(html).toContain('<span class="verdict">Patient, Then Relentless</span>')
    expect(html).toContain('<ul class="tags" aria-label="Tags"><li><a href="/tag/thriller">#thriller</a></li>')
  })

  it('tells a rewatch and a film apart', async () => {
    const rewatch = await text('/reviews/the-quiet-ward-season-1')
    expect(rewatch).toContain('<dt>Watch</dt><dd>Rewatch</dd>')
    expect(rewatch).toContain('aria-label="1 of 5 facepalms"')
    const film = await text('/reviews/winter-persimmons')
    expect(film).not.toContain('<dt>Season</dt>')
    expect(film).toContain('aria-label="0 of 5 facepalms"')
  })

  it('redirects other spellings of a slug and answers 404 with a helpful page', async () => {
    const res = await get('/reviews/Paper-Lanterns-Season-1')
    expect(res.status).toBe(301)
    expect(res.headers.get('location')).toBe('/reviews/paper-lanterns-season-1')
    const missing = await get('/reviews/no-such-review')
    expect(missing.status).toBe(404)
    expect(await missing.text()).toContain('There is no page at <code>/reviews/no-such-review</code>')
  })

  it('answers 304 (ETag or Last-Modified) to a reader who has the current page, with security headers', async () => {
    const first = await get('/reviews/glass-city-season-1')
    const etag = first.headers.get('etag')
    expect(etag).toBeTruthy()
    expect(first.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(first.headers.get('x-content-type-options')).toBe('nosniff')
    const again = await get('/reviews/glass-city-season-1', { headers: { 'If-None-Match': etag! } })
    expect(again.status).toBe(304)
    const modified = first.headers.get('last-modified')!
    expect(Date.parse(modified)).toBeGreaterThan(Date.now() - 3_600_000)
    expect((await get('/reviews/glass-city-season-1', { headers: { 'If-Modified-Since': modified } })).status).toBe(304)
    const before = new Date(Date.parse(modified) - 60_000).toUTCString()
    expect((await get('/reviews/glass-city-season-1', { headers: { 'If-Modified-Since': before } })).status).toBe(200)
    // A reader whose ETag is stale gets the page, whatever its date says.
    expect((await get('/reviews/glass-city-season-1', { headers: { 'If-None-Match': 'W/"old"', 'If-Modified-Since': modified } })).status).toBe(200)
  })
})

describe('compression', () => {
  it('sends brotli or gzip to readers who accept it, and the same page decoded', async () => {
    const { request } = await import('node:http')
    const { brotliDecompressSync, gunzipSync } = await import('node:zlib')
    const raw = (encoding: string) =>
      new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        request(`${server.url}/reviews/paper-lanterns-season-1`, { headers: { 'accept-encoding': encoding } }, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (d: Buffer) => chunks.push(d))
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }))
        }).on('error', reject).end()
      })
    const plain = await raw('identity')
    expect(plain.headers['content-encoding']).toBeUndefined()
    const br = await raw('gzip, br')
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers.vary).toContain('Accept-Encoding')
    expect(br.body.length).toBeLessThan(plain.body.length / 2)
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true)
    const gz = await raw('gzip')
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true)
  })
})

describe('media and assets', () => {
  it('serves posters and the stylesheet, and nothing outside the media folder', async () => {
    const poster = await get('/media/posters/glass-city-season-1.w300.webp')
    expect(poster.status).toBe(200)
    expect(poster.headers.get('content-type')).toBe('image/webp')
    expect((await poster.arrayBuffer()).byteLength).toBeGreaterThan(1000)
    expect((await get('/media/..%2Fdramalog.sqlite')).status).toBe(404)
    expect((await get('/media/posters/nothing.jpg')).status).toBe(404)
    expect((await get('/media/%ZZ.jpg')).status).toBe(404)
    expect((await get('/reviews/%ZZ')).status).toBe(404)
    const html = await text('/')
    const css = /href="(\/assets\/site\.css\?v=\w+)"/.exec(html)![1]!
    const res = await get(css)
    expect(res.headers.get('content-type')).toContain('text/css')
    expect(res.headers.get('cache-control')).toContain('immutable')
  })
})

describe('content changes', () => {
  it('shows a review imported by another process at once', async () => {
    const file = join(data.dir, 'new-review.txt')
    writeFileSync(
      file,
      [
        'Year: 2025', 'Origin: Japan', 'Platform: Netflix', 'First Watch: Yes', 'Review Date: 2025-11-01', 'Facepalm Meter: 🤦',
        '', 'Can a bakery save a marriage?', '', 'Rising Dough – Warm, Small and Worth It', '', 'A short intro.', '',
        'Story / Writing – Kneaded With Care', 'It works.', '', 'Impact – Lingering Like Bread Smell', 'It stays.',
      ].join('\n'),
    )
    const before = await text('/')
    expect(before).not.toContain('Rising Dough')
    const imported = await runCli(['import', file], data.dir)
    expect(imported.stderr).not.toContain('problem')
    expect(imported.code).toBe(0)
    const after = await text('/')
    expect(after).toContain('15 reviews')
    expect(after).toContain('<span class="card-title">Rising Dough')
    expect(await text('/reviews/rising-dough')).toContain('Kneaded With Care')
  })
})
