import type { Kysely } from 'kysely'
import type { Tx } from '../db.ts'
import { createSearchTable, rebuildSearchIndex } from '../search.ts'

// Full-text search: an FTS5 table (see search.ts for its columns and why CJK text is indexed as
// character pairs), filled with the reviews already there. The index is derived data, so unlike
// other migrations this one uses the current definition rather than a frozen copy.
export async function up(db: Kysely<any>): Promise<void> {
  // Kysely runs SQLite migrations outside a transaction; one here means a failed fill leaves no table behind.
  await db.transaction().execute(async (trx) => {
    await createSearchTable(trx)
    await rebuildSearchIndex(trx as Tx)
  })
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('review_search').execute()
}
