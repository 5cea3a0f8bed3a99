import type { Kysely } from 'kysely'
import { autoId } from '../dialect.ts'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', autoId(db))
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  // The id is a hash of the cookie's token: a copy of the database does not hold live sessions.
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute()

  await db.schema
    .createTable('login_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .execute()

  await db.schema.alterTable('reviews').addColumn('author_id', 'integer', (c) => c.references('users.id').onDelete('set null')).execute()

  // Every save of a review keeps its whole document, for history, diffs and restore.
  await db.schema
    .createTable('revisions')
    .addColumn('id', 'integer', autoId(db))
    .addColumn('review_id', 'integer', (c) => c.notNull().references('reviews.id').onDelete('cascade'))
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('doc_json', 'text', (c) => c.notNull())
    .addColumn('saved_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('saved_at', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addUniqueConstraint('revisions_review_revision', ['review_id', 'revision'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('revisions').execute()
  await db.schema.alterTable('reviews').dropColumn('author_id').execute()
  for (const t of ['login_throttle', 'sessions', 'users']) await db.schema.dropTable(t).execute()
}
