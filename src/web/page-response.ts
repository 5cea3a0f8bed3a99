import type { Context } from 'hono'
import type { SiteSettings } from '../domain/settings.ts'
import type { Site } from '../services/site.ts'
import { getContentVersion } from '../store/settings.ts'
import type { Chrome } from '../views/layout.tsx'
import { CSS_HREF } from './assets.ts'
import { PageCache } from './page-cache.ts'

/** Serves a public page from the cache, rendering it on a miss; answers 304 when the reader has it. */
export type PageResponder = (c: Context<any>, render: () => Promise<string>) => Promise<Response>

/** One page cache for a site's public pages, keyed on path, page number, sort order and content version. */
export function pageResponder(site: Site): PageResponder {
  const cache = new PageCache()
  return async function respond(c, render) {
    const version = await getContentVersion(site.db)
    // Only the parameters pages read are in the key; any other query string shares the page.
    const key = `${c.req.path}?${c.req.query('page') ?? ''}&${c.req.query('sort') ?? ''}`
    const page = cache.get(version, key) ?? cache.set(version, key, 200, await render())
    c.header('ETag', page.etag)
    c.header('Cache-Control', 'public, max-age=0, must-revalidate')
    if (c.req.header('If-None-Match') === page.etag) return c.body(null, 304)
    return c.html(page.html, page.status as 200)
  }
}

/** What every page needs: settings (with the configured public address) and the stylesheet. */
export function chromeFor(site: Site, settings: SiteSettings): Chrome {
  return { settings: site.baseUrl ? { ...settings, baseUrl: site.baseUrl } : settings, cssHref: CSS_HREF }
}

/** Serves a public non-HTML body (feeds, sitemap) from the cache under `key`; answers 304 when the reader has it. */
export type BodyResponder = (c: Context<any>, key: string, contentType: string, render: () => Promise<string>) => Promise<Response>

/**
 * One cache for a site's public non-HTML bodies, invalidated by content version like pages. The
 * key must hold everything the body depends on (path, and the public address when it comes from
 * the request), so one reader's Host header never shapes what another is served.
 */
export function bodyResponder(site: Site): BodyResponder {
  const cache = new PageCache()
  return async function respondWithBody(c, key, contentType, render) {
    const version = await getContentVersion(site.db)
    const body = cache.get(version, key) ?? cache.set(version, key, 200, await render())
    c.header('ETag', body.etag)
    c.header('Cache-Control', 'public, max-age=0, must-revalidate')
    c.header('Content-Type', contentType)
    const wanted = c.req.header('If-None-Match')
    if (wanted && (wanted.trim() === '*' || wanted.split(',').some((tag) => tag.trim() === body.etag))) return c.body(null, 304)
    return c.body(body.html, 200)
  }
}
