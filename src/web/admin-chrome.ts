import type { Context } from 'hono'
import { countPendingComments } from '../services/comments.ts'
import type { Site } from '../services/site.ts'
import { getSiteSettings } from '../store/settings.ts'
import type { AdminChrome } from '../views/admin/admin-layout.tsx'
import { ADMIN_JS_HREF } from '../pages/assets.ts'
import type { AuthEnv } from './auth.ts'
import { chromeFor } from '../pages/public-pages.tsx'

/** What every admin page needs: settings, the signed-in user, the CSRF token and the moderation count. */
export async function adminChromeFor(site: Site, c: Context<AuthEnv>): Promise<AdminChrome> {
  const user = c.get('user')!
  const [settings, pendingComments] = await Promise.all([getSiteSettings(site.db), countPendingComments(site, user)])
  return { ...chromeFor(site, settings), user, csrf: c.get('csrf'), scriptHref: ADMIN_JS_HREF, pendingComments }
}
