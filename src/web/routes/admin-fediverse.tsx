import { Hono, type Context } from 'hono'
import { DramalogError } from '../../domain/errors.ts'
import { deliverDue } from '../../services/fediverse-delivery.ts'
import { followAccount } from '../../services/fediverse-follow.ts'
import { loadFediverseOverview } from '../../services/fediverse-overview.ts'
import type { Site } from '../../services/site.ts'
import { FediversePage } from '../../views/admin/fediverse-admin.tsx'
import { renderDocument } from '../../views/render.ts'
import { adminChromeFor } from '../admin-chrome.ts'
import { requireRole, type AuthEnv } from '../auth.ts'

/** The site's fediverse account, for the owner: followers, follows, deliveries, the inbox log. */
export function adminFediverseRoutes(site: Site): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>()
  app.use('/admin/fediverse', requireRole('owner'))
  app.use('/admin/fediverse/*', requireRole('owner'))
  const page = async (c: Context<AuthEnv>, props: { account?: string; error?: string | null; notice?: string | null } = {}) =>
    renderDocument(<FediversePage chrome={await adminChromeFor(site, c)} overview={await loadFediverseOverview(site)} {...props} />)

  app.get('/admin/fediverse', async (c) => {
    const followed = c.req.query('followed')
    return c.html(await page(c, { notice: followed ? `Following ${followed}: waiting for its server to accept.` : null }))
  })

  app.post('/admin/fediverse/follow', async (c) => {
    const account = String((await c.req.parseBody()).account ?? '').trim()
    try {
      const followed = await followAccount(site, account)
      // Sent at once when the other server answers; the queue retries it otherwise.
      await deliverDue(site)
      return c.redirect(`/admin/fediverse?followed=${encodeURIComponent(followed.handle)}`, 303)
    } catch (err) {
      if (!(err instanceof DramalogError) || err.code !== 'invalid_input') throw err
      return c.html(await page(c, { account, error: err.message }), 422)
    }
  })
  return app
}
