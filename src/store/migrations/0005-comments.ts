import type { Kysely } from 'kysely'
import { autoId } from '../dialect.ts'

// Reader comments with their moderation state, the people whose comments skip the queue, and the
// recent posts of each address (kept in the database so every app server shares the rate limit).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('comments')
    .addColumn('id', 'integer', autoId(db))
    .addColumn('review_id', 'integer', (c) => c.notNull().references('reviews.id').onDelete('cascade'))
    // One level of replies: a reply's parent is always a top-level comment; deleting it takes the replies along.
    .addColumn('parent_id', 'integer', (c) => c.references('comments.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('author_email', 'text')
    .addColumn('author_url', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('trust_key', 'text')
    // 1 for replies written by the site's people from the moderation page.
    .addColumn('by_author', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    // A keyed hash, not the address: enough to tell posts from one address apart, useless if the database leaks.
    .addColumn('ip_hash', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('moderated_at', 'text')
    .addColumn('moderated_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute()
  await db.schema.createIndex('comments_review_status').on('comments').columns(['review_id', 'status', 'created_at']).execute()
  await db.schema.createIndex('comments_status_created').on('comments').columns(['status', 'created_at']).execute()
  await db.schema.createIndex('comments_parent').on('comments').column('parent_id').execute()

  await db.schema
    .createTable('comment_trust')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute()

  await db.schema
    .createTable('comment_posts')
    .addColumn('id', 'integer', autoId(db))
    .addColumn('ip_hash', 'text', (c) => c.notNull())
    .addColumn('posted_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('comment_posts_ip').on('comment_posts').columns(['ip_hash', 'posted_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['comment_posts', 'comment_trust', 'comments']) await db.schema.dropTable(t).execute()
}
