import { sql } from 'kysely'
import { DEFAULT_SETTINGS, SiteSettings } from '../domain/settings.ts'
import type { Conn, Tx } from './db.ts'

/** Reads the site settings, filling anything missing with the defaults of a new site. */
export async function getSiteSettings(db: Conn): Promise<SiteSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', 'site').executeTakeFirst()
  if (!row) return DEFAULT_SETTINGS
  const stored = JSON.parse(row.value) as Partial<SiteSettings>
  return SiteSettings.parse({ ...DEFAULT_SETTINGS, ...stored, meter: { ...DEFAULT_SETTINGS.meter, ...stored.meter } })
}

/** Stores the site settings after validating them. */
export async function putSiteSettings(trx: Tx, settings: SiteSettings): Promise<void> {
  const value = JSON.stringify(SiteSettings.parse(settings))
  await trx
    .insertInto('settings')
    .values({ key: 'site', value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute()
  await bumpContentVersion(trx)
}

/**
 * Every write that changes what a page shows bumps this number; page caches key on it, so a change
 * made by any process (the CLI, another server) invalidates them.
 */
export async function bumpContentVersion(trx: Tx, now = new Date()): Promise<void> {
  await trx
    .updateTable('settings')
    .set({ value: sql<string>`cast(cast(value as integer) + 1 as text)` })
    .where('key', '=', 'content_version')
    .execute()
  const value = now.toISOString()
  await trx
    .insertInto('settings')
    .values({ key: 'content_updated_at', value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute()
}

/** The content version and when content last changed (for Last-Modified), in one read. */
export async function getContentStamp(db: Conn): Promise<{ version: number; updatedAt: Date | null }> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).where('key', 'in', ['content_version', 'content_updated_at']).execute()
  const get = (k: string) => rows.find((r) => r.key === k)?.value
  const at = get('content_updated_at')
  return { version: Number(get('content_version') ?? 0), updatedAt: at ? new Date(at) : null }
}

/** The current content version (see `bumpContentVersion`). */
export async function getContentVersion(db: Conn): Promise<number> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', 'content_version').executeTakeFirst()
  return Number(row?.value ?? 0)
}
