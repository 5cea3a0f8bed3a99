import { inject } from 'vitest'
import { openSite, type Site, type SiteConfig } from '../../src/services/site.ts'
import type { Dialect } from '../../src/store/dialect.ts'
import { createDatabase } from './postgres.ts'

/**
 * The database the store and service suites run on: the Vitest project sets it (`sqlite` and
 * `postgres`, see vitest.config.ts), so one `npm test` runs them on both and reports each.
 */
export const TEST_DIALECT: Dialect = process.env.DRAMALOG_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite'

/** A new, empty PostgreSQL database on the test server. */
export async function newTestDatabase(): Promise<string> {
  const admin = inject('postgresAdminUrl')
  if (!admin) throw new Error('no test PostgreSQL server: run this file in the "postgres" Vitest project')
  return createDatabase(admin)
}

// A data folder stands for one site: opening it again opens the same database.
const databases = new Map<string, string>()

/**
 * Opens the site of a data folder in the suite's dialect: SQLite in the folder, or a PostgreSQL
 * database made for the folder on first open (posters stay in the folder's `media/`).
 */
export async function openTestSite(dataDir: string, options: Omit<SiteConfig, 'dataDir' | 'databaseUrl'> = {}, dialect = TEST_DIALECT): Promise<Site> {
  if (dialect === 'sqlite') return openSite({ ...options, dataDir, databaseUrl: null })
  let url = databases.get(dataDir)
  if (!url) databases.set(dataDir, (url = await newTestDatabase()))
  return openSite({ ...options, dataDir, databaseUrl: url })
}
