import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import type { Config } from '../config.ts'
import { DramalogError } from '../domain/errors.ts'
import { migrate, openSqlite, type DB } from '../store/db.ts'

/** An open site: its database and where its files live. Every service takes one. */
export type Site = {
  db: Kysely<DB>
  dataDir: string
  mediaDir: string
  /** Public address from the environment (DRAMALOG_BASE_URL); wins over the one in settings. */
  baseUrl: string | null
  /** Address of a static copy whose comment forms post here (DRAMALOG_STATIC_URL). */
  staticUrl: string | null
  /** True when the database had no schema before this open (a new, empty site). */
  isNew: boolean
  close(): Promise<void>
}

/** Opens (creating when needed) the site in the configured data directory and migrates its schema. */
export async function openSite(config: Pick<Config, 'dataDir' | 'databaseUrl'> & Partial<Pick<Config, 'baseUrl' | 'staticUrl'>>): Promise<Site> {
  if (config.databaseUrl) {
    throw new DramalogError(
      'invalid_input',
      `DATABASE_URL is set, but this version of Dramalog stores sites in SQLite only; unset it to use ${join(config.dataDir, 'dramalog.sqlite')}`,
    )
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
  const mediaDir = join(config.dataDir, 'media')
  mkdirSync(mediaDir, { recursive: true })
  return { db, dataDir: config.dataDir, mediaDir, baseUrl: config.baseUrl ?? null, staticUrl: config.staticUrl ?? null, isNew, close: () => db.destroy() }
}
