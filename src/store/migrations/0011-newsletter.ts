import type { Kysely } from 'kysely'
import { autoId } from '../dialect.ts'

// The newsletter: readers who subscribed by email (double opt-in), and the durable queue of review
// emails to send them, worked by every app server as the fediverse deliveries are.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('newsletter_subscribers')
    .addColumn('id', 'integer', autoId(db))
    // Trimmed and lower-cased, so one address is one subscriber however it was typed.
    .addColumn('email', 'text', (c) => c.notNull().unique())
    // `pending` until the link in the confirmation email is followed, then `confirmed`; `unsubscribed` after.
    .addColumn('state', 'text', (c) => c.notNull())
    // Only the SHA-256 of the confirmation link's token is kept; the link works once, until it expires.
    .addColumn('confirm_token_hash', 'text', (c) => c.unique())
    .addColumn('confirm_expires_at', 'text')
    // When the last confirmation email went out: a second one for the same address waits a while.
    .addColumn('confirm_sent_at', 'text')
    // Carried in every email's unsubscribe link and List-Unsubscribe header.
    .addColumn('unsubscribe_token', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('unsubscribed_at', 'text')
    .execute()
  await db.schema.createIndex('newsletter_subscribers_state').on('newsletter_subscribers').column('state').execute()

  await db.schema
    .createTable('newsletter_sends')
    .addColumn('id', 'integer', autoId(db))
    .addColumn('review_id', 'integer', (c) => c.notNull().references('reviews.id').onDelete('cascade'))
    .addColumn('subscriber_id', 'integer', (c) => c.notNull().references('newsletter_subscribers.id').onDelete('cascade'))
    // `pending`, `sent` or `failed` (given up, or the address unsubscribed before its turn).
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    // An app server that claimed the send owns it until then; after a crash another takes over.
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    // One review reaches one address once, however often it is published or queued.
    .addUniqueConstraint('newsletter_sends_once', ['review_id', 'subscriber_id'])
    .execute()
  await db.schema.createIndex('newsletter_sends_due').on('newsletter_sends').columns(['status', 'next_attempt_at']).execute()
  await db.schema.createIndex('newsletter_sends_subscriber').on('newsletter_sends').column('subscriber_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['newsletter_sends', 'newsletter_subscribers']) await db.schema.dropTable(t).execute()
}
