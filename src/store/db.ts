import Database from 'better-sqlite3'
import { Kysely, Migrator, SqliteDialect, type Migration, type Transaction } from 'kysely'
import * as m0001 from './migrations/0001-initial.ts'
import * as m0002 from './migrations/0002-accounts.ts'
import * as m0003 from './migrations/0003-diary.ts'
import * as m0004 from './migrations/0004-search.ts'
import * as m0005 from './migrations/0005-comments.ts'
import * as m0006 from './migrations/0006-imports.ts'
import * as m0007 from './migrations/0007-list-keys.ts'
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
  '0006-imports': m0006,
  '0007-list-keys': m0007,
}

/** The name of the newest migration: the schema a fully migrated database has. */
export const LATEST_MIGRATION = Object.keys(MIGRATIONS).at(-1)!

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
  sqlite.pragma('cache_size = -65536')
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) })
}

const STATEMENT_CACHE_SIZE = 500

/**
 * Kysely prepares every query anew, and preparing costs SQLite about as much as running a small
 * query. Statements are kept by their SQL text instead (queries take their values as parameters,
 * so the texts repeat). Kysely runs a statement to completion before the next (`all`/`run`; no
 * streaming here), so one statement is never busy twice. The cache is emptied when full: texts
 * with inlined ids do not repeat and must not pile up.
 */
function withStatementCache(sqlite: Database.Database): Database.Database {
  const cache = new Map<string, Database.Statement>()
  const prepare = sqlite.prepare.bind(sqlite)
  return new Proxy(sqlite, {
    get(target, key, receiver) {
      if (key !== 'prepare') {
        const value: unknown = Reflect.get(target, key, receiver)
        return typeof value === 'function' ? value.bind(target) : value
      }
      return (source: string) => {
        let stmt = cache.get(source)
        if (!stmt) {
          if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear()
          stmt = prepare(source)
          cache.set(source, stmt)
        }
        return stmt
      }
    },
  })
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
