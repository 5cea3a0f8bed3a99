import { Hono, type Context } from 'hono'
import { updateSettings } from '../../services/settings.ts'
import type { Site } from '../../services/site.ts'
import { SettingsPage, settingsForm, settingsInput, type SettingsForm } from '../../views/admin/settings-page.tsx'
import { renderDocument } from '../../views/render.ts'
import { requireRole, type AuthEnv } from '../auth.ts'
import { adminChromeFor } from '../admin-chrome.ts'
import { translatorFor } from '../../domain/i18n.ts'

/** Site settings, for the owner. */
export function adminSettingsRoutes(site: Site): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>()
  app.use('/admin/settings', requireRole('owner'))
  const adminChrome = (c: Context<AuthEnv>) => adminChromeFor(site, c)

  app.get('/admin/settings', async (c) => {
    const chrome = await adminChrome(c)
    const notice = c.req.query('saved') ? translatorFor('en').t('form.settings.saved') : null
    return c.html(renderDocument(<SettingsPage chrome={chrome} form={settingsForm(chrome.settings)} errors={{}} notice={notice} />))
  })

  app.post('/admin/settings', async (c) => {
    const body = await c.req.parseBody()
    const form: SettingsForm = {}
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') form[k] = v.replace(/\r\n?/g, '\n')
    const result = await updateSettings(site, c.get('user')!, settingsInput(form))
    if (!result.ok) return c.html(renderDocument(<SettingsPage chrome={await adminChrome(c)} form={form} errors={result.errors} />), 422)
    return c.redirect('/admin/settings?saved=1', 303)
  })
  return app
}
