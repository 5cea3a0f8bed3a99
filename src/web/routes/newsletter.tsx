import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { MessageKey } from '../../domain/i18n.ts'
import { confirmSubscription, findUnsubscribeTarget, isNewsletterOpen, NewsletterRefusedError, subscribe, unsubscribe } from '../../services/newsletter.ts'
import type { Site } from '../../services/site.ts'
import { getSiteSettings } from '../../store/settings.ts'
import { chromeFor, renderCheckInboxPage, renderConfirmPage, renderNewsletterPage, renderUnsubscribePage } from '../../pages/public-pages.tsx'
import type { AuthEnv } from '../auth.ts'
import { clientAddress, sameOriginOnly } from './comments.tsx'
import { siteTranslator } from '../site-language.ts'

type C = Context<AuthEnv>

/** Pages for one reader (a form's answer, a link with a token): never cached, never indexed, never told to another site. */
function personal(c: C): void {
  c.header('Cache-Control', 'no-store')
  c.header('X-Robots-Tag', 'noindex')
  c.header('Referrer-Policy', 'no-referrer')
}

/** The newsletter's public side: the sign-up page and form, the confirmation link, unsubscribing. */
export function newsletterRoutes(site: Site): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>()
  const chrome = async () => chromeFor(site, await getSiteSettings(site.db))
  // The plain-text refusals, in the site's language.
  const say = async (key: MessageKey) => (await siteTranslator(site)).t(key)

  app.get('/newsletter', async (c) => {
    const ch = await chrome()
    return c.html(renderNewsletterPage(ch, isNewsletterOpen(site, ch.settings)))
  })

  // Forms come from this site's pages (or its static copy's), as comments do; the rest of the abuse
  // protection is the honeypot, the per-address rate and the double opt-in.
  app.post(
    '/newsletter',
    bodyLimit({ maxSize: 16 * 1024, onError: async (c) => c.text(await say('newsletter.tooLarge'), 413) }),
    sameOriginOnly(site, () => say('newsletter.otherSite')),
    async (c) => {
      const body = await c.req.parseBody()
      const email = typeof body.email === 'string' ? body.email : ''
      try {
        await subscribe(site, { email, url: body.url }, { ip: clientAddress(c) })
      } catch (err) {
        if (!(err instanceof NewsletterRefusedError)) throw err
        personal(c)
        if (err.retryAfterSeconds !== null) c.header('Retry-After', String(err.retryAfterSeconds))
        const status = err.reason === 'rate_limited' ? 429 : err.reason === 'closed' ? 404 : 422
        return c.html(renderNewsletterPage(await chrome(), err.reason !== 'closed', { email: email.slice(0, 254), error: err.message }), status)
      }
      return c.redirect('/newsletter/check', 303)
    },
  )

  app.get('/newsletter/check', async (c) => {
    personal(c)
    return c.html(renderCheckInboxPage(await chrome()))
  })

  app.get('/newsletter/confirm', async (c) => {
    personal(c)
    const subscriber = await confirmSubscription(site, c.req.query('token'))
    return c.html(renderConfirmPage(await chrome(), subscriber?.email ?? null), subscriber ? 200 : 404)
  })

  // Opening the link only asks: mail scanners and link previews open every link in an email.
  app.get('/newsletter/unsubscribe', async (c) => {
    personal(c)
    const token = c.req.query('token') ?? ''
    const subscriber = await findUnsubscribeTarget(site, token)
    return c.html(renderUnsubscribePage(await chrome(), token, subscriber?.email ?? null, subscriber?.state === 'unsubscribed'), subscriber ? 200 : 404)
  })

  // RFC 8058 one-click: mail programs POST `List-Unsubscribe=One-Click` here from their own servers
  // (no Origin of ours), so the token in the address is the whole check; the page's button does the same.
  app.post('/newsletter/unsubscribe', bodyLimit({ maxSize: 4 * 1024, onError: async (c) => c.text(await say('newsletter.tooLarge'), 413) }), async (c) => {
    personal(c)
    const token = c.req.query('token') ?? ''
    const subscriber = await unsubscribe(site, token)
    return c.html(renderUnsubscribePage(await chrome(), token, subscriber?.email ?? null, true), subscriber ? 200 : 404)
  })

  return app
}
