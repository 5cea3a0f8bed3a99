import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { Hono, type Context } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import { DramalogError, NotFoundError } from '../domain/errors.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { loadHomePage, loadReviewPage } from '../services/pages.ts'
import type { Site } from '../services/site.ts'
import { getSiteSettings } from '../store/settings.ts'
import type { Chrome } from '../views/layout.tsx'
import { pageNumber, pageResponder } from './page-response.ts'
import { chromeFor, renderHomePage, renderNotFoundPage, renderReviewPage } from '../pages/public-pages.tsx'
import { pagedHref } from '../views/components.tsx'
import { compression } from './compression.ts'
import { ADMIN_JS, ADMIN_JS_HREF, ADMIN_JS_VERSION, CSS, CSS_HREF, CSS_VERSION } from '../pages/assets.ts'
import { csrfGuard, sessionMiddleware, type AuthEnv } from './auth.ts'
import { requestSizeLimit } from './request-limits.ts'
import { siteTranslator } from './site-language.ts'
import { adminAuthRoutes } from './routes/admin-auth.tsx'
import { adminImportRoutes, importUploadLimit } from './routes/admin-import.tsx'
import { adminReviewRoutes } from './routes/admin-reviews.tsx'
import { adminSettingsRoutes } from './routes/admin-settings.tsx'
import { commentRoutes } from './routes/comments.tsx'
import { diaryRoutes } from './routes/diary.tsx'
import { listRoutes } from './routes/lists.tsx'
import { searchRoutes } from './routes/search.tsx'
import { feedRoutes } from './routes/feeds.tsx'
import { browseRoutes } from './routes/browse.tsx'
import { apiRoutes } from './routes/api.tsx'
import { activityPubRoutes } from './routes/activitypub.tsx'
import { adminFediverseRoutes } from './routes/admin-fediverse.tsx'
import { adminNewsletterRoutes } from './routes/admin-newsletter.tsx'
import { newsletterRoutes } from './routes/newsletter.tsx'

export { CSS_HREF, ADMIN_JS_HREF }

const MEDIA_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.avif': 'image/avif', '.gif': 'image/gif',
}

const STATUS: Record<DramalogError['code'], 400 | 403 | 404 | 409 | 422 | 500> = {
  not_found: 404, conflict: 409, forbidden: 403, invalid_input: 422, internal: 500,
}

/** True for the error Node gives when the request's connection closed before its body was read. */
const isClientAbort = (err: Error) => err.message === 'aborted' && (err as NodeJS.ErrnoException).code === 'ECONNRESET'

/** Builds the web application for a site. Routes stay thin: parse, call a service, render a view. */
export function createApp(site: Site): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>()

  app.use(compression())
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        // Imported reviews may point at posters on other https sites.
        imgSrc: ["'self'", 'data:', 'https:'],
        styleSrc: ["'self'"],
        // Poster placeholders set their background colour in a style attribute.
        styleSrcAttr: ["'unsafe-inline'"],
        scriptSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: 'strict-origin-when-cross-origin',
      // A route's own choice wins (posters may be shown by other sites, pages with a token leak no referrer).
      overwrite: false,
    }),
  )

  app.use(requestSizeLimit(() => siteTranslator(site)))

  const chromeOf = (settings: SiteSettings): Chrome => chromeFor(site, settings)
  const page = pageResponder(site)
  const chrome = async (): Promise<Chrome> => chromeOf(await getSiteSettings(site.db))

  // Sessions and CSRF checks belong to the admin side; public pages set no cookies, so caches can share them.
  app.use('/admin/*', sessionMiddleware(site))
  app.use('/admin', sessionMiddleware(site))
  // Ahead of the CSRF guard, which reads form bodies: an oversized upload is refused unread.
  app.use('/admin/import', importUploadLimit(site))
  app.use('/admin/*', csrfGuard)
  app.route('/', adminAuthRoutes(site, chrome))
  app.route('/', adminReviewRoutes(site))
  app.route('/', adminSettingsRoutes(site))
  app.route('/', adminImportRoutes(site))
  app.route('/', diaryRoutes(site, page))
  app.route('/', listRoutes(site, page))
  app.route('/', searchRoutes(site))
  app.route('/', commentRoutes(site))
  app.route('/', newsletterRoutes(site))
  app.route('/', feedRoutes(site))
  app.route('/', browseRoutes(site, page))
  app.route('/', apiRoutes(site))
  app.route('/', activityPubRoutes(site))
  app.route('/', adminFediverseRoutes(site))
  app.route('/', adminNewsletterRoutes(site))

  // Page 1 is `/`; others are `/page/N`, and `/?page=N` (an older spelling) serves the same page.
  const home = (c: Context<AuthEnv>, raw: string | undefined) => {
    const n = pageNumber(raw)
    if (n === 1 && raw !== undefined) return c.redirect('/', 301)
    return page(
      c,
      async () => {
        const data = await loadHomePage(site, n)
        return renderHomePage(chromeOf(data.settings), data.list)
      },
      pagedHref('/', n),
    )
  }
  app.get('/', (c) => home(c, c.req.query('page')))
  app.get('/page/:n', (c) => home(c, c.req.param('n')))

  app.get('/reviews/:slug', async (c) => {
    const slug = c.req.param('slug')
    // A slug that still holds a % sequence did not decode: no review has such a slug.
    if (slug.includes('%')) throw new NotFoundError('review', slug)
    const lower = slug.normalize('NFC').toLowerCase()
    if (lower !== slug) return c.redirect(`/reviews/${encodeURIComponent(lower)}`, 301)
    return page(c, async () => {
      const data = await loadReviewPage(site, slug)
      return renderReviewPage(chromeOf(data.settings), data.record, data.comments)
    })
  })

  app.get('/assets/site.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8')
    c.header('Cache-Control', c.req.query('v') === CSS_VERSION ? 'public, max-age=31536000, immutable' : 'public, max-age=300')
    return c.body(CSS)
  })

  app.get('/assets/admin.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8')
    c.header('Cache-Control', c.req.query('v') === ADMIN_JS_VERSION ? 'public, max-age=31536000, immutable' : 'public, max-age=300')
    return c.body(ADMIN_JS)
  })

  app.get('/media/*', async (c) => {
    let rel: string
    try {
      rel = normalize(decodeURIComponent(c.req.path.slice('/media/'.length)))
    } catch {
      throw new NotFoundError('file', c.req.path)
    }
    const type = MEDIA_TYPES[extname(rel).toLowerCase()]
    if (!type || rel.startsWith('..') || rel.includes('\0')) throw new NotFoundError('file', c.req.path)
    const data = await readFile(join(site.mediaDir, rel)).catch(() => null)
    if (!data) throw new NotFoundError('file', c.req.path)
    c.header('Content-Type', type)
    c.header('Cache-Control', 'public, max-age=86400')
    // Posters are public pictures that mail programs and feed readers show from their own pages.
    c.header('Cross-Origin-Resource-Policy', 'cross-origin')
    return c.body(new Uint8Array(data))
  })

  app.notFound(async (c) => c.html(renderNotFoundPage(await chrome(), c.req.path), 404))

  app.onError(async (err, c) => {
    // A client that went away in the middle of its body, or was cut off for sending it too slowly,
    // is no failure of ours: nobody is there to read an answer, and a log line per attempt would let
    // one client flood the log.
    // The answer is in the site's language when its settings can be read, else in English.
    if (isClientAbort(err)) return c.text((await siteTranslator(site)).t('http.incomplete'), 400)
    const status = err instanceof DramalogError ? STATUS[err.code] : 500
    if (status === 404) return c.html(renderNotFoundPage(await chrome(), c.req.path), 404)
    if (status === 500) console.error(`${c.req.method} ${c.req.path} failed:`, err)
    const tr = await siteTranslator(site)
    if (status === 403) return c.text(tr.fromEnglish(err.message), 403)
    return c.text(status === 500 ? tr.t('http.failed') : tr.fromEnglish(err.message), status)
  })

  return app
}
