import { Hono, type Context } from 'hono'
import { DramalogError } from '../../domain/errors.ts'
import { translatorFor } from '../../domain/i18n.ts'
import { loadNewsletterOverview, removeSubscriber, sendTestEmail } from '../../services/newsletter.ts'
import type { Site } from '../../services/site.ts'
import { NewsletterAdminPage } from '../../views/admin/newsletter-admin.tsx'
import { renderDocument } from '../../views/render.ts'
import { adminChromeFor } from '../admin-chrome.ts'
import { requireRole, type AuthEnv } from '../auth.ts'

// The notices these routes show once, in English; the admin's layout shows them in the site's language.
const EN = translatorFor('en').t

/** The newsletter for owners and editors: subscribers, the sending queue, a test email. */
export function adminNewsletterRoutes(site: Site): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>()
  app.use('/admin/newsletter', requireRole('owner', 'editor'))
  app.use('/admin/newsletter/*', requireRole('owner', 'editor'))
  const page = async (c: Context<AuthEnv>, props: { notice?: string | null; error?: string | null; testTo?: string } = {}) => {
    c.header('Cache-Control', 'no-store')
    return renderDocument(<NewsletterAdminPage chrome={await adminChromeFor(site, c)} overview={await loadNewsletterOverview(site)} {...props} />)
  }

  app.get('/admin/newsletter', async (c) => {
    const done = c.req.query('done')
    const sent = c.req.query('sent')
    return c.html(await page(c, { notice: sent ? EN('form.newsletter.testSent', { to: sent }) : done === 'removed' ? EN('form.newsletter.removed') : null }))
  })

  app.post('/admin/newsletter/test', async (c) => {
    const to = String((await c.req.parseBody()).to ?? '').trim()
    try {
      const sent = await sendTestEmail(site, to)
      return c.redirect(`/admin/newsletter?sent=${encodeURIComponent(sent)}`, 303)
    } catch (err) {
      if (!(err instanceof DramalogError) || err.code !== 'invalid_input') throw err
      return c.html(await page(c, { testTo: to, error: err.message }), 422)
    }
  })

  app.post('/admin/newsletter/subscribers/:id{[0-9]+}/delete', async (c) => {
    await removeSubscriber(site, Number(c.req.param('id')))
    return c.redirect('/admin/newsletter?done=removed', 303)
  })
  return app
}
