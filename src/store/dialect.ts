import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely, type RawBuilder } from 'kysely'

/** The databases a site can live in. */
export type Dialect = 'sqlite' | 'postgres'
export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres']

/**
 * Which database a connection or transaction talks to. Store functions take a `Conn` or `Tx`
 * without being told, so it is read from Kysely's adapter (the same object Kysely itself asks
 * whether the database supports RETURNING or transactional DDL).
 */
export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite'
}

/**
 * Text compared byte by byte, as SQLite compares it. PostgreSQL compares text by the database's
 * collation (often a language's rules), so lists sorted by name would differ between a site on
 * SQLite and the same site moved to PostgreSQL. With the C collation `lower()` also folds ASCII
 * only, as SQLite's does.
 * @example orderBy(binaryText(db, sql`lower(reviews.title)`)) // PostgreSQL: lower(reviews.title COLLATE "C")
 */
export function binaryText(db: Kysely<any>, expr: RawBuilder<unknown>): RawBuilder<string> {
  return dialectOf(db) === 'postgres' ? sql<string>`(${expr}) COLLATE "C"` : (expr as RawBuilder<string>)
}

/** A stable 64-bit key for a PostgreSQL advisory lock, from a name (the first 8 bytes of its SHA-1, as a signed bigint). */
function lockKey(name: string): RawBuilder<unknown> {
  // hashtext() is not guaranteed stable across major versions; this is computed the same everywhere.
  return sql`('x' || substr(md5(${`dramalog:${name}`}), 1, 16))::bit(64)::bigint`
}

/**
 * Takes a lock named `name` for the rest of the transaction if no other transaction holds it,
 * without waiting; returns whether it got it. Used for work that must run once across every app
 * server (publishing scheduled reviews). SQLite has one writer at a time, so it always gets it.
 */
export async function tryTransactionLock(trx: Kysely<any>, name: string): Promise<boolean> {
  if (dialectOf(trx) !== 'postgres') return true
  const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${lockKey(name)}) AS locked`.execute(trx)
  return rows[0]?.locked === true
}

/**
 * Waits for the lock named `name` and holds it until the transaction ends: serialises work that
 * reads, then inserts (creating a tag that another transaction may be creating at the same time).
 * Returns true when it waited for a lock (PostgreSQL), so the caller reads again what another
 * transaction may have committed meanwhile; SQLite transactions already run one at a time.
 */
export async function transactionLock(trx: Kysely<any>, name: string): Promise<boolean> {
  if (dialectOf(trx) !== 'postgres') return false
  await sql`SELECT pg_advisory_xact_lock(${lockKey(name)})`.execute(trx)
  return true
}

/**
 * The id column of a table: an integer primary key the database numbers. SQLite's AUTOINCREMENT
 * never hands out an id again, not even that of a deleted row; a PostgreSQL identity column
 * (a sequence) behaves the same. Both accept ids given explicitly, as restores and `migrate-db` do.
 */
export function autoId(db: Kysely<any>) {
  return (c: ColumnDefinitionBuilder) => (dialectOf(db) === 'postgres' ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement())
}

/** A floating-point column type: SQLite's REAL is 8 bytes, PostgreSQL's `real` only 4, so `double precision` there. */
export function floatType(db: Kysely<any>): 'real' | 'double precision' {
  return dialectOf(db) === 'postgres' ? 'double precision' : 'real'
}
