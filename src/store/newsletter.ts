import { sql } from 'kysely'
import type { SubscriberState } from '../domain/newsletter.ts'
import type { Conn, Tx } from './db.ts'
import { insertRow } from './db.ts'
import { claimLeased, finishLeased, isDue, type LeaseOutcome } from './leased-queue.ts'

/** A reader on the newsletter's list. */
export type Subscriber = {
  id: number
  email: string
  state: SubscriberState
  confirmExpiresAt: string | null
  confirmSentAt: string | null
  unsubscribeToken: string
  createdAt: string
  confirmedAt: string | null
  unsubscribedAt: string | null
}

type Row = {
  id: number; email: string; state: string; confirm_expires_at: string | null; confirm_sent_at: string | null; unsubscribe_token: string; created_at: string
  confirmed_at: string | null; unsubscribed_at: string | null
}
const toSubscriber = (r: Row): Subscriber => ({
  id: r.id, email: r.email, state: r.state as SubscriberState, confirmExpiresAt: r.confirm_expires_at, confirmSentAt: r.confirm_sent_at,
  unsubscribeToken: r.unsubscribe_token, createdAt: r.created_at, confirmedAt: r.confirmed_at, unsubscribedAt: r.unsubscribed_at,
})
const COLUMNS = ['id', 'email', 'state', 'confirm_expires_at', 'confirm_sent_at', 'unsubscribe_token', 'created_at', 'confirmed_at', 'unsubscribed_at'] as const

export async function findSubscriberByEmail(db: Conn, email: string): Promise<Subscriber | undefined> {
  const r = await db.selectFrom('newsletter_subscribers').select(COLUMNS).where('email', '=', email).executeTakeFirst()
  return r && toSubscriber(r)
}

export async function findSubscriberByUnsubscribeToken(db: Conn, token: string): Promise<Subscriber | undefined> {
  const r = await db.selectFrom('newsletter_subscribers').select(COLUMNS).where('unsubscribe_token', '=', token).executeTakeFirst()
  return r && toSubscriber(r)
}

/** Adds an address waiting for confirmation; returns its id. */
export async function insertSubscriber(trx: Tx, s: { email: string; confirmTokenHash: string; confirmExpiresAt: string; unsubscribeToken: string; now: string }): Promise<number> {
  return insertRow(trx, 'newsletter_subscribers', {
    email: s.email, state: 'pending', confirm_token_hash: s.confirmTokenHash, confirm_expires_at: s.confirmExpiresAt, confirm_sent_at: s.now,
    unsubscribe_token: s.unsubscribeToken, created_at: s.now, confirmed_at: null, unsubscribed_at: null,
  })
}

/**
 * Gives a pending (or unsubscribed) address a new confirmation token; it stays in its state until
 * the link is followed. Only when the last email went out before `sentBefore`: returns false (and
 * changes nothing) when one was sent too recently.
 */
export async function renewConfirmation(trx: Tx, id: number, s: { confirmTokenHash: string; confirmExpiresAt: string; now: string; sentBefore: string }): Promise<boolean> {
  const r = await trx
    .updateTable('newsletter_subscribers')
    .set({ confirm_token_hash: s.confirmTokenHash, confirm_expires_at: s.confirmExpiresAt, confirm_sent_at: s.now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('confirm_sent_at', 'is', null), eb('confirm_sent_at', '<', s.sentBefore)]))
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Notes that a message about the address went out now (the "already subscribed" note): the resend wait applies to it too. */
export async function markConfirmationSent(trx: Tx, id: number, now: string, sentBefore: string): Promise<boolean> {
  const r = await trx
    .updateTable('newsletter_subscribers')
    .set({ confirm_sent_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('confirm_sent_at', 'is', null), eb('confirm_sent_at', '<', sentBefore)]))
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/**
 * Confirms the subscriber whose token hashes to `tokenHash`, if the token has not expired, and
 * spends the token (one UPDATE: a link followed twice at once confirms once). Returns the
 * subscriber, or undefined for an unknown, used or expired token.
 */
export async function confirmByTokenHash(trx: Tx, tokenHash: string, now: string): Promise<Subscriber | undefined> {
  const found = await trx.selectFrom('newsletter_subscribers').select(['id']).where('confirm_token_hash', '=', tokenHash).executeTakeFirst()
  if (!found) return undefined
  const r = await trx
    .updateTable('newsletter_subscribers')
    .set({ state: 'confirmed', confirmed_at: now, unsubscribed_at: null, confirm_token_hash: null, confirm_expires_at: null })
    .where('id', '=', found.id)
    .where('confirm_token_hash', '=', tokenHash)
    .where('confirm_expires_at', '>', now)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1 ? findSubscriberById(trx, found.id) : undefined
}

/** Marks the subscriber with this unsubscribe token as unsubscribed; returns it (also when it already was). */
export async function unsubscribeByToken(trx: Tx, token: string, now: string): Promise<Subscriber | undefined> {
  await trx
    .updateTable('newsletter_subscribers')
    .set({ state: 'unsubscribed', unsubscribed_at: now, confirm_token_hash: null, confirm_expires_at: null })
    .where('unsubscribe_token', '=', token)
    .where('state', '!=', 'unsubscribed')
    .execute()
  return findSubscriberByUnsubscribeToken(trx, token)
}

/** Removes a subscriber and everything queued for it; returns whether there was one. */
export async function deleteSubscriber(trx: Tx, id: number): Promise<boolean> {
  const r = await trx.deleteFrom('newsletter_subscribers').where('id', '=', id).executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

export async function countSubscribersByState(db: Conn): Promise<Record<SubscriberState, number>> {
  const rows = await db.selectFrom('newsletter_subscribers').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute()
  const out: Record<SubscriberState, number> = { pending: 0, confirmed: 0, unsubscribed: 0 }
  for (const r of rows) if (r.state in out) out[r.state as SubscriberState] = Number(r.n)
  return out
}

/** Subscribers, newest first. */
export async function listSubscribers(db: Conn, limit: number, offset = 0): Promise<Subscriber[]> {
  const rows = await db.selectFrom('newsletter_subscribers').select(COLUMNS).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute()
  return rows.map(toSubscriber)
}

/**
 * Queues review `reviewId` for every confirmed subscriber, in the transaction that publishes it.
 * The unique (review, subscriber) pair makes a second queueing of the same review (published,
 * unpublished, published again) a no-op for everyone it reached before. Returns how many were queued.
 */
export async function queueReviewSends(trx: Tx, reviewId: number, now: string): Promise<number> {
  const r = await trx
    .insertInto('newsletter_sends')
    .columns(['review_id', 'subscriber_id', 'status', 'next_attempt_at', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('newsletter_subscribers')
        .select([
          sql<number>`cast(${reviewId} as integer)`.as('review_id'),
          'id as subscriber_id',
          sql<string>`${'pending'}`.as('status'),
          sql<string>`${now}`.as('next_attempt_at'),
          sql<string>`${now}`.as('created_at'),
        ])
        // The WHERE also ends the SELECT for SQLite, which would read ON CONFLICT as part of a join.
        .where('state', '=', 'confirmed'),
    )
    .onConflict((oc) => oc.columns(['review_id', 'subscriber_id']).doNothing())
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0)
}

/** A queued email whose time has come, with what it needs to be written. */
export type DueSend = { id: number; reviewId: number; reviewSlug: string; subscriberId: number; attempts: number }

/** Sends whose time has come and that no app server holds, oldest first. */
export async function listDueSends(db: Conn, now: string, limit: number): Promise<DueSend[]> {
  const rows = await db
    .selectFrom('newsletter_sends as s')
    .innerJoin('reviews as r', 'r.id', 's.review_id')
    .select(['s.id', 's.review_id', 'r.slug', 's.subscriber_id', 's.attempts'])
    .where((eb) => isDue(eb, now, 's'))
    .orderBy('s.next_attempt_at')
    .orderBy('s.id')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ id: r.id, reviewId: r.review_id, reviewSlug: r.slug, subscriberId: r.subscriber_id, attempts: r.attempts }))
}

/** Takes a due send for this app server until `leaseUntil`, counting the attempt (see `claimLeased`). */
export async function claimSend(db: Conn, id: number, now: string, leaseUntil: string): Promise<boolean> {
  return claimLeased(db, 'newsletter_sends', id, now, leaseUntil)
}

/** Records how a claimed send went: sent, to be tried again at `nextAttemptAt`, or given up. */
export async function finishSend(
  db: Conn,
  id: number,
  outcome: { status: 'sent'; now: string } | Exclude<LeaseOutcome, { status: 'done' }>,
): Promise<void> {
  await finishLeased(db, 'newsletter_sends', id, outcome.status === 'sent' ? { status: 'done', now: outcome.now } : outcome)
}

export async function findSubscriberById(db: Conn, id: number): Promise<Subscriber | undefined> {
  const r = await db.selectFrom('newsletter_subscribers').select(COLUMNS).where('id', '=', id).executeTakeFirst()
  return r && toSubscriber(r)
}

export type SendStatus = 'pending' | 'sent' | 'failed'

export async function countSendsByStatus(db: Conn): Promise<Record<SendStatus, number>> {
  const rows = await db.selectFrom('newsletter_sends').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute()
  const out: Record<SendStatus, number> = { pending: 0, sent: 0, failed: 0 }
  for (const r of rows) if (r.status in out) out[r.status as SendStatus] = Number(r.n)
  return out
}

export type SendRow = { id: number; reviewTitle: string; email: string; status: SendStatus; attempts: number; nextAttemptAt: string; lastError: string | null; sentAt: string | null }

/** The newest sends, for the admin and for checks. */
export async function listSends(db: Conn, limit: number): Promise<SendRow[]> {
  const rows = await db
    .selectFrom('newsletter_sends as s')
    .innerJoin('reviews as r', 'r.id', 's.review_id')
    .innerJoin('newsletter_subscribers as n', 'n.id', 's.subscriber_id')
    .select(['s.id', 'r.title', 'n.email', 's.status', 's.attempts', 's.next_attempt_at', 's.last_error', 's.sent_at'])
    .orderBy('s.id', 'desc')
    .limit(limit)
    .execute()
  return rows.map((r) => ({
    id: r.id, reviewTitle: r.title, email: r.email, status: r.status as SendStatus, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, lastError: r.last_error,
    sentAt: r.sent_at,
  }))
}
