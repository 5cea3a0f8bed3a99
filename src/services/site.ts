import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import type { Config, MailConfig } from '../config.ts'
import { DramalogError } from '../domain/errors.ts'
import { ListeningClock, readingClock, type ContentClock } from '../store/content-clock.ts'
import { FIRST_MIGRATION, migrate, openPostgres, openSqlite, type DB } from '../store/db.ts'
import type { Dialect } from '../store/dialect.ts'
import type { ContentStamp } from '../store/settings.ts'

/** An open site: its database and where its files live. Every service takes one. */
export type Site = {
  db: Kysely<DB>
  dialect: Dialect
  /** The PostgreSQL address it was opened with (DATABASE_URL); null for SQLite. */
  databaseUrl: string | null
  dataDir: string
  mediaDir: string
  /** Public address from the environment (DRAMALOG_BASE_URL); wins over the one in settings. */
  baseUrl: string | null
  /** Address of a static copy whose comment forms post here (DRAMALOG_STATIC_URL). */
  staticUrl: string | null
  /** Whether the fediverse side may reach servers on this machine over http (DRAMALOG_FEDIVERSE_LOOPBACK). */
  fediverseLoopback: boolean
  /** The SMTP server and sender of newsletter emails; null when none is configured (no newsletter). */
  mail: MailConfig | null
  /** True when the database had no schema before this open (a new, empty site). */
  isNew: boolean
  /** The content version and its time, for page caches: from memory on PostgreSQL (kept current by notifications). */
  contentStamp(): Promise<ContentStamp>
  close(): Promise<void>
}

export type SiteConfig = Pick<Config, 'dataDir' | 'databaseUrl'> & Partial<Pick<Config, 'baseUrl' | 'mediaDir' | 'staticUrl' | 'fediverseLoopback' | 'mail'>>

/**
 * Opens the site named by the configuration and migrates its schema: PostgreSQL when a
 * `DATABASE_URL` is given, else the SQLite file in the data directory (created when needed).
 * Posters live in the configured media folder, else in `media/` in the data directory.
 */
export async function openSite(config: SiteConfig): Promise<Site> {
  const mediaDir = config.mediaDir ?? join(config.dataDir, 'media')
  const common = { databaseUrl: config.databaseUrl, dataDir: config.dataDir, mediaDir, baseUrl: config.baseUrl ?? null, staticUrl: config.staticUrl ?? null, fediverseLoopback: config.fediverseLoopback ?? false, mail: config.mail ?? null }
  if (config.databaseUrl) {
    const database = openPostgres(config.databaseUrl)
    let applied: string[]
    try {
      applied = await migrate(database.db)
    } catch (err) {
      await database.db.destroy()
      throw cannotOpen(config.databaseUrl, err)
    }
    const clock = new ListeningClock(database, config.databaseUrl)
    await clock.ready()
    mkdirSync(mediaDir, { recursive: true })
    return site(database.db, 'postgres', applied.includes(FIRST_MIGRATION), clock, common)
  }
  mkdirSync(config.dataDir, { recursive: true })
  const file = join(config.dataDir, 'dramalog.sqlite')
  const isNew = !existsSync(file)
  const db = openSqlite(file)
  try {
    await migrate(db)
  } catch (err) {
    await db.destroy()
    throw err
  }
  mkdirSync(mediaDir, { recursive: true })
  return site(db, 'sqlite', isNew, readingClock(db), common)
}

function site(db: Kysely<DB>, dialect: Dialect, isNew: boolean, clock: ContentClock, common: Pick<Site, 'databaseUrl' | 'dataDir' | 'mediaDir' | 'baseUrl' | 'staticUrl' | 'fediverseLoopback' | 'mail'>): Site {
  return {
    db, dialect, isNew, ...common,
    contentStamp: () => clock.stamp(),
    async close() {
      await clock.close()
      await db.destroy()
    },
  }
}

/** A connection failure as a message that names the server (never the password) and what to check. */
function cannotOpen(url: string, err: unknown): unknown {
  // Kysely's migrator wraps what went wrong.
  const inner = (err as { cause?: unknown } | null)?.cause ?? err
  const code = (inner as { code?: unknown } | null)?.code
  if (typeof code !== 'string' || !/^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|28P01|28000|3D000)$/.test(code)) return err
  let where = 'the PostgreSQL server'
  try {
    const u = new URL(url)
    where = `PostgreSQL at ${u.hostname}:${u.port || 5432}${u.pathname}`
  } catch {
    // The address did not parse; the error below still says what went wrong.
  }
  return new DramalogError('internal', `cannot open ${where} (DATABASE_URL): ${(inner as Error).message}`, { cause: err })
}
