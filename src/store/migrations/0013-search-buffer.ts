import { sql, type Kysely } from 'kysely'
import { dialectOf } from '../dialect.ts'
import { sizeWriteBuffer } from '../search.ts'

// SQLite's full-text index gathers more of a long transaction's terms in memory before writing
// them out (see `sizeWriteBuffer`): large imports index faster. PostgreSQL's index has no such setting.
export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'sqlite') await sizeWriteBuffer(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'sqlite') await sql`INSERT INTO review_search (review_search, rank) VALUES ('hashsize', ${sql.lit(1024 * 1024)})`.execute(db)
}
