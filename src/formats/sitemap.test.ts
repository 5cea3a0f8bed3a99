import { describe, expect, it } from 'vitest'
import { childrenNamed, childText, parseXml } from '../../test/helpers/xml.ts'
import { buildRobotsTxt, buildSitemap } from './sitemap.ts'

describe('buildSitemap', () => {
  it('lists absolute, escaped addresses with their last change', () => {
    const xml = buildSitemap('https://dramas.example/blog', [
      { path: '/', lastmod: '2024-04-01T10:00:00.000Z' },
      { path: '/reviews/q%26a', lastmod: '2024-03-17' },
      { path: '/diary?x=1&y=2', lastmod: null },
    ])
    const root = parseXml(xml)
    expect(root.name).toBe('urlset')
    expect(root.attributes.xmlns).toBe('http://www.sitemaps.org/schemas/sitemap/0.9')
    const urls = childrenNamed(root, 'url').map((u) => ({ loc: childText(u, 'loc'), lastmod: childrenNamed(u, 'lastmod').map((l) => l.text) }))
    expect(urls).toEqual([
      { loc: 'https://dramas.example/blog/', lastmod: ['2024-04-01T10:00:00.000Z'] },
      { loc: 'https://dramas.example/blog/reviews/q%26a', lastmod: ['2024-03-17T00:00:00.000Z'] },
      { loc: 'https://dramas.example/blog/diary?x=1&y=2', lastmod: [] },
    ])
  })
})

describe('buildRobotsTxt', () => {
  it('allows everything but the admin side and names the sitemap', () => {
    expect(buildRobotsTxt('https://dramas.example/')).toBe('User-agent: *\nAllow: /\nDisallow: /admin\n\nSitemap: https://dramas.example/sitemap.xml\n')
    expect(buildRobotsTxt('https://dramas.example/blog/')).toContain('Disallow: /blog/admin\n')
  })
})
