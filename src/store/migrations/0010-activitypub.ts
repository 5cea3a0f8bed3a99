import type { Kysely } from 'kysely'
import { autoId } from '../dialect.ts'

// Following from the fediverse: the remote accounts that follow the site (and those it follows),
// the remote actors whose keys checked a signature, the durable queue of activities to deliver,
// and a log of what the inbox took in. The site's own key pair lives in `settings`.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ap_followers')
    .addColumn('id', 'integer', autoId(db))
    .addColumn('actor_id', 'text', (c) => c.notNull().unique())
    .addColumn('inbox', 'text', (c) => c.notNull())
    // Servers with many followers take one delivery for all of them here.
    .addColumn('shared_inbox', 'text')
    .addColumn('handle', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('profile_url', 'text', (c) => c.notNull())
    .addColumn('follow_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('ap_following')
    .addColumn('id', 'integer', autoId(db))
    .addColumn('actor_id', 'text', (c) => c.notNull().unique())
    .addColumn('handle', 'text', (c) => c.notNull())
    .addColumn('inbox', 'text', (c) => c.notNull())
    .addColumn('follow_id', 'text', (c) => c.notNull())
    // `pending` until the account's server sends an Accept.
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text')
    .execute()

  await db.schema
    .createTable('ap_actors')
    .addColumn('actor_id', 'text', (c) => c.primaryKey())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('public_key_pem', 'text', (c) => c.notNull())
    .addColumn('inbox', 'text', (c) => c.notNull())
    .addColumn('shared_inbox', 'text')
    .addColumn('handle', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('profile_url', 'text', (c) => c.notNull())
    .addColumn('fetched_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('ap_actors_key').on('ap_actors').column('key_id').execute()

  await db.schema
    .createTable('ap_deliveries')
    .addColumn('id', 'integer', autoId(db))
    // What makes two deliveries the same (one activity to one inbox): queued twice, sent once.
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('inbox', 'text', (c) => c.notNull())
    // A review's Create is built when it is sent; other activities are stored whole in `activity`.
    .addColumn('review_id', 'integer', (c) => c.references('reviews.id').onDelete('cascade'))
    .addColumn('activity', 'text')
    // `pending`, `delivered` or `failed` (gave up).
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    // An app server that claimed the delivery owns it until then; after a crash another takes over.
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .execute()
  await db.schema.createIndex('ap_deliveries_due').on('ap_deliveries').columns(['status', 'next_attempt_at']).execute()
  await db.schema.createIndex('ap_deliveries_review').on('ap_deliveries').column('review_id').execute()

  await db.schema
    .createTable('ap_inbox_log')
    .addColumn('id', 'integer', autoId(db))
    .addColumn('activity_id', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    // What was done with it: `follower added`, `comment 12 pending`, `ignored: …`.
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('ap_inbox_log_received').on('ap_inbox_log').column('received_at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['ap_inbox_log', 'ap_deliveries', 'ap_actors', 'ap_following', 'ap_followers']) await db.schema.dropTable(t).execute()
}
