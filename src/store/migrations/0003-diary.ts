import type { Kysely } from 'kysely'
import { autoId } from '../dialect.ts'

// The watch diary: what was watched, when and how far, with or without a review.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('diary_entries')
    .addColumn('id', 'integer', autoId(db))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('origin_code', 'text')
    .addColumn('platform', 'text')
    .addColumn('started_on', 'text')
    .addColumn('finished_on', 'text')
    .addColumn('episodes_watched', 'integer')
    .addColumn('episodes_total', 'integer')
    .addColumn('rewatch', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('meter_value', 'integer')
    .addColumn('meter_max', 'integer')
    .addColumn('note', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    // Deleting a review keeps the watch; only the link goes.
    .addColumn('review_id', 'integer', (c) => c.references('reviews.id').onDelete('set null'))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('diary_entries_finished').on('diary_entries').column('finished_on').execute()
  await db.schema.createIndex('diary_entries_status').on('diary_entries').column('status').execute()
  await db.schema.createIndex('diary_entries_review').on('diary_entries').column('review_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('diary_entries').execute()
}
