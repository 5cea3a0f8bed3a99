import Database from 'better-sqlite3'
import { Kysely, Migrator, SqliteDialect, type Migration, type Transaction } from 'kysely'
import * as m0001 from './migrations/0001-initial.ts'
import * as m0002 from './migrations/0002-accounts.ts'
import * as m0003 from './migrations/0003-diary.ts'
import * as m0004 from './migrations/0004-search.ts'
import * as m0005 from './migrations/0005-comments.ts'
import type { DB } from './schema.ts'

export type { DB }
export type Tx = Transaction<DB>
/** Either a connection or an open transaction: read functions take both. */
export type Conn = Kysely<DB> | Transaction<DB>

const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-accounts': m0002,
  '0003-diary': m0003,
  '0004-search': m0004,
  '0005-comments': m0005,
}

/**
 * Opens the SQLite database file (creating it) with WAL journaling, so readers never wait on the
 * writer, and foreign keys on, so deleting a review removes its sections.
 */
export function openSqlite(file: string): Kysely<DB> {
  const sqlite = new Database(file)
  sqlite.pragma('journal_mode = WAL')
  // NORMAL is durable across application crashes in WAL mode; only power loss can drop the last commits.
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) })
}

/** Brings the schema up to date; run at every start. */
export async function migrate(db: Kysely<DB>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new Error(`database migration ${failed} failed`, { cause: error })
  }
}
