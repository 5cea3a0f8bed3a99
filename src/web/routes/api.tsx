import { Hono, type Context } from 'hono'
import { DramalogError, NotFoundError } from '../../domain/errors.ts'
import { loadApiReview, loadApiReviews } from '../../services/browse.ts'
import type { Site } from '../../services/site.ts'
import type { AuthEnv } from '../auth.ts'
import { PageCache } from '../page-cache.ts'
import { chromeFor } from '../../pages/public-pages.tsx'

const JSON_TYPE = 'application/json; charset=utf-8'

const STATUS: Partial<Record<DramalogError['code'], 400 | 403 | 404 | 409>> = {
  invalid_input: 400, not_found: 404, forbidden: 403, conflict: 409,
}

/**
 * Serves JSON the way public pages are served: cached by full query and content version, with an
 * ETag, and 304 when the client has the current body. Only successful answers are cached.
 */
function jsonResponder(site: Site) {
  const cache = new PageCache(2000)
  return async function respondJson(c: Context<AuthEnv>, build: () => Promise<unknown>): Promise<Response> {
    const { version } = await site.contentStamp()
    const key = c.req.path + new URL(c.req.url).search
    const cached = cache.get(version, key) ?? cache.set(version, key, 200, `${JSON.stringify(await build(), null, 2)}\n`)
    c.header('ETag', cached.etag)
    c.header('Cache-Control', 'public, max-age=0, must-revalidate')
    c.header('Access-Control-Allow-Origin', '*')
    if (c.req.header('If-None-Match') === cached.etag) return c.body(null, 304)
    return c.body(cached.html, 200, { 'Content-Type': JSON_TYPE })
  }
}

/** The address of the next page of a list: the same query with `page` moved on, absolute when the site's address is known. */
function nextPageUrl(c: Context<AuthEnv>, page: number, baseUrl: string | null): string {
  const url = new URL(c.req.url)
  url.searchParams.set('page', String(page))
  const path = url.pathname + url.search
  return baseUrl ? new URL(path.replace(/^\/+/, ''), baseUrl.replace(/\/?$/, '/')).href : path
}

/**
 * The read API: `GET /api/reviews` (published review documents, filtered, sorted and paginated) and
 * `GET /api/reviews/:slug` (one document). Errors answer JSON `{ "error": "…" }`.
 */
export function apiRoutes(site: Site): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>()
  const respond = jsonResponder(site)

  app.get('/api/reviews', (c) =>
    respond(c, async () => {
      const { settings, list } = await loadApiReviews(site, c.req.queries())
      const baseUrl = chromeFor(site, settings).settings.baseUrl
      return { ...list, next: list.page < list.pageCount ? nextPageUrl(c, list.page + 1, baseUrl) : null }
    }),
  )

  app.get('/api/reviews/:slug', async (c) => {
    const slug = c.req.param('slug')
    if (slug.includes('%')) throw new NotFoundError('review', slug)
    const lower = slug.normalize('NFC').toLowerCase()
    if (lower !== slug) return c.redirect(`/api/reviews/${encodeURIComponent(lower)}`, 301)
    return respond(c, () => loadApiReview(site, slug))
  })

  app.onError((err, c) => {
    const status = err instanceof DramalogError ? STATUS[err.code] : undefined
    if (status === undefined) console.error(`${c.req.method} ${c.req.path} failed:`, err)
    c.header('Cache-Control', 'no-store')
    return c.json({ error: status === undefined ? 'Something went wrong on our side.' : err.message }, status ?? 500)
  })

  return app
}
