import { Hono, type Context } from 'hono'
import { NotFoundError } from '../../domain/errors.ts'
import { buildFeed, FEED_TYPES, type FeedFormat } from '../../formats/feeds.ts'
import { buildRobotsTxt, buildSitemap } from '../../formats/sitemap.ts'
import { loadFeed, loadPublicSettings, loadSitemap, type FeedScope } from '../../services/feeds.ts'
import type { Site } from '../../services/site.ts'
import { isHttps, type AuthEnv } from '../auth.ts'
import { bodyResponder } from '../page-response.ts'
import { chromeFor } from '../../pages/public-pages.tsx'

const SITEMAP_TYPE = 'application/xml; charset=utf-8'
const ROBOTS_TYPE = 'text/plain; charset=utf-8'

/** Atom, RSS and JSON feeds (site-wide, per tag, per country), the sitemap and robots.txt. */
export function feedRoutes(site: Site): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>()
  const respond = bodyResponder(site)

  /**
   * Serves a body built against the site's public address: the configured one (DRAMALOG_BASE_URL,
   * then settings), else the origin the request came to, so links are always absolute. That
   * address is part of the cache key, so a request's Host header only shapes its own answers.
   */
  async function serve(c: Context, contentType: string, render: (baseUrl: string) => Promise<string>): Promise<Response> {
    const configured = chromeFor(site, await loadPublicSettings(site)).settings.baseUrl
    const url = new URL(c.req.url)
    const baseUrl = configured ?? `${isHttps(c) ? 'https:' : url.protocol}//${url.host}/`
    return respond(c, `${baseUrl} ${c.req.path}`, contentType, () => render(baseUrl))
  }

  const feed = (c: Context, scope: FeedScope, format: FeedFormat) =>
    serve(c, FEED_TYPES[format], async (baseUrl) => buildFeed({ ...(await loadFeed(site, scope)), baseUrl, emptyUpdated: new Date() }, format))

  app.get('/feed.xml', (c) => feed(c, { kind: 'site' }, 'atom'))
  app.get('/rss.xml', (c) => feed(c, { kind: 'site' }, 'rss'))
  app.get('/feed.json', (c) => feed(c, { kind: 'site' }, 'json'))

  // Only the exact `…/feed.xml` paths: the browse pages own `/tag/:tag` and `/country/:code`.
  app.get('/tag/:tag/feed.xml', (c) => {
    const tag = lowerParam(c, c.req.param('tag'), (v) => `/tag/${encodeURIComponent(v)}/feed.xml`)
    return typeof tag === 'string' ? feed(c, { kind: 'tag', slug: tag }, 'atom') : tag
  })
  app.get('/country/:code/feed.xml', (c) => {
    const code = lowerParam(c, c.req.param('code'), (v) => `/country/${encodeURIComponent(v)}/feed.xml`)
    return typeof code === 'string' ? feed(c, { kind: 'country', code }, 'atom') : code
  })

  app.get('/sitemap.xml', (c) =>
    serve(c, SITEMAP_TYPE, async (baseUrl) => {
      const { pages } = await loadSitemap(site)
      return buildSitemap(baseUrl, pages)
    }),
  )
  app.get('/robots.txt', (c) => serve(c, ROBOTS_TYPE, async (baseUrl) => buildRobotsTxt(baseUrl)))

  return app
}

/** A path part as written, when it is already lower case; other spellings redirect (301), undecodable ones are not found. */
function lowerParam(c: Context, raw: string, pathOf: (lower: string) => string): string | Response {
  // A part that still holds a % sequence did not decode: nothing has such a name.
  if (raw.includes('%')) throw new NotFoundError('feed', c.req.path)
  const lower = raw.normalize('NFC').toLowerCase()
  return lower === raw ? raw : c.redirect(pathOf(lower), 301)
}
