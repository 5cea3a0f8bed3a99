import { sql } from 'kysely'
import { DEFAULT_SETTINGS, SiteSettings } from '../domain/settings.ts'
import type { Conn, Tx } from './db.ts'
import { dialectOf } from './dialect.ts'

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
  const bumped = await trx
    .updateTable('settings')
    .set({ value: sql<string>`cast(cast(value as integer) + 1 as text)` })
    .where('key', '=', 'content_version')
    .returning('value')
    .executeTakeFirst()
  const value = now.toISOString()
  await trx
    .insertInto('settings')
    .values({ key: 'content_updated_at', value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute()
  // PostgreSQL delivers the notification to every listening app server when (and only if) the
  // transaction commits; their page caches then move on without asking the database on each request.
  if (bumped && dialectOf(trx) === 'postgres') {
    await sql`select pg_notify(${CONTENT_CHANNEL}, ${formatStamp({ version: Number(bumped.value), updatedAt: now })})`.execute(trx)
  }
}

/** The channel content changes are announced on (PostgreSQL). */
export const CONTENT_CHANNEL = 'dramalog_content'

/** The content version and when content last changed. */
export type ContentStamp = { version: number; updatedAt: Date | null }

/** A stamp as a notification's payload: `VERSION ISO-TIME`. */
export const formatStamp = (s: ContentStamp) => `${s.version} ${s.updatedAt?.toISOString() ?? ''}`

/** Reads a payload of `formatStamp`; null when it is not one. */
export function parseStamp(payload: string): ContentStamp | null {
  const m = /^(\d+) (\S*)$/.exec(payload)
  if (!m) return null
  const at = m[2] ? new Date(m[2]) : null
  return { version: Number(m[1]), updatedAt: at && !Number.isNaN(at.getTime()) ? at : null }
}

/** The content version and when content last changed (for Last-Modified), in one read. */
export async function getContentStamp(db: Conn): Promise<ContentStamp> {
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
