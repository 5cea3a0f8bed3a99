import type { Context } from 'hono'
import type { SiteSettings } from '../domain/settings.ts'
import type { Site } from '../services/site.ts'
import { getContentVersion } from '../store/settings.ts'
import type { Chrome } from '../views/layout.tsx'
import { CSS_HREF } from './assets.ts'
import { PageCache } from './page-cache.ts'

/** Serves a public page from the cache, rendering it on a miss; answers 304 when the reader has it. */
export type PageResponder = (c: Context<any>, render: () => Promise<string>) => Promise<Response>

/** One page cache for a site's public pages, keyed on path, page number and content version. */
export function pageResponder(site: Site): PageResponder {
  const cache = new PageCache()
  return async function respond(c, render) {
    const version = await getContentVersion(site.db)
    const key = c.req.path + '?' + (c.req.query('page') ?? '')
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
