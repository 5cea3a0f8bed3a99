// The SQL side of whole-site backups, of `migrate-db` and of restores. Tables and columns are read
// from the database itself (SQLite's sqlite_master and table-valued pragmas, PostgreSQL's catalog),
// never listed by hand: a column or table that a later migration adds is carried by backups
// without anyone remembering to add it here. Rows travel as the same JSON in both dialects, so a
// backup of a site on SQLite restores into PostgreSQL and back.
import { sql } from 'kysely'
import type { Conn, Tx } from './db.ts'
import { dialectOf } from './dialect.ts'
import { searchIndexFor } from './search-index.ts'
import { bumpContentVersion } from './settings.ts'

/**
 * Tables a backup leaves out, with the reason (also written into every backup's manifest).
 * The full-text index `review_search` is left out too (on SQLite by its kind, a virtual table and
 * its shadow tables): it is derived from the reviews and rebuilt on restore.
 */
export const LEFT_OUT_TABLES: Readonly<Record<string, string>> = {
  sessions: 'sign-ins are not carried: a restored site starts with everyone signed out',
  login_throttle: 'failed sign-in counters: short-lived rate-limit state',
  comment_posts: 'recent comments per address: short-lived rate-limit state',
  ap_actors: 'fediverse accounts as last fetched: fetched again when needed',
  ap_deliveries: 'the fediverse delivery queue: a restored copy must not send again what the original sent',
  ap_inbox_log: 'what the fediverse inbox received: diagnostics, already acted on',
  newsletter_sends: 'the newsletter queue: a restored copy must not email again what the original sent',
}

/** Settings rows a brand-new site writes by itself; a site holding only these counts as empty. */
const BOOKKEEPING_SETTINGS = ['content_version', 'content_updated_at', 'comment_secret', 'activitypub_key']

/** How SQLite converts values stored into a column, from its declared type (the rules of section 3.1 of its manual). */
export type Affinity = 'integer' | 'text' | 'blob' | 'real' | 'numeric'

export type ColumnInfo = { name: string; affinity: Affinity; notNull: boolean }
export type ForeignKey = { columns: string[]; table: string; to: string[] }
export type TableInfo = { name: string; columns: ColumnInfo[]; foreignKeys: ForeignKey[]; primaryKey: string[] }

export function affinityOf(declared: string): Affinity {
  const t = declared.toUpperCase()
  if (t.includes('INT')) return 'integer'
  if (/CHAR|CLOB|TEXT/.test(t)) return 'text'
  if (t.includes('BLOB') || t === '') return 'blob'
  if (/REAL|FLOA|DOUB/.test(t)) return 'real'
  return 'numeric'
}

/** Name of the extra column the row reader selects the rowid as; no real column may use it. */
const ROWID = '_dramalog_rowid'

/**
 * Every table a backup holds (with `transient`, also those in LEFT_OUT_TABLES, which `migrate-db`
 * copies), with its columns and foreign keys, parents before children (users
 * before reviews, reviews before sections…), so rows inserted in this order satisfy their foreign
 * keys as they arrive. Ties are broken by name, so the order is the same on every run.
 */
export async function describeBackupTables(db: Conn, options: { transient?: boolean } = {}): Promise<TableInfo[]> {
  const tables = dialectOf(db) === 'postgres' ? await describePostgresTables(db) : await describeSqliteTables(db)
  return parentsFirst(options.transient ? tables : tables.filter((t) => !Object.hasOwn(LEFT_OUT_TABLES, t.name)))
}

/** Tables no copy of a site holds: the derived search index and each database's own bookkeeping. */
const isOwnBookkeeping = (name: string) => name === 'review_search' || name.startsWith('kysely_')

async function describeSqliteTables(db: Conn): Promise<TableInfo[]> {
  const listed = await sql<{ name: string; type: string; wr: number }>`
    SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main' ORDER BY name`.execute(db)
  const tables: TableInfo[] = []
  for (const t of listed.rows) {
    // Virtual and shadow tables are the search index; sqlite_* and kysely_* are bookkeeping each
    // database keeps for itself (the restored site has its own migration history).
    if (t.type !== 'table' || t.name.startsWith('sqlite_') || isOwnBookkeeping(t.name)) continue
    // Rows are paged by rowid (see readRowsAfter); Dramalog creates no WITHOUT ROWID tables.
    if (t.wr) throw new Error(`table ${t.name} is WITHOUT ROWID, which backups do not handle`)
    const cols = await sql<{ name: string; type: string; notnull: number; pk: number }>`
      SELECT name, type, "notnull", pk FROM pragma_table_info(${t.name}) ORDER BY cid`.execute(db)
    if (cols.rows.some((c) => c.name === ROWID)) throw new Error(`table ${t.name} has a column named ${ROWID}`)
    const fks = await sql<{ id: number; table: string; from: string; to: string | null }>`
      SELECT id, "table", "from", "to" FROM pragma_foreign_key_list(${t.name}) ORDER BY id, seq`.execute(db)
    const foreignKeys = new Map<number, ForeignKey>()
    for (const fk of fks.rows) {
      const key = foreignKeys.get(fk.id) ?? { columns: [], table: fk.table, to: [] }
      key.columns.push(fk.from)
      // A missing `to` means the parent's primary key; every key here names its column.
      key.to.push(fk.to ?? 'rowid')
      foreignKeys.set(fk.id, key)
    }
    tables.push({
      name: t.name,
      columns: cols.rows.map((c) => ({ name: c.name, affinity: affinityOf(c.type), notNull: c.notnull === 1 })),
      foreignKeys: [...foreignKeys.values()],
      primaryKey: cols.rows.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
    })
  }
  return tables
}

async function describePostgresTables(db: Conn): Promise<TableInfo[]> {
  const listed = await sql<{ name: string }>`
    SELECT relname AS name FROM pg_class
    WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p') ORDER BY relname COLLATE "C"`.execute(db)
  const tables: TableInfo[] = []
  for (const { name } of listed.rows) {
    if (isOwnBookkeeping(name)) continue
    const table = sql`(quote_ident(current_schema()) || '.' || quote_ident(${name}))::regclass`
    const cols = await sql<{ name: string; type: string; notnull: boolean }>`
      SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attnotnull AS notnull FROM pg_attribute
      WHERE attrelid = ${table} AND attnum > 0 AND NOT attisdropped ORDER BY attnum`.execute(db)
    const keys = await sql<{ contype: string; name: string; parent: string | null; from: string; to: string | null }>`
      SELECT con.contype, con.conname AS name, ref.relname AS parent, a.attname AS "from", ra.attname AS "to"
      FROM pg_constraint con
      CROSS JOIN LATERAL unnest(con.conkey, coalesce(con.confkey, con.conkey)) WITH ORDINALITY AS k(attnum, refnum, ord)
      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
      LEFT JOIN pg_class ref ON ref.oid = con.confrelid
      LEFT JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refnum
      WHERE con.conrelid = ${table} AND con.contype IN ('f', 'p')
      ORDER BY con.conname, k.ord`.execute(db)
    const foreignKeys = new Map<string, ForeignKey>()
    for (const k of keys.rows) {
      if (k.contype !== 'f') continue
      const key = foreignKeys.get(k.name) ?? { columns: [], table: k.parent!, to: [] }
      key.columns.push(k.from)
      key.to.push(k.to!)
      foreignKeys.set(k.name, key)
    }
    tables.push({
      name,
      columns: cols.rows.map((c) => ({ name: c.name, affinity: affinityOf(c.type), notNull: c.notnull })),
      foreignKeys: [...foreignKeys.values()],
      primaryKey: keys.rows.filter((k) => k.contype === 'p').map((k) => k.from),
    })
  }
  return tables
}

/** Kahn's topological sort on the foreign keys (a table's keys to itself do not count). */
function parentsFirst(tables: TableInfo[]): TableInfo[] {
  const names = new Set(tables.map((t) => t.name))
  const waitingOn = new Map(tables.map((t) => [t.name, new Set(t.foreignKeys.map((k) => k.table).filter((p) => p !== t.name && names.has(p)))]))
  const ordered: TableInfo[] = []
  while (ordered.length < tables.length) {
    const ready = tables.filter((t) => !ordered.includes(t) && waitingOn.get(t.name)!.size === 0)
    // A cycle between tables (none today) would need deferred foreign keys; fail loudly rather than
    // write a backup that cannot be restored.
    if (!ready.length) throw new Error(`the foreign keys of ${tables.filter((t) => !ordered.includes(t)).map((t) => t.name).join(', ')} form a cycle`)
    for (const t of ready) {
      ordered.push(t)
      for (const deps of waitingOn.values()) deps.delete(t.name)
    }
  }
  return ordered
}

/** Names of the migrations applied to this database, oldest first; the last is its schema version. */
export async function listAppliedMigrations(db: Conn): Promise<string[]> {
  const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db)
  return rows.rows.map((r) => r.name)
}

export async function countRows(db: Conn, table: string): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.id(table)}`.execute(db)
  return Number(r.rows[0]?.n ?? 0)
}

/** Where a paged read stopped: null before the first page. */
export type RowCursor = number | unknown[] | null

/**
 * Up to `limit` rows of `table` after `after`, as stored, column names as keys. SQLite pages by
 * rowid (which for tables with an integer id is id order: parents before replies), PostgreSQL by
 * primary key. Paging keeps memory flat and, inside one transaction (REPEATABLE READ on
 * PostgreSQL), reads one consistent snapshot.
 */
export async function readRowsAfter(db: Conn, table: TableInfo, after: RowCursor, limit: number): Promise<{ rows: Record<string, unknown>[]; last: RowCursor }> {
  const columns = sql.join(table.columns.map((c) => sql.id(c.name)))
  if (dialectOf(db) === 'postgres') {
    if (!table.primaryKey.length) throw new Error(`table ${table.name} has no primary key, which backups need`)
    const key = sql.join(table.primaryKey.map((c) => sql.id(c)))
    const from = Array.isArray(after) ? sql`WHERE (${key}) > (${sql.join(after)})` : sql``
    const result = await sql<Record<string, unknown>>`
      SELECT ${columns} FROM ${sql.id(table.name)} ${from} ORDER BY ${key} LIMIT ${limit}`.execute(db)
    const last = result.rows.at(-1)
    return { rows: result.rows, last: last ? table.primaryKey.map((c) => last[c]) : after }
  }
  const result = await sql<Record<string, unknown>>`
    SELECT rowid AS ${sql.id(ROWID)}, ${columns} FROM ${sql.id(table.name)}
    WHERE rowid > ${typeof after === 'number' ? after : 0} ORDER BY rowid LIMIT ${limit}`.execute(db)
  let last = after
  const rows = result.rows.map((r) => {
    last = Number(r[ROWID])
    const { [ROWID]: _, ...row } = r
    return row
  })
  return { rows, last }
}

/** The AUTOINCREMENT counters of the given tables (the highest id ever handed out, even if that row is gone). */
export async function readSequences(db: Conn, tables: readonly string[]): Promise<Record<string, number>> {
  if (dialectOf(db) === 'postgres') {
    const out: Record<string, number> = {}
    for (const { table, seq } of await identitySequences(db)) {
      if (!tables.includes(table)) continue
      const r = await sql<{ n: number | null }>`SELECT pg_sequence_last_value(${seq}::regclass) AS n`.execute(db)
      if (r.rows[0]?.n != null) out[table] = Number(r.rows[0].n)
    }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)))
  }
  const exists = await sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_sequence'`.execute(db)
  if (!Number(exists.rows[0]?.n)) return {}
  const rows = await sql<{ name: string; seq: number }>`SELECT name, seq FROM sqlite_sequence ORDER BY name`.execute(db)
  return Object.fromEntries(rows.rows.filter((r) => tables.includes(r.name)).map((r) => [r.name, Number(r.seq)]))
}

/** The sequence behind each identity (id) column of the schema, by table (PostgreSQL). */
async function identitySequences(db: Conn): Promise<{ table: string; column: string; seq: string }[]> {
  const rows = await sql<{ table: string; column: string; seq: string }>`
    SELECT table_name AS "table", column_name AS "column", pg_get_serial_sequence(quote_ident(table_name), column_name) AS seq
    FROM information_schema.columns
    WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name`.execute(db)
  return rows.rows.filter((r) => r.seq !== null)
}

/** What a site already holds: the tables that have rows (bookkeeping settings aside), with their counts. */
export async function findSiteContent(db: Conn, tables: readonly TableInfo[]): Promise<{ table: string; rows: number }[]> {
  const found: { table: string; rows: number }[] = []
  for (const t of tables) {
    const n =
      t.name === 'settings'
        ? Number((await sql<{ n: number }>`SELECT count(*) AS n FROM settings WHERE key NOT IN (${sql.join(BOOKKEEPING_SETTINGS)})`.execute(db)).rows[0]?.n ?? 0)
        : await countRows(db, t.name)
    if (n > 0) found.push({ table: t.name, rows: n })
  }
  return found
}

/**
 * Opens the restore inside `trx`: takes the write lock at once (so no other writer slips in
 * between the check and the inserts), checks again that the site is empty, and clears the
 * bookkeeping settings, which the backup brings its own values for.
 */
export async function beginRestore(trx: Tx, tables: readonly TableInfo[]): Promise<{ table: string; rows: number }[]> {
  // SQLite: the DELETE below takes the database's one write lock. PostgreSQL locks rows, so the
  // tables are locked against writers (readers go on) until the restore commits or rolls back.
  if (dialectOf(trx) === 'postgres') await sql`LOCK TABLE ${sql.join(tables.map((t) => sql.id(t.name)))} IN EXCLUSIVE MODE`.execute(trx)
  await sql`DELETE FROM settings WHERE key IN (${sql.join(BOOKKEEPING_SETTINGS)})`.execute(trx)
  return findSiteContent(trx, tables)
}

/** One row refused by the database, by its index in the rows given, with the column to blame. */
export type RowProblem = { index: number; column: string; message: string }

/** A value ready to bind: what SQLite stores. */
export type SqlValue = string | number | Buffer | null

// SQLite caps the bound values of one statement at 32766, PostgreSQL at 65535; stay well below.
const MAX_VALUES_PER_INSERT = 8000

/**
 * Inserts rows (values in `columns` order) with their ids as given, many per statement. When a
 * statement is refused (a duplicate, a missing parent), the database undoes just that statement;
 * its rows are then inserted one by one to find which were refused and why, and the rest go in.
 */
export async function insertRows(trx: Tx, table: TableInfo, columns: readonly string[], rows: readonly SqlValue[][]): Promise<RowProblem[]> {
  const problems: RowProblem[] = []
  const perStatement = Math.max(1, Math.floor(MAX_VALUES_PER_INSERT / Math.max(1, columns.length)))
  const head = sql`INSERT INTO ${sql.id(table.name)} (${sql.join(columns.map((c) => sql.id(c)))}) VALUES `
  const run = (batch: readonly SqlValue[][]) => sql`${head}${sql.join(batch.map((r) => sql`(${sql.join(r)})`))}`.execute(trx)
  // A refused statement aborts a PostgreSQL transaction; a savepoint around each undoes just that
  // statement, as SQLite does by itself.
  const postgres = dialectOf(trx) === 'postgres'
  const insert = async (batch: readonly SqlValue[][]) => {
    if (!postgres) return run(batch)
    await sql`SAVEPOINT dramalog_insert`.execute(trx)
    try {
      await run(batch)
    } catch (err) {
      await sql`ROLLBACK TO SAVEPOINT dramalog_insert`.execute(trx)
      throw err
    } finally {
      await sql`RELEASE SAVEPOINT dramalog_insert`.execute(trx)
    }
  }
  for (let from = 0; from < rows.length; from += perStatement) {
    const batch = rows.slice(from, from + perStatement)
    try {
      await insert(batch)
    } catch (err) {
      if (!isConstraintError(err)) throw err
      for (const [i, row] of batch.entries()) {
        try {
          await insert([row])
        } catch (one) {
          if (!isConstraintError(one)) throw one
          problems.push({ index: from + i, ...(await explain(trx, table, columns, row, one)) })
        }
      }
    }
  }
  return problems
}

type DatabaseError = Error & { code: string; detail?: string; column?: string }

// better-sqlite3's errors carry SQLite's extended result code, e.g. SQLITE_CONSTRAINT_UNIQUE;
// pg's carry PostgreSQL's SQLSTATE: class 23 for constraints, 22 for values a column cannot take
// (text in an integer column, which SQLite stores as it is).
const isConstraintError = (err: unknown): err is DatabaseError => {
  const code: unknown = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined
  return typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || /^2[23][0-9A-Z]{3}$/.test(code))
}

/** The kind of constraint an error of either database reports. */
function constraintKind(err: DatabaseError): 'foreign_key' | 'unique' | 'not_null' | 'other' {
  if (err.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || err.code === '23503') return 'foreign_key'
  if (err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || err.code === '23505') return 'unique'
  if (err.code === 'SQLITE_CONSTRAINT_NOTNULL' || err.code === '23502') return 'not_null'
  return 'other'
}

/** Names the column and the reason of a refused row, in words about the backup rather than SQL. */
async function explain(trx: Tx, table: TableInfo, columns: readonly string[], row: readonly SqlValue[], err: DatabaseError) {
  const valueOf = (c: string) => row[columns.indexOf(c)]
  const kind = constraintKind(err)
  if (kind === 'foreign_key') {
    for (const fk of table.foreignKeys) {
      const values = fk.columns.map(valueOf)
      if (values.some((v) => v === null || v === undefined)) continue
      const match = sql.join(fk.to.map((to, i) => sql`${sql.id(to)} = ${values[i]}`), sql` AND `)
      const found = await sql`SELECT 1 FROM ${sql.id(fk.table)} WHERE ${match} LIMIT 1`.execute(trx)
      if (!found.rows.length) {
        return { column: fk.columns.join(','), message: `refers to ${fk.table} ${fk.to.join(',')} ${values.join(',')}, which is not in the backup before this row` }
      }
    }
    return { column: '(row)', message: 'refers to a row that is not in the backup' }
  }
  // SQLite: "UNIQUE constraint failed: reviews.slug" and the like name the table's columns.
  // PostgreSQL: the detail "Key (slug)=(…) already exists." does, or the error's column.
  const named =
    /constraint failed: (.+)$/.exec(err.message)?.[1]?.split(', ').map((c) => c.replace(/^[^.]*\./, '')) ??
    /^Key \((.+?)\)=/.exec(err.detail ?? '')?.[1]?.split(', ').map((c) => c.replace(/^"|"$/g, '')) ??
    (err.column ? [err.column] : [])
  const column = named.join(',') || '(row)'
  if (kind === 'unique') return { column, message: `${named.map((c) => JSON.stringify(valueOf(c))).join(', ')} is used by an earlier row too` }
  if (kind === 'not_null') return { column, message: 'must not be null' }
  return { column, message: `refused by the database (${err.message})` }
}

/**
 * Closes a restore: raises the AUTOINCREMENT counters to where the backed-up site had them (so a
 * new row never takes the id of one deleted before the backup), checks every foreign key once
 * more, rebuilds the search index from the restored reviews and bumps the content version, so
 * page caches of any running server refresh. Returns foreign keys still broken (none expected:
 * rows are checked as they go in).
 */
export async function finishRestore(trx: Tx, sequences: Readonly<Record<string, number>>): Promise<{ table: string; parent: string }[]> {
  if (dialectOf(trx) === 'postgres') return finishPostgresRestore(trx, sequences)
  for (const [name, seq] of Object.entries(sequences)) {
    const updated = await sql`UPDATE sqlite_sequence SET seq = max(seq, ${seq}) WHERE name = ${name}`.execute(trx)
    if (!Number(updated.numAffectedRows ?? 0)) await sql`INSERT INTO sqlite_sequence (name, seq) VALUES (${name}, ${seq})`.execute(trx)
  }
  const broken = await sql<{ table: string; parent: string }>`SELECT "table", parent FROM pragma_foreign_key_check`.execute(trx)
  // A backup always has the content version; a hand-made one may not, and the bump needs the row.
  await sql`INSERT INTO settings (key, value) VALUES ('content_version', '0') ON CONFLICT (key) DO NOTHING`.execute(trx)
  await searchIndexFor(trx).rebuild(trx)
  await bumpContentVersion(trx)
  return broken.rows
}

/**
 * PostgreSQL checks foreign keys row by row, so none can be broken here. Rows came in with their
 * ids, which a sequence does not see: each is set to the highest id there is, or the backup's
 * counter when that is higher.
 */
async function finishPostgresRestore(trx: Tx, sequences: Readonly<Record<string, number>>): Promise<{ table: string; parent: string }[]> {
  for (const { table, column, seq } of await identitySequences(trx)) {
    const r = await sql<{ n: number | null }>`SELECT max(${sql.id(column)}) AS n FROM ${sql.id(table)}`.execute(trx)
    const highest = Math.max(Number(r.rows[0]?.n ?? 0), sequences[table] ?? 0)
    if (highest > 0) await sql`SELECT setval(${seq}::regclass, ${highest})`.execute(trx)
  }
  await sql`INSERT INTO settings (key, value) VALUES ('content_version', '0') ON CONFLICT (key) DO NOTHING`.execute(trx)
  await searchIndexFor(trx).rebuild(trx)
  await bumpContentVersion(trx)
  return []
}
