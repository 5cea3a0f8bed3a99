import { NotFoundError } from '../domain/errors.ts'
import { retryAfterFailure } from '../domain/newsletter.ts'
import type { Tx } from '../store/db.ts'
import { claimSend, finishSend, findSubscriberById, listDueSends, queueReviewSends } from '../store/newsletter.ts'
import { getSiteSettings } from '../store/settings.ts'
import { renderReviewEmail } from '../views/newsletter-email.tsx'
import { MailError, openMailer, type Mailer } from './mailer.ts'
import { newsletterBase, reviewEmailLinks, unsubscribeHeaders } from './newsletter.ts'
import { loadReviewPage, type ReviewPageData } from './pages.ts'
import type { Site } from './site.ts'

// Review emails are rows in the database, one per review and subscriber, so they survive restarts,
// and every app server works the queue on its timer: a server claims a due row with one conditional
// UPDATE (a lease), sends it, and records the outcome; a server that dies mid-send loses its lease
// and another one retries. The unique (review, subscriber) pair means one address gets one review once.

/** How long a claimed send stays with the server that claimed it. */
const LEASE_MS = 2 * 60_000

/**
 * Queues a newly published review for every confirmed subscriber, in the transaction that
 * publishes it. Nothing is queued on a site without a mail server.
 */
export async function queueReviewForSubscribers(site: Site, trx: Tx, reviewId: number, now: Date): Promise<number> {
  if (!site.mail) return 0
  return queueReviewSends(trx, reviewId, now.toISOString())
}

export type SendRound = { sent: number; retrying: number; failed: number }

/**
 * Sends the review emails that are due, each by the one server that claims it. A mail server's
 * 5xx refusal gives up at once; anything else (no answer, 4xx) is tried again later, up to the last
 * of NEWSLETTER_RETRY_DELAYS_S. An address that unsubscribed, or a review no longer published, is
 * not sent.
 */
export async function sendDueNewsletters(site: Site, now = new Date(), limit = 50): Promise<SendRound> {
  const round: SendRound = { sent: 0, retrying: 0, failed: 0 }
  if (!site.mail) return round
  const iso = now.toISOString()
  const due = await listDueSends(site.db, iso, limit)
  if (!due.length) return round
  const settings = await getSiteSettings(site.db)
  const base = newsletterBase(site, settings)
  // Links need the public address; the rows wait until it is set.
  if (!base) return round
  const reviews = new Map<number, ReviewPageData | null>()
  let mailer: Mailer | null = null
  try {
    for (const d of due) {
      if (!(await claimSend(site.db, d.id, iso, new Date(now.getTime() + LEASE_MS).toISOString()))) continue
      const subscriber = await findSubscriberById(site.db, d.subscriberId)
      if (!subscriber || subscriber.state !== 'confirmed') {
        await finishSend(site.db, d.id, { status: 'failed', error: 'the address unsubscribed' })
        round.failed++
        continue
      }
      if (!reviews.has(d.reviewId)) reviews.set(d.reviewId, await loadReviewPage(site, d.reviewSlug).catch((err: unknown) => (err instanceof NotFoundError ? null : Promise.reject(err))))
      const page = reviews.get(d.reviewId)
      if (!page) {
        await finishSend(site.db, d.id, { status: 'failed', error: 'the review is no longer published' })
        round.failed++
        continue
      }
      const links = reviewEmailLinks(base, page.record, subscriber.unsubscribeToken)
      mailer ??= openMailer(site.mail)
      try {
        await mailer.send({ ...renderReviewEmail(page.settings, page.record, links), to: subscriber.email, headers: unsubscribeHeaders(links.unsubscribe) })
        await finishSend(site.db, d.id, { status: 'sent', now: new Date().toISOString() })
        round.sent++
      } catch (err) {
        if (!(err instanceof MailError)) throw err
        const next = retryAfterFailure(d.attempts + 1, err.permanent, now)
        if ('giveUp' in next) {
          await finishSend(site.db, d.id, { status: 'failed', error: err.message })
          round.failed++
        } else {
          await finishSend(site.db, d.id, { status: 'pending', nextAttemptAt: next.retryAt, error: err.message })
          round.retrying++
        }
      }
    }
  } finally {
    mailer?.close()
  }
  return round
}
