import type { Kysely } from 'kysely'
import type { Tx } from '../db.ts'
import { searchIndexFor } from '../search-index.ts'

// Full-text search: the index of the database's dialect (search.ts, search-postgres.ts), filled
// with the reviews already there. The index is derived data, so unlike other migrations this one
// uses the current definition rather than a frozen copy.
export async function up(db: Kysely<any>): Promise<void> {
  const index = searchIndexFor(db)
  const fill = async (trx: Kysely<any>) => {
    await index.createTable(trx)
    await index.rebuild(trx as Tx)
  }
  // Kysely runs SQLite migrations outside a transaction; one here means a failed fill leaves no
  // table behind. PostgreSQL migrations already run in one.
  if (db.isTransaction) await fill(db)
  else await db.transaction().execute(fill)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('review_search').execute()
}
