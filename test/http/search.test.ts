import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importFiles } from '../../src/services/import-files.ts'
import { openSite, type Site } from '../../src/services/site.ts'
import { createApp } from '../../src/web/app.tsx'
import { demoSite, tempDataDir } from '../helpers/server.ts'

// /search through the real app on a real SQLite file with the demo reviews, in process.
let data: ReturnType<typeof tempDataDir>
let site: Site
let app: ReturnType<typeof createApp>

beforeAll(async () => {
  data = tempDataDir()
  await demoSite(data.dir)
  site = await openSite({ dataDir: data.dir, databaseUrl: null })
  const file = join(data.dir, 'sneaky.json')
  writeFileSync(
    file,
    JSON.stringify({
      slug: 'marmoset-manor', title: 'Marmoset <b>Manor</b>', year: 2025, origin: 'Japan',
      intro: 'A sneaky marmoset writes <script>alert("marmoset")</script> on the wall & runs.',
      sections: [{ aspect: 'Acting', verdict: 'The <i>Marmoset</i> Steals It', body: 'Every marmoset scene is a delight.' }],
    }),
  )
  await importFiles(site, [file])
  app = createApp(site)
})
afterAll(async () => {
  await site.close()
  data.remove()
})

async function get(path: string) {
  const res = await app.request(path)
  return { res, html: await res.text() }
}

/** Review slugs linked from result titles, in page order. */
const resultSlugs = (html: string) => [...html.matchAll(/<h2 class="hit-title"><a href="\/reviews\/([^"]+)"/g)].map((m) => m[1])

describe('the search page', () => {
  it('asks for something to search when nothing was typed, without caching', async () => {
    const { res, html } = await get('/search')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(html).toContain('Type something to search')
    expect(html).toMatch(/<label for="search-q">Search reviews<\/label>/)
    expect(html).toMatch(/<input id="search-q" type="search" name="q" value=""/)
    for (const name of ['country', 'platform', 'year', 'meter']) expect(html).toContain(`<select id="search-${name}" name="${name}">`)
    expect(html).toContain('<option value="kr">South Korea</option>')
  })

  it('lists matches best first with the matches marked', async () => {
    const { res, html } = await get('/search?q=lantern')
    expect(res.status).toBe(200)
    expect(resultSlugs(html)[0]).toBe('paper-lanterns-season-1')
    expect(html).toContain('3 reviews')
    expect(html).toContain('Paper <mark>Lanterns</mark>')
    expect(html).toContain('by <mark>lantern</mark> light')
    // The section a match is in is named.
    expect(html).toMatch(/<span class="hit-aspect">Story \/ Writing<\/span> · Brilliant Premise, Bloated Middle/)
    expect(html).toContain('value="lantern"')
  })

  it('marks CJK substrings', async () => {
    const { html } = await get(`/search?q=${encodeURIComponent('종이')}`)
    expect(resultSlugs(html)).toEqual(['paper-lanterns-season-1'])
    expect(html).toContain('<mark>종이</mark>등')
  })

  it('escapes review text around the marks', async () => {
    const { html } = await get('/search?q=marmoset')
    expect(resultSlugs(html)).toEqual(['marmoset-manor'])
    expect(html).not.toContain('<script>alert')
    expect(html).not.toContain('<b>Manor')
    expect(html).toContain('<mark>Marmoset</mark> &lt;b&gt;Manor&lt;/b&gt;')
    // Markdown's typographer curls the quotes; the tags stay text.
    expect(html).toContain('&lt;script&gt;alert(“<mark>marmoset</mark>”)&lt;/script&gt; on the wall &amp; runs.')
    const verdict = await get('/search?q=steals')
    expect(verdict.html).toContain('The &lt;i&gt;Marmoset&lt;/i&gt; <mark>Steals</mark> It')
  })

  it('escapes the query wherever it is shown', async () => {
    const { html } = await get(`/search?q=${encodeURIComponent('"><script>x</script> lantern')}`)
    expect(html).not.toContain('<script>x')
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;')
  })

  it('applies the filters and keeps them selected', async () => {
    const { html } = await get('/search?q=the&country=kr')
    const slugs = resultSlugs(html)
    expect(slugs).toContain('paper-lanterns-season-1')
    expect(slugs).not.toContain('the-quiet-ward-season-1')
    expect(html).toMatch(/<option value="kr" selected="">South Korea<\/option>/)
    expect(html).toContain('in South Korea')
    expect(html).toContain('href="/search?q=the">Clear filters</a>')
    const netflix2024 = await get('/search?q=the&platform=netflix&year=2024&meter=2')
    expect(resultSlugs(netflix2024.html)).toEqual(['paper-lanterns-season-1'])
    const filtersOnly = await get('/search?country=jp')
    expect(resultSlugs(filtersOnly.html).sort()).toEqual(['class-of-the-falling-star-season-1', 'marmoset-manor', 'the-quiet-ward-season-1'])
  })

  it('ignores filter values it cannot read', async () => {
    const odd = await get('/search?q=gumiho&country=Korea!&year=twenty&meter=-1&platform=%3Cb%3E')
    expect(odd.res.status).toBe(200)
    expect(resultSlugs(odd.html)).toEqual(['nine-tailed-landlord-season-1'])
  })

  it('pages through results, keeping the query and filters', async () => {
    const first = await get('/search?q=the')
    const all = Number(/(\d+) reviews/.exec(first.html)?.[1])
    expect(all).toBeGreaterThan(12)
    expect(resultSlugs(first.html)).toHaveLength(12)
    expect(first.html).toContain('href="/search?q=the&amp;page=2" rel="next"')
    const second = await get('/search?q=the&page=2')
    expect(resultSlugs(second.html)).toHaveLength(all - 12)
    expect(second.html).toContain('<span aria-current="page">2</span>')
    expect(second.html).toContain('href="/search?q=the" rel="prev"')
    expect(resultSlugs(second.html).filter((s) => resultSlugs(first.html).includes(s))).toEqual([])
    const past = await get('/search?q=the&page=99')
    expect(past.res.status).toBe(200)
    expect(resultSlugs(past.html)).toEqual(resultSlugs(second.html))
  })

  it('suggests what to do when nothing matches', async () => {
    const { html } = await get('/search?q=zzyzzx&country=kr')
    expect(html).toContain('No reviews')
    expect(html).toContain('Nothing found')
    expect(html).toContain('<a href="/search?q=zzyzzx">Search again without filters</a>')
  })

  it('answers 200 to any query, however odd', async () => {
    const queries = [
      '"', '""', '"unclosed phrase', 'a OR', 'OR', 'OR OR OR', '-', '--', '-"', '-lantern', '*', 'lan*', ':', 'title:x', '()', '(', ')',
      'NEAR(a b)', 'NEAR', 'AND', 'NOT', '^lantern', '{title}: x', '+', '🤦🏻‍♂️', '🔥🔥', '。', '…', '\\', "'", '%', '&', '<', 'a'.repeat(5000),
      '종', '病棟 OR "", -종이', '\u0000', '\u0002x\u0003',
    ]
    for (const q of queries) {
      const { res, html } = await get(`/search?q=${encodeURIComponent(q)}&page=1`)
      expect(res.status, q).toBe(200)
      expect(html, q).toContain('</html>')
    }
    // Raw query strings: broken percent-encoding, invalid UTF-8, an encoded lone surrogate.
    for (const raw of ['%', '%E0%A4%A', '%FF', '%00', '%ED%A0%80', '%22%22%22(NEAR*:', 'a&q=b', '']) {
      const res = await app.request(`/search?q=${raw}&page=abc&year=%FF`)
      expect(res.status, raw).toBe(200)
    }
  })

  it('shows a friendly prompt for text with nothing to search for', async () => {
    const { html } = await get(`/search?q=${encodeURIComponent('!!! ??? -lantern')}`)
    expect(html).toContain('Nothing to search for in that')
    expect(resultSlugs(html)).toEqual([])
  })
})

describe('the header search box', () => {
  it('is a plain GET form to /search on public pages', async () => {
    const { html } = await get('/')
    expect(html).toMatch(/<form class="header-search" action="\/search" method="get" role="search">/)
    expect(html).toMatch(/<label class="header-search-label" for="header-search-q"[^>]*>[\s\S]*Search reviews<\/span><\/label>/)
    expect(html).toContain('<input id="header-search-q" type="search" name="q"')
  })
})
