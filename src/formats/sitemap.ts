import { absoluteUrl } from '../domain/structured-data.ts'

/** One page of a sitemap: its site path and, when known, when it last changed (ISO date-time). */
export type SitemapPage = { path: string; lastmod: string | null }

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')

/** A sitemaps.org 0.9 sitemap of the given pages with absolute addresses. */
export function buildSitemap(baseUrl: string, pages: readonly SitemapPage[]): string {
  const urls = pages.map((p) => {
    const time = p.lastmod ? new Date(p.lastmod) : null
    const lastmod = time && !Number.isNaN(time.getTime()) ? `<lastmod>${time.toISOString()}</lastmod>` : ''
    return `  <url><loc>${escapeXml(absoluteUrl(baseUrl, p.path))}</loc>${lastmod}</url>`
  })
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">', ...urls, '</urlset>', ''].join('\n')
}

/** robots.txt: everything may be crawled but the admin side; names the sitemap. */
export function buildRobotsTxt(baseUrl: string): string {
  const admin = new URL(absoluteUrl(baseUrl, '/admin')).pathname
  return ['User-agent: *', 'Allow: /', `Disallow: ${admin}`, '', `Sitemap: ${absoluteUrl(baseUrl, '/sitemap.xml')}`, ''].join('\n')
}
