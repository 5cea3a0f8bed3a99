import { DramalogError } from '../domain/errors.ts'
import { SiteSettings } from '../domain/settings.ts'
import { canManageSite, type SessionUser } from '../domain/user.ts'
import { getSiteSettings, putSiteSettings } from '../store/settings.ts'
import type { Site } from './site.ts'

export type SettingsResult = { ok: true; settings: SiteSettings } | { ok: false; errors: Record<string, string> }

/**
 * Changes the site settings (owners only). Reviews keep what they were saved with (their meter's
 * maximum, their sections' aspects), so a new rubric or meter never breaks an existing review.
 */
export async function updateSettings(site: Site, user: SessionUser, input: unknown): Promise<SettingsResult> {
  if (!canManageSite(user)) throw new DramalogError('forbidden', 'Only the owner changes the site settings.')
  const parsed = SiteSettings.safeParse(input)
  if (!parsed.success) {
    const errors: Record<string, string> = {}
    for (const i of parsed.error.issues) errors[i.path.map(String).join('.') || 'settings'] ??= i.message
    return { ok: false, errors }
  }
  await site.db.transaction().execute((trx) => putSiteSettings(trx, parsed.data))
  return { ok: true, settings: await getSiteSettings(site.db) }
}
