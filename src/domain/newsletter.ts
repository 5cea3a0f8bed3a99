import { createHash } from 'node:crypto'
import { z } from 'zod'
import { translatorFor } from './i18n.ts'

const EN = translatorFor('en').t

/** Where a subscriber stands: `pending` until the confirmation link is followed. */
export const SUBSCRIBER_STATES = ['pending', 'confirmed', 'unsubscribed'] as const
export type SubscriberState = (typeof SUBSCRIBER_STATES)[number]

/** The rules of subscribing, in one place so tests and messages agree. */
export const NEWSLETTER_RULES = Object.freeze({
  /** How long the link of a confirmation email works. */
  confirmTtlMs: 48 * 3_600_000,
  /** A second confirmation email to one address waits this long (nobody can flood an inbox with them). */
  resendAfterMs: 5 * 60_000,
  /** The longest address a mail server takes (RFC 5321). */
  maxEmail: 254,
})

/** Waits before each retry of a review email: the nth failed attempt is retried after RETRY_DELAYS_S[n-1] seconds; after the last, the send is given up. */
export const NEWSLETTER_RETRY_DELAYS_S = [30, 120, 600, 3600, 3 * 3600, 12 * 3600] as const

/**
 * An email address as a person types it: trimmed and lower-cased (mail providers treat the local
 * part without case in practice, and one person must not become two subscribers). Only plain
 * addresses: one @, a dot in the domain, nothing that could break out of a mail header.
 */
export const SubscriberEmail = z
  .string({ message: EN('form.newsletter.emailMissing') })
  .trim()
  .toLowerCase()
  .min(1, EN('form.newsletter.emailMissing'))
  .max(NEWSLETTER_RULES.maxEmail, EN('form.comment.emailTooLong'))
  .regex(/^[^\s@<>"(),;:\\[\]]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/, EN('form.newsletter.emailInvalid'))
export type SubscriberEmail = z.infer<typeof SubscriberEmail>

/** Checks a typed address; the message says what to fix. */
export function parseSubscriberEmail(raw: unknown): { ok: true; email: string } | { ok: false; message: string } {
  const r = SubscriberEmail.safeParse(raw)
  return r.success ? { ok: true, email: r.data } : { ok: false, message: r.error.issues[0]?.message ?? EN('form.newsletter.emailMissing') }
}

/** The stored form of a confirmation token: its SHA-256, so a copy of the database confirms nobody. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url')

/** Tokens in links are base64url of 32 random bytes; anything else is refused before a lookup. */
export const isTokenShaped = (token: unknown): token is string => typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token)

/**
 * What to do with a failed send: try again after a delay, or give up (after the last delay, or at
 * once for a refusal that will not change, such as an unknown mailbox: SMTP's 5xx answers).
 */
export function retryAfterFailure(attempt: number, permanent: boolean, now: Date): { retryAt: string } | { giveUp: true } {
  if (permanent || attempt > NEWSLETTER_RETRY_DELAYS_S.length) return { giveUp: true }
  return { retryAt: new Date(now.getTime() + NEWSLETTER_RETRY_DELAYS_S[attempt - 1]! * 1000).toISOString() }
}
