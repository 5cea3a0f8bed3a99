import { randomBytes } from 'node:crypto'
import { rateLimitWait, COMMENT_RULES } from '../domain/comments.ts'
import { DramalogError, NotFoundError } from '../domain/errors.ts'
import { translatorFor } from '../domain/i18n.ts'
import { hashToken, isTokenShaped, NEWSLETTER_RULES, parseSubscriberEmail, type SubscriberState } from '../domain/newsletter.ts'
import { posterKey, posterVariantPath } from '../domain/media-paths.ts'
import type { ReviewRecord } from '../domain/records.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { absoluteUrl } from '../domain/structured-data.ts'
import { listRecentPosts, recordPost } from '../store/comments.ts'
import {
  confirmByTokenHash, countSendsByStatus, countSubscribersByState, deleteSubscriber, findSubscriberByEmail, findSubscriberByUnsubscribeToken, insertSubscriber,
  listSends, listSubscribers, markConfirmationSent, renewConfirmation, unsubscribeByToken, type SendRow, type SendStatus, type Subscriber,
} from '../store/newsletter.ts'
import { listPublishedReviews } from '../store/reviews.ts'
import { getSiteSettings } from '../store/settings.ts'
import { renderAlreadySubscribedEmail, renderConfirmationEmail, renderReviewEmail, type EmailContent } from '../views/newsletter-email.tsx'
import { commentSecret, hashAddress } from './comments.ts'
import { openMailer, type OutgoingMail } from './mailer.ts'
import { loadReviewPage } from './pages.ts'
import type { Site } from './site.ts'

// Readers subscribe with their email address (double opt-in: a pending address gets nothing until
// the link in its confirmation email is followed) and leave with one click. Pages never tell whether
// an address was on the list already: every accepted form gets the same answer.

// What readers and the admin are told when something is refused: the English catalogue's
// `form.newsletter.` messages, which the pages show in the site's language.
const EN = translatorFor('en').t

/** Thrown by `subscribe` when the form is refused; `field` names the input to fix. */
export class NewsletterRefusedError extends DramalogError {
  override name = 'NewsletterRefusedError' as const
  constructor(readonly reason: 'closed' | 'honeypot' | 'invalid' | 'rate_limited', message: string, readonly retryAfterSeconds: number | null = null) {
    super(reason === 'rate_limited' ? 'forbidden' : 'invalid_input', message)
  }
}

/** The public address newsletter links are made with, or null while the site has none. */
export function newsletterBase(site: Site, settings: SiteSettings): string | null {
  return site.baseUrl ?? settings.baseUrl ?? null
}

/** Whether readers can subscribe: a mail server is configured and the site knows its public address. */
export function isNewsletterOpen(site: Site, settings: SiteSettings): boolean {
  return site.mail !== null && newsletterBase(site, settings) !== null
}

const newToken = () => randomBytes(32).toString('base64url')

/** The links of one subscriber's copy of a review. Posters are linked as JPEG: mail programs rarely show AVIF or WebP. */
export function reviewEmailLinks(base: string, record: ReviewRecord, unsubscribeToken: string) {
  const src = record.doc.poster?.src ?? null
  const key = src ? posterKey(src) : null
  const poster = key ? absoluteUrl(base, posterVariantPath(key, 600, 'jpg')) : src && /^(https?:\/\/|\/)/i.test(src) ? absoluteUrl(base, src) : null
  return {
    site: absoluteUrl(base, '/'),
    review: absoluteUrl(base, `/reviews/${encodeURIComponent(record.doc.slug)}`),
    unsubscribe: unsubscribeUrl(base, unsubscribeToken),
    poster,
  }
}

export const unsubscribeUrl = (base: string, token: string) => absoluteUrl(base, `/newsletter/unsubscribe?token=${token}`)

/** RFC 8058 one-click unsubscribe: mail programs show an Unsubscribe button that POSTs to the address. */
export const unsubscribeHeaders = (url: string) => ({ 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' })

export type Subscribed = {
  /** The email being sent (the confirmation, or a note to an address already on the list); null when none was due. */
  sending: Promise<void> | null
}

/**
 * Takes an address from the subscribe form at `now`. A new, pending or unsubscribed address gets a
 * confirmation email with a fresh link (single use, valid NEWSLETTER_RULES.confirmTtlMs); a
 * confirmed one gets a note that it is subscribed already. One address gets at most one such email
 * per NEWSLETTER_RULES.resendAfterMs, and one client a few sign-ups per window (the comment form's
 * rate). The email goes out in the background; the caller answers the same whatever happened.
 */
export async function subscribe(site: Site, values: { email?: unknown; url?: unknown }, from: { ip: string }, now = new Date()): Promise<Subscribed> {
  const settings = await getSiteSettings(site.db)
  const base = newsletterBase(site, settings)
  if (!site.mail || !base) throw new NewsletterRefusedError('closed', EN('form.newsletter.closed'))
  if (typeof values.url === 'string' && values.url.trim()) throw new NewsletterRefusedError('honeypot', EN('form.newsletter.honeypot'))
  const parsed = parseSubscriberEmail(values.email)
  if (!parsed.ok) throw new NewsletterRefusedError('invalid', parsed.message)
  const email = parsed.email
  const secret = await commentSecret(site)
  const client = hashAddress(secret, `newsletter:${from.ip}`)
  const iso = now.toISOString()
  const sentBefore = new Date(now.getTime() - NEWSLETTER_RULES.resendAfterMs).toISOString()
  const expires = new Date(now.getTime() + NEWSLETTER_RULES.confirmTtlMs).toISOString()
  const token = newToken()
  const mail = await site.db.transaction().execute(async (trx): Promise<EmailContent | null> => {
    const wait = rateLimitWait(await listRecentPosts(trx, client, new Date(now.getTime() - COMMENT_RULES.rateWindowMs).toISOString()), now)
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60)
      throw new NewsletterRefusedError('rate_limited', EN('form.newsletter.rateLimitedWait', { count: minutes }), wait)
    }
    await recordPost(trx, client, iso, new Date(now.getTime() - COMMENT_RULES.rateWindowMs).toISOString())
    const existing = await findSubscriberByEmail(trx, email)
    const confirm = renderConfirmationEmail(settings, { site: absoluteUrl(base, '/'), confirm: absoluteUrl(base, `/newsletter/confirm?token=${token}`) }, NEWSLETTER_RULES.confirmTtlMs / 3_600_000)
    if (!existing) {
      await insertSubscriber(trx, { email, confirmTokenHash: hashToken(token), confirmExpiresAt: expires, unsubscribeToken: newToken(), now: iso })
      return confirm
    }
    if (existing.state === 'confirmed') {
      if (!(await markConfirmationSent(trx, existing.id, iso, sentBefore))) return null
      return renderAlreadySubscribedEmail(settings, { site: absoluteUrl(base, '/'), unsubscribe: unsubscribeUrl(base, existing.unsubscribeToken) })
    }
    return (await renewConfirmation(trx, existing.id, { confirmTokenHash: hashToken(token), confirmExpiresAt: expires, now: iso, sentBefore })) ? confirm : null
  })
  if (!mail) return { sending: null }
  const mailer = openMailer(site.mail)
  const sending = mailer
    .send({ ...mail, to: email })
    .catch((err: unknown) => console.error(`newsletter: the confirmation email could not be sent: ${(err as Error).message}`))
    .finally(() => mailer.close())
  return { sending }
}

/**
 * Confirms the subscription whose link carried `token`: the token works once, until it expires.
 * Returns the subscriber, or null for a link that is unknown, used or expired.
 */
export async function confirmSubscription(site: Site, token: unknown, now = new Date()): Promise<Subscriber | null> {
  if (!isTokenShaped(token)) return null
  return (await site.db.transaction().execute((trx) => confirmByTokenHash(trx, hashToken(token), now.toISOString()))) ?? null
}

/** The subscriber an unsubscribe link belongs to, or null (for the page that asks before unsubscribing). */
export async function findUnsubscribeTarget(site: Site, token: unknown): Promise<Subscriber | null> {
  if (!isTokenShaped(token)) return null
  return (await findSubscriberByUnsubscribeToken(site.db, token)) ?? null
}

/** Unsubscribes the address whose link carried `token`; nothing more is sent to it. Null for an unknown link. */
export async function unsubscribe(site: Site, token: unknown, now = new Date()): Promise<Subscriber | null> {
  if (!isTokenShaped(token)) return null
  return (await site.db.transaction().execute((trx) => unsubscribeByToken(trx, token, now.toISOString()))) ?? null
}

/** Removes a subscriber from the list for good, with what was queued for it (the admin's Remove). */
export async function removeSubscriber(site: Site, id: number): Promise<void> {
  const removed = await site.db.transaction().execute((trx) => deleteSubscriber(trx, id))
  if (!removed) throw new NotFoundError('subscriber', String(id))
}

/** How the mail server is configured, for the admin (never its password). */
export type MailSetup = { configured: false } | { configured: true; server: string; from: string }

/** What the admin's Newsletter page shows. */
export type NewsletterOverview = {
  mail: MailSetup
  /** The public address links are made with; null while the site has none. */
  base: string | null
  subscriberCounts: Record<SubscriberState, number>
  subscribers: Subscriber[]
  sendCounts: Record<SendStatus, number>
  sends: SendRow[]
}

/** The newest subscribers shown by the admin. */
export const ADMIN_SUBSCRIBERS_SHOWN = 200

export async function loadNewsletterOverview(site: Site): Promise<NewsletterOverview> {
  const settings = await getSiteSettings(site.db)
  const [subscriberCounts, subscribers, sendCounts, sends] = await Promise.all([
    countSubscribersByState(site.db), listSubscribers(site.db, ADMIN_SUBSCRIBERS_SHOWN), countSendsByStatus(site.db), listSends(site.db, 20),
  ])
  let mail: MailSetup = { configured: false }
  if (site.mail) {
    const u = new URL(site.mail.smtpUrl)
    mail = { configured: true, server: `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}`, from: site.mail.from }
  }
  return { mail, base: newsletterBase(site, settings), subscriberCounts, subscribers, sendCounts, sends }
}

/**
 * Sends the newest published review, as subscribers get it, to `to` at once (the admin's test
 * email); its unsubscribe link leads nowhere. Throws with the mail server's answer when it fails.
 */
export async function sendTestEmail(site: Site, to: unknown): Promise<string> {
  const settings = await getSiteSettings(site.db)
  const base = newsletterBase(site, settings)
  if (!site.mail) throw new DramalogError('invalid_input', EN('form.newsletter.noMailServer'))
  if (!base) throw new DramalogError('invalid_input', EN('form.newsletter.noBase'))
  const parsed = parseSubscriberEmail(to)
  if (!parsed.ok) throw new DramalogError('invalid_input', parsed.message)
  const newest = (await listPublishedReviews(site.db, 1, 1)).items[0]
  if (!newest) throw new DramalogError('invalid_input', EN('form.newsletter.noReview'))
  const { record } = await loadReviewPage(site, newest.slug)
  const links = reviewEmailLinks(base, record, 'test'.padEnd(43, '0'))
  const mail: OutgoingMail = { ...renderReviewEmail(settings, record, links), to: parsed.email, headers: unsubscribeHeaders(links.unsubscribe) }
  const mailer = openMailer(site.mail)
  try {
    await mailer.send({ ...mail, subject: translatorFor(settings.language).t('newsletterMail.testSubject', { subject: mail.subject }) })
  } catch (err) {
    throw new DramalogError('invalid_input', EN('form.newsletter.testRefused', { answer: (err as Error).message }), { cause: err })
  } finally {
    mailer.close()
  }
  return parsed.email
}
