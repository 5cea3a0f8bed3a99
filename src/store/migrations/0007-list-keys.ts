import { sql, type Kysely } from 'kysely'
import { dialectOf } from '../dialect.ts'

// Every list of the site (and each static build) reads the same few columns of every published
// review: its place in the newest-first order, what marks a change, and its facet values. Review
// rows are wide (they hold the review's Markdown and HTML), so these come from one covering index
// instead; it starts with the columns of the old (status, sort_date, id) index, which it replaces.
// Lists by title sort on lower(title), which gets an index of its own.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('reviews_list_keys')
    .on('reviews')
    .columns(['status', 'sort_date', 'id', 'slug', 'revision', 'updated_at', 'render_version', 'origin_code', 'platform_slug', 'platform', 'year', 'meter_value', 'meter_max'])
    .execute()
  await db.schema.dropIndex('reviews_status_sort').execute()
  // PostgreSQL sorts titles byte-wise, as SQLite does (see binaryText), so the index must too.
  const title = dialectOf(db) === 'postgres' ? sql`(lower(title) COLLATE "C")` : sql`lower(title)`
  await db.schema.createIndex('reviews_title_order').on('reviews').expression(sql`status, ${title}, id`).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('reviews_title_order').execute()
  await db.schema.createIndex('reviews_status_sort').on('reviews').columns(['status', 'sort_date', 'id']).execute()
  await db.schema.dropIndex('reviews_list_keys').execute()
}
