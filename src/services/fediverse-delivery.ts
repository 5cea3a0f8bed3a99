import { signRequest } from '../domain/http-signatures.ts'
import { createActivity } from '../formats/activitystreams.ts'
import { claimDelivery, finishDelivery, listDueDeliveries, queueActivity, queueReviewDeliveries, type Delivery } from '../store/activitypub.ts'
import type { Tx } from '../store/db.ts'
import { findReviewById } from '../store/reviews.ts'
import { loadFederation, type Federation } from './fediverse-actor.ts'
import { RemoteRequestError, remoteRequest } from './remote-request.ts'
import type { Site } from './site.ts'

// Deliveries are rows in the database, so they survive restarts, and every app server works the
// queue on its timer: a server claims a due row with one conditional UPDATE (a lease), sends it,
// and records the outcome; a server that dies mid-send loses its lease and another one retries.

/** Waits before each retry: the nth failed attempt is retried after RETRY_DELAYS_S[n-1] seconds; after the last, the delivery is given up. */
export const RETRY_DELAYS_S = [30, 120, 600, 3600, 3 * 3600, 12 * 3600, 24 * 3600] as const
/** How long a claimed delivery stays with the server that claimed it. */
const LEASE_MS = 2 * 60_000

/**
 * Queues a newly published review for every follower's inbox (in the transaction that publishes
 * it). A review is announced once: publishing it again later queues nothing new.
 */
export async function queueReviewForFollowers(trx: Tx, reviewId: number, now: Date): Promise<number> {
  return queueReviewDeliveries(trx, reviewId, now.toISOString())
}

/** Queues a whole activity for one inbox; `dedupeKey` names it, so queueing it twice sends it once. */
export async function queueActivityFor(site: Site, inbox: string, activity: Record<string, unknown>, dedupeKey: string, now = new Date()): Promise<void> {
  await queueActivity(site.db, { dedupeKey, inbox, activity: JSON.stringify(activity), now: now.toISOString() })
}

export type DeliveryRound = { delivered: number; retrying: number; failed: number }

/**
 * Sends the deliveries that are due, each by the one server that claims it. Succeeded on a 2xx
 * answer; refusals that will not change (4xx other than 401, 408, 429) give up at once; anything
 * else is retried later, up to the last of RETRY_DELAYS_S.
 */
export async function deliverDue(site: Site, now = new Date(), limit = 50): Promise<DeliveryRound> {
  const round: DeliveryRound = { delivered: 0, retrying: 0, failed: 0 }
  const iso = now.toISOString()
  const due = await listDueDeliveries(site.db, iso, limit)
  if (!due.length) return round
  const fed = await loadFederation(site)
  if (!fed) return round
  for (const d of due) {
    if (!(await claimDelivery(site.db, d.id, iso, new Date(now.getTime() + LEASE_MS).toISOString()))) continue
    const outcome = await deliverOne(site, fed, d)
    const attempt = d.attempts + 1
    if (outcome.ok) {
      await finishDelivery(site.db, d.id, { status: 'delivered', now: new Date().toISOString() })
      round.delivered++
    } else if (outcome.permanent || attempt > RETRY_DELAYS_S.length) {
      await finishDelivery(site.db, d.id, { status: 'failed', error: outcome.error })
      round.failed++
    } else {
      const next = new Date(now.getTime() + RETRY_DELAYS_S[attempt - 1]! * 1000).toISOString()
      await finishDelivery(site.db, d.id, { status: 'pending', nextAttemptAt: next, error: outcome.error })
      round.retrying++
    }
  }
  return round
}

async function deliverOne(site: Site, fed: Federation, d: Delivery): Promise<{ ok: true } | { ok: false; permanent: boolean; error: string }> {
  let body: string
  if (d.reviewId !== null) {
    const record = await findReviewById(site.db, d.reviewId)
    if (!record || record.doc.status !== 'published') return { ok: false, permanent: true, error: 'the review is no longer published' }
    body = JSON.stringify(createActivity(record, fed.urls, fed.settings))
  } else if (d.activity !== null) body = d.activity
  else return { ok: false, permanent: true, error: 'nothing to send' }
  const headers = signRequest({ method: 'POST', url: d.inbox, body, keyId: fed.urls.keyId, privateKeyPem: fed.privateKeyPem })
  try {
    const res = await remoteRequest(d.inbox, { method: 'POST', headers: { ...headers, 'content-type': 'application/activity+json' }, body }, { allowLoopback: site.fediverseLoopback })
    if (res.status >= 200 && res.status < 300) return { ok: true }
    const permanent = res.status >= 400 && res.status < 500 && ![401, 408, 429].includes(res.status)
    return { ok: false, permanent, error: `${res.status} ${res.body.slice(0, 200)}`.trim() }
  } catch (err) {
    // An inbox this server may not reach (a private address) stays unreachable.
    return { ok: false, permanent: err instanceof RemoteRequestError && err.refused, error: (err as Error).message }
  }
}
