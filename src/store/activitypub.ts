import { sql } from 'kysely'
import type { RemoteActor } from '../domain/activitypub.ts'
import type { Conn, Tx } from './db.ts'
import { claimLeased, finishLeased, isDue, type LeaseOutcome } from './leased-queue.ts'

/** A fediverse account following the site. */
export type Follower = { actorId: string; inbox: string; sharedInbox: string | null; handle: string; name: string; profileUrl: string; followId: string; createdAt: string }

/** Adds a follower, or refreshes its addresses and Follow when it follows again. */
export async function upsertFollower(trx: Tx, f: Follower): Promise<void> {
  const values = {
    actor_id: f.actorId, inbox: f.inbox, shared_inbox: f.sharedInbox, handle: f.handle, name: f.name, profile_url: f.profileUrl, follow_id: f.followId,
    created_at: f.createdAt,
  }
  const { actor_id: _, created_at: __, ...changes } = values
  await trx.insertInto('ap_followers').values(values).onConflict((oc) => oc.column('actor_id').doUpdateSet(changes)).execute()
}

/** Removes a follower; returns whether it was one. */
export async function removeFollower(trx: Tx, actorId: string): Promise<boolean> {
  const r = await trx.deleteFrom('ap_followers').where('actor_id', '=', actorId).executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

export async function countFollowers(db: Conn): Promise<number> {
  const r = await db.selectFrom('ap_followers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Followers, newest first. */
export async function listFollowers(db: Conn, limit: number): Promise<Follower[]> {
  const rows = await db.selectFrom('ap_followers').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
  return rows.map((r) => ({
    actorId: r.actor_id, inbox: r.inbox, sharedInbox: r.shared_inbox, handle: r.handle, name: r.name, profileUrl: r.profile_url, followId: r.follow_id,
    createdAt: r.created_at,
  }))
}

/** An account the site follows. */
export type Followed = { actorId: string; handle: string; inbox: string; followId: string; state: 'pending' | 'accepted'; createdAt: string; acceptedAt: string | null }

/** Records a Follow sent by the site (again: a new Follow id, pending until accepted). */
export async function upsertFollowing(trx: Tx, f: Omit<Followed, 'state' | 'acceptedAt'>): Promise<void> {
  const values = { actor_id: f.actorId, handle: f.handle, inbox: f.inbox, follow_id: f.followId, state: 'pending', created_at: f.createdAt, accepted_at: null }
  await trx
    .insertInto('ap_following')
    .values(values)
    .onConflict((oc) => oc.column('actor_id').doUpdateSet({ handle: f.handle, inbox: f.inbox, follow_id: f.followId, state: 'pending', accepted_at: null }))
    .execute()
}

/** Marks the site's Follow `followId` of `actorId` as accepted; returns whether it matched one. */
export async function acceptFollowing(trx: Tx, actorId: string, followId: string | null, now: string): Promise<boolean> {
  let q = trx.updateTable('ap_following').set({ state: 'accepted', accepted_at: now }).where('actor_id', '=', actorId)
  if (followId !== null) q = q.where('follow_id', '=', followId)
  const r = await q.executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

export async function listFollowing(db: Conn, limit: number): Promise<Followed[]> {
  const rows = await db.selectFrom('ap_following').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
  return rows.map((r) => ({
    actorId: r.actor_id, handle: r.handle, inbox: r.inbox, followId: r.follow_id, state: r.state as Followed['state'], createdAt: r.created_at,
    acceptedAt: r.accepted_at,
  }))
}

/** Keeps a remote actor as fetched (its key checks what it sends later). */
export async function cacheActor(db: Conn, a: RemoteActor, now: string): Promise<void> {
  const changes = {
    key_id: a.keyId, public_key_pem: a.publicKeyPem, inbox: a.inbox, shared_inbox: a.sharedInbox, handle: a.handle, name: a.name, profile_url: a.profileUrl,
    fetched_at: now,
  }
  await db.insertInto('ap_actors').values({ actor_id: a.id, ...changes }).onConflict((oc) => oc.column('actor_id').doUpdateSet(changes)).execute()
}

/** The cached actor whose key is `keyId`. */
export async function findActorByKey(db: Conn, keyId: string): Promise<(RemoteActor & { fetchedAt: string }) | undefined> {
  const r = await db.selectFrom('ap_actors').selectAll().where('key_id', '=', keyId).executeTakeFirst()
  return r && {
    id: r.actor_id, keyId: r.key_id, keyOwner: r.actor_id, publicKeyPem: r.public_key_pem, inbox: r.inbox, sharedInbox: r.shared_inbox, handle: r.handle,
    name: r.name, profileUrl: r.profile_url, fetchedAt: r.fetched_at,
  }
}

/**
 * Queues the Create of review `reviewId` for every follower, once per inbox: followers on one
 * server share its shared inbox, which takes one delivery for all of them. A review queued before
 * (published, unpublished, published again) is not queued twice. Returns how many were queued.
 */
export async function queueReviewDeliveries(trx: Tx, reviewId: number, now: string): Promise<number> {
  const target = sql<string>`coalesce(shared_inbox, inbox)`
  const r = await trx
    .insertInto('ap_deliveries')
    .columns(['dedupe_key', 'inbox', 'review_id', 'status', 'next_attempt_at', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('ap_followers')
        .select([
          sql<string>`${`create:${reviewId}:`} || ${target}`.as('dedupe_key'),
          target.as('inbox'),
          sql<number>`cast(${reviewId} as integer)`.as('review_id'),
          sql<string>`${'pending'}`.as('status'),
          sql<string>`${now}`.as('next_attempt_at'),
          sql<string>`${now}`.as('created_at'),
        ])
        .distinct()
        // SQLite reads "ON CONFLICT" after a bare SELECT as part of a join; a WHERE clause ends the SELECT.
        .where(sql<boolean>`1 = 1`),
    )
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0)
}

/** Queues one stored activity for one inbox; `dedupeKey` makes a second queueing of it a no-op. */
export async function queueActivity(db: Conn, d: { dedupeKey: string; inbox: string; activity: string; now: string }): Promise<void> {
  await db
    .insertInto('ap_deliveries')
    .values({ dedupe_key: d.dedupeKey, inbox: d.inbox, activity: d.activity, review_id: null, status: 'pending', next_attempt_at: d.now, created_at: d.now })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute()
}

export type Delivery = { id: number; inbox: string; reviewId: number | null; activity: string | null; attempts: number }

/** Deliveries whose time has come and that no app server holds, oldest first. */
export async function listDueDeliveries(db: Conn, now: string, limit: number): Promise<Delivery[]> {
  const rows = await db
    .selectFrom('ap_deliveries')
    .select(['id', 'inbox', 'review_id', 'activity', 'attempts'])
    .where((eb) => isDue(eb, now))
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ id: r.id, inbox: r.inbox, reviewId: r.review_id, activity: r.activity, attempts: r.attempts }))
}

/** Takes a due delivery for this app server until `leaseUntil`, counting the attempt (see `claimLeased`). */
export async function claimDelivery(db: Conn, id: number, now: string, leaseUntil: string): Promise<boolean> {
  return claimLeased(db, 'ap_deliveries', id, now, leaseUntil)
}

/** Records how a claimed delivery went: delivered, to be tried again at `nextAttemptAt`, or given up. */
export async function finishDelivery(
  db: Conn,
  id: number,
  outcome: { status: 'delivered'; now: string } | Exclude<LeaseOutcome, { status: 'done' }>,
): Promise<void> {
  await finishLeased(db, 'ap_deliveries', id, outcome.status === 'delivered' ? { status: 'done', now: outcome.now } : outcome)
}

export type DeliveryRow = { id: number; inbox: string; reviewId: number | null; status: string; attempts: number; nextAttemptAt: string; lastError: string | null; deliveredAt: string | null }

/** The newest deliveries, for the admin and for checks. */
export async function listDeliveries(db: Conn, limit: number): Promise<DeliveryRow[]> {
  const rows = await db.selectFrom('ap_deliveries').selectAll().orderBy('id', 'desc').limit(limit).execute()
  return rows.map((r) => ({
    id: r.id, inbox: r.inbox, reviewId: r.review_id, status: r.status, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, lastError: r.last_error,
    deliveredAt: r.delivered_at,
  }))
}

export async function countDeliveriesByStatus(db: Conn): Promise<Record<'pending' | 'delivered' | 'failed', number>> {
  const rows = await db.selectFrom('ap_deliveries').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute()
  const out = { pending: 0, delivered: 0, failed: 0 }
  for (const r of rows) if (r.status in out) out[r.status as keyof typeof out] = Number(r.n)
  return out
}

export type InboxEntry = { id: number; activityId: string | null; type: string; actorId: string; outcome: string; body: string; receivedAt: string }

export async function logInboxActivity(db: Conn, e: Omit<InboxEntry, 'id'>): Promise<void> {
  await db
    .insertInto('ap_inbox_log')
    .values({ activity_id: e.activityId, type: e.type, actor_id: e.actorId, outcome: e.outcome, body: e.body, received_at: e.receivedAt })
    .execute()
}

/** What the inbox took in, newest first. */
export async function listInboxLog(db: Conn, limit: number): Promise<InboxEntry[]> {
  const rows = await db.selectFrom('ap_inbox_log').selectAll().orderBy('id', 'desc').limit(limit).execute()
  return rows.map((r) => ({ id: r.id, activityId: r.activity_id, type: r.type, actorId: r.actor_id, outcome: r.outcome, body: r.body, receivedAt: r.received_at }))
}
