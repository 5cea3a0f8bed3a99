// The SQL side of whole-site backups. Tables and columns are read from the database itself
// (sqlite_master and the table-valued pragmas), never listed by hand: a column or table that a
// later migration adds is carried by backups without anyone remembering to add it here.
import { sql } from 'kysely'
import type { Conn, Tx } from './db.ts'
import { rebuildSearchIndex } from './search.ts'
import { bumpContentVersion } from './settings.ts'

/**
 * Tables a backup leaves out, with the reason (also written into every backup's manifest).
 * The full-text index `review_search` is left out too, but by its kind (a virtual table and its
 * shadow tables): it is derived from the reviews and rebuilt on restore.
 */
export const LEFT_OUT_TABLES: Readonly<Record<string, string>> = {
  sessions: 'sign-ins are not carried: a restored site starts with everyone signed out',
  login_throttle: 'failed sign-in counters: short-lived rate-limit state',
  comment_posts: 'recent comments per address: short-lived rate-limit state',
}

/** Settings rows a brand-new site writes by itself; a site holding only these counts as empty. */
const BOOKKEEPING_SETTINGS = ['content_version', 'content_updated_at', 'comment_secret']

/** How SQLite converts values stored into a column, from its declared type (the rules of section 3.1 of its manual). */
export type Affinity = 'integer' | 'text' | 'blob' | 'real' | 'numeric'

export type ColumnInfo = { name: string; affinity: Affinity; notNull: boolean }
export type ForeignKey = { columns: string[]; table: string; to: string[] }
export type TableInfo = { name: string; columns: ColumnInfo[]; foreignKeys: ForeignKey[] }

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
 * Every table a backup holds, with its columns and foreign keys, parents before children (users
 * before reviews, reviews before sections…), so rows inserted in this order satisfy their foreign
 * keys as they arrive. Ties are broken by name, so the order is the same on every run.
 */
export async function describeBackupTables(db: Conn): Promise<TableInfo[]> {
  const listed = await sql<{ name: string; type: string; wr: number }>`
    SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main' ORDER BY name`.execute(db)
  const tables: TableInfo[] = []
  for (const t of listed.rows) {
    // Virtual and shadow tables are the search index; sqlite_* and kysely_* are bookkeeping each
    // database keeps for itself (the restored site has its own migration history).
    if (t.type !== 'table' || t.name.startsWith('sqlite_') || t.name.startsWith('kysely_') || Object.hasOwn(LEFT_OUT_TABLES, t.name)) continue
    // Rows are paged by rowid (see readRowsAfter); Dramalog creates no WITHOUT ROWID tables.
    if (t.wr) throw new Error(`table ${t.name} is WITHOUT ROWID, which backups do not handle`)
    const cols = await sql<{ name: string; type: string; notnull: number }>`
      SELECT name, type, "notnull" FROM pragma_table_info(${t.name}) ORDER BY cid`.execute(db)
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
    })
  }
  return parentsFirst(tables)
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

/**
 * Up to `limit` rows of `table` after the rowid `after`, in rowid order (which for tables with an
 * integer id is id order: parents before replies), as stored, column names as keys. Paging by
 * rowid keeps memory flat and, inside one transaction, reads one consistent snapshot.
 */
export async function readRowsAfter(db: Conn, table: TableInfo, after: number, limit: number): Promise<{ rows: Record<string, unknown>[]; last: number }> {
  const columns = sql.join(table.columns.map((c) => sql.id(c.name)))
  const result = await sql<Record<string, unknown>>`
    SELECT rowid AS ${sql.id(ROWID)}, ${columns} FROM ${sql.id(table.name)}
    WHERE rowid > ${after} ORDER BY rowid LIMIT ${limit}`.execute(db)
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
  const exists = await sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_sequence'`.execute(db)
  if (!Number(exists.rows[0]?.n)) return {}
  const rows = await sql<{ name: string; seq: number }>`SELECT name, seq FROM sqlite_sequence ORDER BY name`.execute(db)
  return Object.fromEntries(rows.rows.filter((r) => tables.includes(r.name)).map((r) => [r.name, Number(r.seq)]))
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
  await sql`DELETE FROM settings WHERE key IN (${sql.join(BOOKKEEPING_SETTINGS)})`.execute(trx)
  return findSiteContent(trx, tables)
}

/** One row refused by the database, by its index in the rows given, with the column to blame. */
export type RowProblem = { index: number; column: string; message: string }

/** A value ready to bind: what SQLite stores. */
export type SqlValue = string | number | Buffer | null

// SQLite caps the bound values of one statement at 32766; stay well below.
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
  const insert = (batch: readonly SqlValue[][]) => sql`${head}${sql.join(batch.map((r) => sql`(${sql.join(r)})`))}`.execute(trx)
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

// better-sqlite3's errors carry SQLite's extended result code, e.g. SQLITE_CONSTRAINT_UNIQUE.
const isConstraintError = (err: unknown): err is Error & { code: string } => {
  const code: unknown = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')
}

/** Names the column and the reason of a refused row, in words about the backup rather than SQL. */
async function explain(trx: Tx, table: TableInfo, columns: readonly string[], row: readonly SqlValue[], err: Error & { code: string }) {
  const valueOf = (c: string) => row[columns.indexOf(c)]
  if (err.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
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
  // "UNIQUE constraint failed: reviews.slug" and the like name the table's columns.
  const named = /constraint failed: (.+)$/.exec(err.message)?.[1]?.split(', ').map((c) => c.replace(/^[^.]*\./, '')) ?? []
  const column = named.join(',') || '(row)'
  if (err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return { column, message: `${named.map((c) => JSON.stringify(valueOf(c))).join(', ')} is used by an earlier row too` }
  }
  if (err.code === 'SQLITE_CONSTRAINT_NOTNULL') return { column, message: 'must not be null' }
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
  for (const [name, seq] of Object.entries(sequences)) {
    const updated = await sql`UPDATE sqlite_sequence SET seq = max(seq, ${seq}) WHERE name = ${name}`.execute(trx)
    if (!Number(updated.numAffectedRows ?? 0)) await sql`INSERT INTO sqlite_sequence (name, seq) VALUES (${name}, ${seq})`.execute(trx)
  }
  const broken = await sql<{ table: string; parent: string }>`SELECT "table", parent FROM pragma_foreign_key_check`.execute(trx)
  // A backup always has the content version; a hand-made one may not, and the bump needs the row.
  await sql`INSERT INTO settings (key, value) VALUES ('content_version', '0') ON CONFLICT (key) DO NOTHING`.execute(trx)
  await rebuildSearchIndex(trx)
  await bumpContentVersion(trx)
  return broken.rows
}
