import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDataDir } from '../../test/helpers/server.ts'
import { startMailServer, type TestMailServer } from '../../test/helpers/smtp.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import type { SessionUser } from '../domain/user.ts'
import { NEWSLETTER_RETRY_DELAYS_S, NEWSLETTER_RULES } from '../domain/newsletter.ts'
import { countSendsByStatus, countSubscribersByState, listSends, listSubscribers } from '../store/newsletter.ts'
import { findReviewBySlug } from '../store/reviews.ts'
import { addUser } from './accounts.ts'
import { publishScheduled, saveFromEditor } from './edit-review.ts'
import { importFiles } from './import-files.ts'
import { confirmSubscription, NewsletterRefusedError, sendTestEmail, subscribe, unsubscribe } from './newsletter.ts'
import { sendDueNewsletters } from './newsletter-delivery.ts'
import type { Site } from './site.ts'

// Subscriptions and the sending queue on a real database (SQLite or PostgreSQL) with a real SMTP
// server on 127.0.0.1 that keeps what it accepts. Time is passed in.
let data: ReturnType<typeof tempDataDir>
let site: Site
let owner: SessionUser
let smtp: TestMailServer

const T0 = new Date('2030-01-01T12:00:00Z')
const at = (s: number) => new Date(T0.getTime() + s * 1000)
const FROM = 'Rain Diaries <reviews@example.com>'

beforeEach(async () => {
  smtp = await startMailServer()
  data = tempDataDir()
  site = await openTestSite(data.dir, { baseUrl: 'https://reviews.example.com/blog/', mail: { smtpUrl: smtp.url, from: FROM } })
  const u = await addUser(site, { username: 'mira', displayName: 'Mira', role: 'owner', password: 'correct horse battery' })
  owner = { id: u.id, username: u.username, displayName: u.displayName, role: u.role }
})
afterEach(async () => {
  await smtp.stop()
  await site.close()
  data.remove()
})

/** Subscribes `email` at `now` and waits for the email it sends, if any. */
let clients = 0
async function signUp(email: string, now = T0, ip = `192.0.2.${++clients}`): Promise<void> {
  const r = await subscribe(site, { email, url: '' }, { ip }, now)
  await r.sending
}

/** The confirmation link of the newest confirmation email to `email`. */
function confirmLink(email: string): URL {
  const mail = smtp.to(email).at(-1)!
  const m = /https:\/\/reviews\.example\.com\/blog\/newsletter\/confirm\?token=[\w-]+/.exec(mail.parsed.text ?? '')
  expect(m, mail.parsed.text).not.toBeNull()
  return new URL(m![0])
}

async function subscribed(email: string, now = T0): Promise<void> {
  await signUp(email, now)
  expect(await confirmSubscription(site, confirmLink(email).searchParams.get('token'), now)).toMatchObject({ email, state: 'confirmed' })
}

/** Imports a draft, then publishes it from the editor (the path that queues it); returns its slug. */
async function publish(title: string, now = T0, extra: Record<string, unknown> = {}): Promise<string> {
  const file = join(data.dir, `${title}.json`)
  const doc = {
    title, year: 2025, origin: 'South Korea', platform: 'Netflix', status: 'draft', hook: 'Would you trust a stranger?', headline: 'A Quiet Thriller', intro: 'Intro.',
    meter: { value: 2, max: 5 }, sections: [{ aspect: 'Acting', verdict: 'The Lead Carries Everything', body: 'Text.' }], ...extra,
  }
  writeFileSync(file, JSON.stringify(doc))
  const slug = (await importFiles(site, [file])).created[0]!
  const record = (await findReviewBySlug(site.db, slug))!
  await saveFromEditor(site, owner, { id: record.id, baseRevision: record.revision, doc: { ...record.doc, status: 'published' } }, now)
  return slug
}

describe('subscribing', () => {
  it('sends a confirmation link that works once and confirms the address', async () => {
    await signUp('  Ana@Example.ORG ')
    const [mail] = await smtp.waitFor('ana@example.org')
    expect(mail!.parsed.from?.text).toBe('"Rain Diaries" <reviews@example.com>')
    expect(mail!.parsed.subject).toBe('Confirm your subscription to Dramalog')
    expect(mail!.parsed.html).toContain(confirmLink('ana@example.org').href.replace(/&/g, '&amp;'))
    expect(await countSubscribersByState(site.db)).toEqual({ pending: 1, confirmed: 0, unsubscribed: 0 })
    const token = confirmLink('ana@example.org').searchParams.get('token')
    expect(await confirmSubscription(site, token, at(60))).toMatchObject({ email: 'ana@example.org', state: 'confirmed', confirmedAt: at(60).toISOString() })
    // The link is spent.
    expect(await confirmSubscription(site, token, at(61))).toBeNull()
    expect(await countSubscribersByState(site.db)).toEqual({ pending: 0, confirmed: 1, unsubscribed: 0 })
  })

  it('refuses an expired link and a made-up one', async () => {
    await signUp('ben@example.org')
    const token = confirmLink('ben@example.org').searchParams.get('token')
    expect(await confirmSubscription(site, token, new Date(T0.getTime() + NEWSLETTER_RULES.confirmTtlMs + 1))).toBeNull()
    expect(await confirmSubscription(site, 'x'.repeat(43), T0)).toBeNull()
    expect(await confirmSubscription(site, '<script>', T0)).toBeNull()
    expect(await countSubscribersByState(site.db)).toEqual({ pending: 1, confirmed: 0, unsubscribed: 0 })
  })

  it('refuses an invalid address or a filled honeypot with a clear message, storing nothing', async () => {
    for (const email of ['', 'not an address', 'a@b', 'ana@example.org\r\nBcc: all@example.org', `${'x'.repeat(250)}@example.org`]) {
      const err = await subscribe(site, { email, url: '' }, { ip: '192.0.2.1' }, T0).catch((e: unknown) => e)
      expect(err, JSON.stringify(email)).toBeInstanceOf(NewsletterRefusedError)
      expect((err as NewsletterRefusedError).reason).toBe('invalid')
      expect((err as Error).message).toMatch(/email address/)
    }
    const bot = await subscribe(site, { email: 'bot@example.org', url: 'https://spam.example' }, { ip: '192.0.2.1' }, T0).catch((e: unknown) => e)
    expect(bot).toMatchObject({ reason: 'honeypot' })
    expect(await listSubscribers(site.db, 10)).toEqual([])
    expect(smtp.messages).toEqual([])
  })

  it('answers an address already on the list the same way, with a note to it instead of a second subscription, and at most one email per wait', async () => {
    await subscribed('cy@example.org')
    await signUp('cy@example.org', at(NEWSLETTER_RULES.resendAfterMs / 1000 + 1))
    const notes = await smtp.waitFor('cy@example.org', 2)
    expect(notes[1]!.parsed.subject).toBe('You are subscribed to Dramalog')
    expect(notes[1]!.parsed.text).toContain('/blog/newsletter/unsubscribe?token=')
    // Asked again at once: accepted, but nothing more lands in that inbox.
    const again = await subscribe(site, { email: 'cy@example.org' }, { ip: '192.0.2.99' }, at(NEWSLETTER_RULES.resendAfterMs / 1000 + 2))
    expect(again.sending).toBeNull()
    expect(await countSubscribersByState(site.db)).toEqual({ pending: 0, confirmed: 1, unsubscribed: 0 })
  })

  it('limits sign-ups from one address', async () => {
    for (let i = 0; i < 5; i++) await signUp(`reader${i}@example.org`, at(i), '198.51.100.7')
    const err = await subscribe(site, { email: 'reader9@example.org' }, { ip: '198.51.100.7' }, at(6)).catch((e: unknown) => e)
    expect(err).toMatchObject({ reason: 'rate_limited' })
    expect((err as NewsletterRefusedError).retryAfterSeconds).toBeGreaterThan(0)
    // Another address is not held back.
    await signUp('reader9@example.org', at(7), '198.51.100.8')
    expect((await countSubscribersByState(site.db)).pending).toBe(6)
  })

  it('is closed on a site without a mail server: no form, nothing queued', async () => {
    const closed = { ...site, mail: null }
    await expect(subscribe(closed, { email: 'dee@example.org' }, { ip: '192.0.2.1' }, T0)).rejects.toMatchObject({ reason: 'closed' })
    await subscribed('eve@example.org')
    site = closed
    await publish('Quiet Harbour')
    expect(await countSendsByStatus(site.db)).toEqual({ pending: 0, sent: 0, failed: 0 })
  })
})

describe('sending reviews', () => {
  it('emails a published review once to each confirmed subscriber, HTML and text, with one-click unsubscribe headers', async () => {
    await subscribed('ana@example.org')
    await subscribed('ben@example.org')
    await signUp('pending@example.org')
    await subscribed('gone@example.org')
    const gone = (await listSubscribers(site.db, 10)).find((s) => s.email === 'gone@example.org')!
    await unsubscribe(site, gone.unsubscribeToken, T0)
    smtp.messages.length = 0

    const slug = await publish('Paper Lanterns', at(10))
    expect(await countSendsByStatus(site.db)).toEqual({ pending: 2, sent: 0, failed: 0 })
    expect(await sendDueNewsletters(site, at(11))).toEqual({ sent: 2, retrying: 0, failed: 0 })
    expect(await sendDueNewsletters(site, at(12))).toEqual({ sent: 0, retrying: 0, failed: 0 })
    expect(smtp.messages.map((m) => m.to).flat().sort()).toEqual(['ana@example.org', 'ben@example.org'])

    const mail = smtp.to('ana@example.org')[0]!
    const ana = (await listSubscribers(site.db, 10)).find((s) => s.email === 'ana@example.org')!
    const unsubscribeUrl = `https://reviews.example.com/blog/newsletter/unsubscribe?token=${ana.unsubscribeToken}`
    expect(mail.parsed.subject).toBe('Paper Lanterns – A Quiet Thriller')
    expect(mail.header('list-unsubscribe')).toContain(unsubscribeUrl)
    expect(mail.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click')
    expect(mail.raw).toMatch(/Content-Type: multipart\/alternative/i)
    expect(mail.parsed.text).toContain('Would you trust a stranger?')
    expect(mail.parsed.text).toContain('South Korea · 2025 · Netflix')
    expect(mail.parsed.text).toContain('Facepalm Meter: 2 of 5 facepalms (lower is better)')
    expect(mail.parsed.text).toContain('Acting: The Lead Carries Everything')
    expect(mail.parsed.text).toContain(`Read the full review: https://reviews.example.com/blog/reviews/${slug}`)
    expect(mail.parsed.html).toContain(`href="https://reviews.example.com/blog/reviews/${slug}"`)
    expect(mail.parsed.html).toContain('Read the full review')
    expect(mail.parsed.html).toContain(unsubscribeUrl)

    // Published again (unpublished in between): nobody gets it twice.
    const record = (await findReviewBySlug(site.db, slug))!
    const off = await saveFromEditor(site, owner, { id: record.id, baseRevision: record.revision, doc: { ...record.doc, status: 'unpublished' } }, at(20))
    await saveFromEditor(site, owner, { id: record.id, baseRevision: off.revision, doc: { ...record.doc, status: 'published' } }, at(21))
    expect(await sendDueNewsletters(site, at(22))).toEqual({ sent: 0, retrying: 0, failed: 0 })
    expect(smtp.messages).toHaveLength(2)
  })

  it('queues a scheduled review when the server publishes it', async () => {
    await subscribed('ana@example.org')
    const file = join(data.dir, 'later.json')
    writeFileSync(file, JSON.stringify({ title: 'Later Show', year: 2025, status: 'scheduled', publishedAt: at(60).toISOString(), intro: 'Soon.', sections: [] }))
    await importFiles(site, [file])
    expect((await countSendsByStatus(site.db)).pending).toBe(0)
    expect(await publishScheduled(site, at(61))).toEqual(['later-show'])
    expect(await sendDueNewsletters(site, at(62))).toEqual({ sent: 1, retrying: 0, failed: 0 })
  })

  it('tries again later when the mail server is down, then delivers', async () => {
    await subscribed('ana@example.org')
    smtp.messages.length = 0
    await publish('Moon Ferry', at(1))
    const port = smtp.port
    await smtp.stop()
    expect(await sendDueNewsletters(site, at(2))).toEqual({ sent: 0, retrying: 1, failed: 0 })
    expect((await listSends(site.db, 10))[0]).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: at(2 + NEWSLETTER_RETRY_DELAYS_S[0]).toISOString() })
    await smtp.start(port)
    // Not before its time.
    expect(await sendDueNewsletters(site, at(3))).toEqual({ sent: 0, retrying: 0, failed: 0 })
    expect(await sendDueNewsletters(site, at(2 + NEWSLETTER_RETRY_DELAYS_S[0]))).toEqual({ sent: 1, retrying: 0, failed: 0 })
    expect(smtp.to('ana@example.org')).toHaveLength(1)
  })

  it('gives up at once when the mail server refuses the mailbox for good, and after the last retry otherwise', async () => {
    await subscribed('ana@example.org')
    await publish('Moon Ferry', at(1))
    smtp.refuseWith = 550
    expect(await sendDueNewsletters(site, at(2))).toEqual({ sent: 0, retrying: 0, failed: 1 })
    expect((await listSends(site.db, 10))[0]).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/^550 /) })

    smtp.refuseWith = 451
    await publish('Second Ferry', at(3))
    let t = 4
    for (const delay of NEWSLETTER_RETRY_DELAYS_S) {
      expect(await sendDueNewsletters(site, at(t))).toEqual({ sent: 0, retrying: 1, failed: 0 })
      t += delay
    }
    expect(await sendDueNewsletters(site, at(t))).toEqual({ sent: 0, retrying: 0, failed: 1 })
  })

  it('does not send to an address that unsubscribed after the review was queued', async () => {
    await subscribed('ana@example.org')
    smtp.messages.length = 0
    await publish('Moon Ferry', at(1))
    const ana = (await listSubscribers(site.db, 10))[0]!
    expect(await unsubscribe(site, ana.unsubscribeToken, at(2))).toMatchObject({ state: 'unsubscribed' })
    expect(await sendDueNewsletters(site, at(3))).toEqual({ sent: 0, retrying: 0, failed: 1 })
    expect(smtp.messages).toEqual([])
  })

  it('sends each email once when several servers work the queue at the same moment', async () => {
    for (const name of ['ana', 'ben', 'cy', 'dee', 'eve', 'fay']) await subscribed(`${name}@example.org`)
    smtp.messages.length = 0
    await publish('Moon Ferry', at(1))
    // A second handle on the same database: another app server.
    const other = await openTestSite(data.dir, { baseUrl: 'https://reviews.example.com/blog/', mail: { smtpUrl: smtp.url, from: FROM } })
    try {
      const rounds = await Promise.all([sendDueNewsletters(site, at(2)), sendDueNewsletters(other, at(2)), sendDueNewsletters(site, at(2))])
      expect(rounds.reduce((n, r) => n + r.sent, 0)).toBe(6)
    } finally {
      await other.close()
    }
    expect(smtp.messages.map((m) => m.to[0]).sort()).toEqual(['ana', 'ben', 'cy', 'dee', 'eve', 'fay'].map((n) => `${n}@example.org`))
  })

  it('sends the newest review as a test to any address, at once, and says why when it cannot', async () => {
    await expect(sendTestEmail(site, 'me@example.org')).rejects.toThrow('There is no published review to send yet.')
    await publish('Moon Ferry', at(1))
    await expect(sendTestEmail(site, 'not an address')).rejects.toThrow('This does not look like an email address (name@example.com).')
    expect(await sendTestEmail(site, 'Me@Example.org')).toBe('me@example.org')
    expect(smtp.to('me@example.org').map((m) => m.parsed.subject)).toEqual(['[Test] Moon Ferry – A Quiet Thriller'])
    smtp.refuseWith = 550
    await expect(sendTestEmail(site, 'me@example.org')).rejects.toThrow(/^The mail server refused the test email: 550 /)
    // Nothing was queued by any of it.
    expect(await countSendsByStatus(site.db)).toEqual({ pending: 0, sent: 0, failed: 0 })
  })
})
