import { sql, type Kysely } from 'kysely'
import { autoId, floatType } from '../dialect.ts'

// Migrations take Kysely<any>: they describe the schema as it was then, not as DB types say now.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reviews')
    .addColumn('id', 'integer', autoId(db))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('native_title', 'text')
    .addColumn('romanized_title', 'text')
    .addColumn('year', 'integer')
    .addColumn('origin_code', 'text')
    .addColumn('season', 'integer')
    .addColumn('episodes', 'integer')
    .addColumn('platform', 'text')
    .addColumn('platform_slug', 'text')
    .addColumn('first_watch', 'integer')
    .addColumn('reviewed_on', 'text')
    .addColumn('meter_value', 'integer')
    .addColumn('meter_max', 'integer')
    .addColumn('hook', 'text')
    .addColumn('headline', 'text')
    .addColumn('intro_md', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('intro_html', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('poster_src', 'text')
    .addColumn('poster_credit', 'text')
    .addColumn('poster_alt', 'text')
    .addColumn('poster_width', 'integer')
    .addColumn('poster_height', 'integer')
    .addColumn('poster_color', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('published'))
    .addColumn('author', 'text')
    .addColumn('published_at', 'text')
    .addColumn('sort_date', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('render_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('reviews_status_sort').on('reviews').columns(['status', 'sort_date', 'id']).execute()
  await db.schema.createIndex('reviews_origin').on('reviews').column('origin_code').execute()
  await db.schema.createIndex('reviews_platform').on('reviews').column('platform_slug').execute()
  await db.schema.createIndex('reviews_year').on('reviews').column('year').execute()

  await db.schema
    .createTable('sections')
    .addColumn('id', 'integer', autoId(db))
    .addColumn('review_id', 'integer', (c) => c.notNull().references('reviews.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('aspect', 'text', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('body_md', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('score', floatType(db))
    .addColumn('score_max', 'integer')
    .addColumn('spoiler', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('sections_review_position', ['review_id', 'position'])
    .execute()

  await db.schema
    .createTable('links')
    .addColumn('review_id', 'integer', (c) => c.notNull().references('reviews.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('site', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addPrimaryKeyConstraint('links_pk', ['review_id', 'position'])
    .execute()

  await db.schema
    .createTable('tags')
    .addColumn('id', 'integer', autoId(db))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('review_tags')
    .addColumn('review_id', 'integer', (c) => c.notNull().references('reviews.id').onDelete('cascade'))
    .addColumn('tag_id', 'integer', (c) => c.notNull().references('tags.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('review_tags_pk', ['review_id', 'tag_id'])
    .execute()
  await db.schema.createIndex('review_tags_tag').on('review_tags').column('tag_id').execute()

  await db.schema
    .createTable('people')
    .addColumn('id', 'integer', autoId(db))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('review_people')
    .addColumn('review_id', 'integer', (c) => c.notNull().references('reviews.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('role', 'text')
    .addPrimaryKeyConstraint('review_people_pk', ['review_id', 'position'])
    .execute()
  await db.schema.createIndex('review_people_person').on('review_people').column('person_id').execute()

  await db.schema
    .createTable('songs')
    .addColumn('review_id', 'integer', (c) => c.notNull().references('reviews.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('songs_pk', ['review_id', 'position'])
    .execute()

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute()
  await sql`insert into settings (key, value) values ('content_version', '0')`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['songs', 'review_people', 'people', 'review_tags', 'tags', 'links', 'sections', 'reviews', 'settings']) {
    await db.schema.dropTable(table).execute()
  }
}
