import Database from 'better-sqlite3'
import {
  CompiledQuery, Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type DatabaseConnection, type Driver, type InsertObject,
  type Migration, type QueryResult, type Selectable, type Transaction, type TransactionSettings,
} from 'kysely'
import pg from 'pg'
import { dialectOf } from './dialect.ts'
import * as m0001 from './migrations/0001-initial.ts'
import * as m0002 from './migrations/0002-accounts.ts'
import * as m0003 from './migrations/0003-diary.ts'
import * as m0004 from './migrations/0004-search.ts'
import * as m0005 from './migrations/0005-comments.ts'
import * as m0006 from './migrations/0006-imports.ts'
import * as m0007 from './migrations/0007-list-keys.ts'
import * as m0008 from './migrations/0008-lists.ts'
import * as m0010 from './migrations/0010-activitypub.ts'
import * as m0011 from './migrations/0011-newsletter.ts'
import * as m0012 from './migrations/0012-review-language.ts'
import * as m0013 from './migrations/0013-search-buffer.ts'
import type { DB } from './schema.ts'
import { CONTENT_CHANNEL } from './settings.ts'

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
  '0008-lists': m0008,
  '0010-activitypub': m0010,
  '0011-newsletter': m0011,
  '0012-review-language': m0012,
  '0013-search-buffer': m0013,
}

/** The name of the newest migration: the schema a fully migrated database has. */
export const LATEST_MIGRATION = Object.keys(MIGRATIONS).at(-1)!

/**
 * Opens the SQLite database file (creating it) with WAL journaling, so readers never wait on the
 * writer, and foreign keys on, so deleting a review removes its sections.
 */
export function openSqlite(file: string): Kysely<DB> {
  const sqlite = new Database(file)
  // For a new file only (a database keeps the page size it was made with): a review's sections and
  // revisions fit in one 16 KB page rather than overflowing 4 KB ones, and a large import writes
  // ~20 % less (SQLite's own time for 10,000 posts: 6.2 s → 4.9 s).
  sqlite.pragma('page_size = 16384')
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

/** Called with the payload of a content notification once the transaction that sent it has committed. */
export type CommitListener = (payload: string) => void

/** The statement `bumpContentVersion` sends on PostgreSQL; the driver below recognises it by this prefix. */
export const NOTIFY_SQL_PREFIX = 'select pg_notify('

export type PostgresDatabase = {
  db: Kysely<DB>
  /** Registers a listener for content changes committed through this pool (see `bumpContentVersion`). */
  onCommittedNotify(listener: CommitListener): void
}

/**
 * Opens a pool of connections to the PostgreSQL database at `url` (`postgres://user:pass@host:port/db`).
 * Counts come back as numbers rather than strings (they never approach 2^53). The driver tells
 * `onCommittedNotify` listeners about content changes this process committed, as soon as the
 * COMMIT returns: the page cache of this server then never serves a page older than a write it
 * made itself, even before PostgreSQL delivers the notification to its listening connection.
 */
export function openPostgres(url: string, options: { poolSize?: number } = {}): PostgresDatabase {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    application_name: 'dramalog',
    types: { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text')) },
  })
  // An idle connection that breaks (a restarted server) is dropped by the pool; without a listener Node would exit.
  pool.on('error', (err) => console.error('PostgreSQL connection lost:', err.message))
  const listeners: CommitListener[] = []
  const committed = (payload: string) => {
    for (const l of listeners) l(payload)
  }
  class Dialect extends PostgresDialect {
    override createDriver(): Driver {
      return new CommitNotifyingDriver(super.createDriver(), committed)
    }
  }
  const db = new Kysely<DB>({ dialect: new Dialect({ pool }) })
  return { db, onCommittedNotify: (l) => void listeners.push(l) }
}

/**
 * Wraps Kysely's PostgreSQL driver to see, per connection, whether a transaction sent a content
 * notification, and to report it once its COMMIT succeeded (or at once outside a transaction).
 */
class CommitNotifyingDriver implements Driver {
  private readonly inner = new WeakMap<DatabaseConnection, DatabaseConnection>()
  private readonly state = new WeakMap<DatabaseConnection, { inTransaction: boolean; payload: string | null }>()

  constructor(private readonly driver: Driver, private readonly committed: CommitListener) {}

  init() {
    return this.driver.init()
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.driver.acquireConnection()
    const state = { inTransaction: false, payload: null as string | null }
    const wrapped: DatabaseConnection = {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        const result = await connection.executeQuery<R>(query)
        if (query.sql.startsWith(NOTIFY_SQL_PREFIX) && query.parameters[0] === CONTENT_CHANNEL && typeof query.parameters[1] === 'string') {
          if (state.inTransaction) state.payload = query.parameters[1]
          else this.committed(query.parameters[1])
        }
        return result
      },
      streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
    }
    this.inner.set(wrapped, connection)
    this.state.set(wrapped, state)
    return wrapped
  }

  private unwrap(connection: DatabaseConnection): DatabaseConnection {
    return this.inner.get(connection) ?? connection
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    await this.driver.beginTransaction(this.unwrap(connection), settings)
    this.reset(connection, true)
  }

  async commitTransaction(connection: DatabaseConnection) {
    const payload = this.state.get(connection)?.payload
    this.reset(connection, false)
    await this.driver.commitTransaction(this.unwrap(connection))
    if (payload) this.committed(payload)
  }

  async rollbackTransaction(connection: DatabaseConnection) {
    this.reset(connection, false)
    await this.driver.rollbackTransaction(this.unwrap(connection))
  }

  private reset(connection: DatabaseConnection, inTransaction: boolean) {
    const state = this.state.get(connection)
    if (state) Object.assign(state, { inTransaction, payload: null })
  }

  releaseConnection(connection: DatabaseConnection) {
    return this.driver.releaseConnection(this.unwrap(connection))
  }

  destroy() {
    return this.driver.destroy()
  }
}

/**
 * Runs an insert of one row and returns the row's id. On SQLite the id is the last insert rowid
 * rather than one read with `RETURNING`: SQLite runs a statement with RETURNING (like one that
 * writes several rows) under a statement journal, and inside a long transaction that made an
 * insert into `reviews` cost five times as much as the same insert without it. PostgreSQL
 * reports no insert id, so there the id comes back with `RETURNING`.
 */
export async function insertRow<T extends keyof DB & string>(db: Conn, table: T, row: InsertObject<DB, T>): Promise<number> {
  const postgres = dialectOf(db) === 'postgres'
  const result = await runInsert(db, table, row, { returningId: postgres })
  if (postgres) {
    const id = (result.rows[0] as { id?: number } | undefined)?.id
    if (id === undefined) throw new Error('the database did not return the id of the inserted row')
    return id
  }
  if (result.insertId === undefined) throw new Error('the database did not report the id of the inserted row')
  return Number(result.insertId)
}

/**
 * Inserts rows into one table. On SQLite each row is a statement of its own, for the reason in
 * `insertRow`: a five-row insert of sections took ten times as long as five one-row inserts. On
 * PostgreSQL every statement is a round trip to the server, so there the rows go in one.
 * `ignoreConflicts` skips a row that would break a unique constraint (ON CONFLICT DO NOTHING).
 */
export async function insertAll<T extends keyof DB & string>(db: Conn, table: T, rows: readonly InsertObject<DB, T>[], options: { ignoreConflicts?: boolean } = {}): Promise<void> {
  if (!rows.length) return
  if (dialectOf(db) === 'postgres') {
    let query = db.insertInto(table).values(rows)
    if (options.ignoreConflicts) query = query.onConflict((oc) => oc.doNothing())
    await query.execute()
    return
  }
  for (const row of rows) await runInsert(db, table, row, { ignoreConflicts: options.ignoreConflicts })
}

// The SQL of one-row inserts by dialect, table, options and columns. Kysely builds and compiles a
// query for every call, and on an import of thousands of reviews that cost as much time as SQLite
// spent inserting. The text of an insert of plain values depends only on the table and the columns
// it names (the values are parameters, in the order of the columns), so it is compiled once.
const insertTexts = new Map<string, string>()
const INSERT_TEXTS_KEPT = 200

type InsertOptions = { returningId?: boolean; ignoreConflicts?: boolean }

/** Inserts one row: through a compiled text when its values are all plain, else through Kysely as usual. */
async function runInsert<T extends keyof DB & string>(db: Conn, table: T, row: InsertObject<DB, T>, options: InsertOptions): Promise<QueryResult<unknown>> {
  let key = `${dialectOf(db)}\u0000${table}\u0000${options.returningId ? 1 : 0}${options.ignoreConflicts ? 1 : 0}`
  const values: unknown[] = []
  const fields = row as Record<string, unknown>
  for (const column in fields) {
    const value = fields[column]
    if (value === undefined) continue // Kysely leaves the column out, as here
    // An expression (a function, a raw SQL builder) is compiled by Kysely into the text itself.
    if (typeof value === 'function' || (typeof value === 'object' && value !== null && !(value instanceof Uint8Array))) {
      return db.executeQuery(compileInsert(db, table, row, options))
    }
    key += `\u0000${column}`
    values.push(value)
  }
  let text = insertTexts.get(key)
  if (text === undefined) {
    text = compileInsert(db, table, row, options).sql
    if (insertTexts.size >= INSERT_TEXTS_KEPT) insertTexts.clear()
    insertTexts.set(key, text)
  }
  return db.executeQuery(CompiledQuery.raw(text, values))
}

/**
 * `SELECT columns FROM table WHERE column = ?`, compiled once per dialect and then run from its
 * text with each value (as `runInsert` does for inserts): an import looks reviews, tags and people
 * up thousands of times, and building the query cost more than running it.
 */
export function lookupBy<T extends keyof DB & string, C extends keyof Selectable<DB[T]> & string>(table: T, columns: readonly C[], column: keyof DB[T] & string):
    (db: Conn, value: string | number) => Promise<Pick<Selectable<DB[T]>, C>[]> {
  const texts = new Map<string, string>()
  const compile = (db: Conn, value: string | number): string => {
    // Loosely typed: the signature above checks the table and its columns.
    const loose = db as unknown as Kysely<any>
    return loose.selectFrom(table as string).select([...columns] as string[]).where(column as string, '=', value).compile().sql
  }
  return async (db, value) => {
    const dialect = dialectOf(db)
    let text = texts.get(dialect)
    if (text === undefined) texts.set(dialect, (text = compile(db, value)))
    return (await db.executeQuery<Pick<Selectable<DB[T]>, C>>(CompiledQuery.raw(text, [value]))).rows
  }
}

function compileInsert<T extends keyof DB & string>(db: Conn, table: T, row: InsertObject<DB, T>, options: InsertOptions): CompiledQuery {
  let query = db.insertInto(table).values(row)
  if (options.ignoreConflicts) query = query.onConflict((oc) => oc.doNothing())
  return (options.returningId ? query.returning(sql<number>`id`.as('id')) : query).compile()
}

/**
 * Brings the schema up to date; run at every start. On PostgreSQL Kysely runs the migrations in
 * one transaction under an advisory lock: when several app servers start together one migrates
 * and the others wait for it, then find nothing left to do. Returns the names of the migrations
 * this call applied (all of them for a new database).
 */
export async function migrate(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new Error(`database migration ${failed} failed`, { cause: error })
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/** The first migration: a call of `migrate` that applied it made the database's schema. */
export const FIRST_MIGRATION = '0001-initial'
