import type { Kysely } from 'kysely'
import { autoId } from '../dialect.ts'

// Lists of shows: a list's own fields, and its entries in order, each linking a review or naming
// a show by title (kept when the review is deleted).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('lists')
    .addColumn('id', 'integer', autoId(db))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // 1 ranked (the order is a ranking), 0 not; integers keep SQLite and PostgreSQL alike.
    .addColumn('ranked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // Identifies an imported list across re-imports (`letterboxd:list:…`); null for lists made here.
    .addColumn('source_id', 'text', (c) => c.unique())
    .execute()
  await db.schema.createIndex('lists_status_published').on('lists').columns(['status', 'published_at']).execute()
  await db.schema
    .createTable('list_entries')
    .addColumn('id', 'integer', autoId(db))
    .addColumn('list_id', 'integer', (c) => c.notNull().references('lists.id').onDelete('cascade'))
    // Not unique: moving an entry swaps two positions inside one transaction.
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('review_id', 'integer', (c) => c.references('reviews.id').onDelete('set null'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('year', 'integer')
    .addColumn('origin_code', 'text')
    .addColumn('note', 'text')
    .execute()
  await db.schema.createIndex('list_entries_list_position').on('list_entries').columns(['list_id', 'position']).execute()
  await db.schema.createIndex('list_entries_review').on('list_entries').column('review_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('list_entries').execute()
  await db.schema.dropTable('lists').execute()
}
