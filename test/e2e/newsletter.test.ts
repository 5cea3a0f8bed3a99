import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashToken } from '../../src/domain/newsletter.ts'
import { loadDemo } from '../../src/services/load-demo.ts'
import { reviewEmailLinks } from '../../src/services/newsletter.ts'
import { loadReviewPage } from '../../src/services/pages.ts'
import { openSite, type Site } from '../../src/services/site.ts'
import { confirmByTokenHash, insertSubscriber, queueReviewSends } from '../../src/store/newsletter.ts'
import { findReviewBySlug } from '../../src/store/reviews.ts'
import { addUser } from '../../src/services/accounts.ts'
import { renderConfirmationEmail, renderReviewEmail } from '../../src/views/newsletter-email.tsx'
import { startServer } from '../../src/web/server.ts'
import { describeViolations, launchBrowser, seriousViolations } from '../helpers/browser.ts'
import { freePort, tempDataDir } from '../helpers/server.ts'
import { PAYLOADS } from '../security/payloads.ts'

// The newsletter's email and pages in Chromium: screenshots at a phone's and a mail program's
// widths (written to /tmp/newsletter-*.png), axe-core on the pages, and the email with hostile
// text in every field it shows.
const data = tempDataDir('dramalog-newsletter-e2e-')
let site: Site
let server: Awaited<ReturnType<typeof startServer>>['server']
let base: string
const CONFIRM_TOKEN = 'c'.repeat(43)
const UNSUBSCRIBE_TOKEN = 'u'.repeat(43)

beforeAll(async () => {
  const port = await freePort()
  base = `http://127.0.0.1:${port}/`
  // No email is sent here: the mail server's address only opens the sign-up form.
  site = await openSite({ dataDir: data.dir, databaseUrl: null, baseUrl: base, mail: { smtpUrl: 'smtp://127.0.0.1:9', from: 'reviews@example.com' } })
  await loadDemo(site)
  server = (await startServer(site, port, '127.0.0.1')).server
  await site.db.transaction().execute(async (trx) => {
    await insertSubscriber(trx, { email: 'ana@example.org', confirmTokenHash: hashToken(CONFIRM_TOKEN), confirmExpiresAt: '2099-01-01T00:00:00.000Z', unsubscribeToken: UNSUBSCRIBE_TOKEN, now: new Date().toISOString() })
  })
}, 180_000)

afterAll(async () => {
  await new Promise((r) => server?.close(r))
  await site?.close()
  data.remove()
})

async function emailOf(slug: string) {
  const { settings, record } = await loadReviewPage(site, slug)
  return renderReviewEmail(settings, record, reviewEmailLinks(base, record, UNSUBSCRIBE_TOKEN))
}

describe('the review email', () => {
  it('looks right at 600 and 390 pixels, poster included', async () => {
    const mail = await emailOf('paper-lanterns-season-1')
    const browser = await launchBrowser()
    try {
      const page = await browser.context.newPage()
      for (const width of [600, 390]) {
        await page.setViewportSize({ width, height: 900 })
        await page.setContent(mail.html, { waitUntil: 'load' })
        const poster = page.locator('img').first()
        expect(await poster.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0)
        // Nothing sticks out sideways on a phone.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width)
        await page.screenshot({ path: `/tmp/newsletter-email-${width}.png`, fullPage: true })
      }
      const confirm = renderConfirmationEmail((await loadReviewPage(site, 'paper-lanterns-season-1')).settings, { site: base, confirm: `${base}newsletter/confirm?token=${CONFIRM_TOKEN}` }, 48)
      await page.setViewportSize({ width: 390, height: 700 })
      await page.setContent(confirm.html)
      await page.screenshot({ path: '/tmp/newsletter-confirm-email-390.png', fullPage: true })
    } finally {
      await browser.close()
    }
  })

  it('runs nothing from hostile text in any field it shows', async () => {
    const { settings, record } = await loadReviewPage(site, 'paper-lanterns-season-1')
    const browser = await launchBrowser()
    try {
      const page = await browser.context.newPage()
      const dialogs: string[] = []
      page.on('dialog', (d) => {
        dialogs.push(d.message())
        void d.dismiss()
      })
      for (const [i, p] of PAYLOADS.entries()) {
        const doc = {
          ...record.doc, title: p, headline: p, hook: p, origin: p, platform: p, poster: record.doc.poster && { ...record.doc.poster, credit: p, alt: p },
          sections: record.doc.sections.map((s) => ({ ...s, aspect: p, verdict: p })),
        }
        const hostile = { ...settings, name: p, meter: { ...settings.meter, name: p, symbol: i % 2 ? p : settings.meter.symbol, unit: p } }
        const mail = renderReviewEmail(hostile, { ...record, doc }, reviewEmailLinks(base, { ...record, doc }, UNSUBSCRIBE_TOKEN))
        await page.setContent(mail.html)
        const found = await page.evaluate(() => ({
          scripts: document.querySelectorAll('script, iframe, object, embed, base, meta[http-equiv], style').length,
          handlers: Array.from(document.querySelectorAll('*')).flatMap((e) => e.getAttributeNames().filter((n: string) => n.startsWith('on'))),
          hrefs: Array.from(document.querySelectorAll('a')).map((a) => a.href).filter((h) => !/^https?:/.test(h)),
        }))
        expect(found, p).toEqual({ scripts: 0, handlers: [], hrefs: [] })
        expect(await page.locator('h1').innerText(), p).toContain(p.replace(/\s+/g, ' ').trim().slice(0, 8))
        expect(mail.text, p).toContain(p)
      }
      expect(dialogs).toEqual([])
    } finally {
      await browser.close()
    }
  })
})

describe('the newsletter pages', () => {
  const PAGES: [string, string][] = [
    ['signup', '/newsletter'],
    ['check', '/newsletter/check'],
    ['unsubscribe', `/newsletter/unsubscribe?token=${UNSUBSCRIBE_TOKEN}`],
    ['confirm', `/newsletter/confirm?token=${CONFIRM_TOKEN}`],
    ['bad-link', `/newsletter/confirm?token=${CONFIRM_TOKEN}`],
    ['footer', '/reviews/paper-lanterns-season-1'],
  ]

  // The confirmation link works once: the first visit confirms, later ones show the used-link page.
  it('look right on a phone and a desktop', async () => {
    const browser = await launchBrowser()
    try {
      const page = await browser.context.newPage()
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 900 })
        for (const [name, path] of PAGES) {
          await page.goto(base + path.slice(1))
          if (name === 'footer') await page.locator('.newsletter-signup').scrollIntoViewIfNeeded()
          expect(await page.evaluate(() => document.documentElement.scrollWidth), `${path} at ${width}`).toBeLessThanOrEqual(width)
          await page.screenshot({ path: `/tmp/newsletter-page-${name}-${width}.png`, fullPage: name !== 'footer' })
        }
      }
    } finally {
      await browser.close()
    }
  }, 180_000)

  it('have no serious accessibility problem, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const browser = await launchBrowser({ viewport: { width: 390, height: 844 }, bypassCSP: true, colorScheme })
      try {
        const page = await browser.context.newPage()
        for (const [, path] of PAGES.filter(([name]) => name !== 'confirm')) {
          await page.goto(base + path.slice(1))
          expect(describeViolations(await seriousViolations(page)), `${path} (${colorScheme})`).toEqual([])
        }
      } finally {
        await browser.close()
      }
    }
  }, 180_000)
})

describe('the admin page', () => {
  it('shows subscribers and the queue, on a phone and a desktop, with no serious accessibility problem', async () => {
    await addUser(site, { username: 'mira', displayName: 'Mira Chen', role: 'owner', password: 'correct horse battery' })
    await site.db.transaction().execute(async (trx) => {
      await insertSubscriber(trx, { email: 'ben@example.org', confirmTokenHash: 'b', confirmExpiresAt: '2099-01-01T00:00:00.000Z', unsubscribeToken: 'b'.repeat(43), now: new Date().toISOString() })
      await confirmByTokenHash(trx, 'b', new Date().toISOString())
      await queueReviewSends(trx, (await findReviewBySlug(trx, 'paper-lanterns-season-1'))!.id, new Date().toISOString())
    })
    const browser = await launchBrowser({ bypassCSP: true })
    try {
      const page = await browser.context.newPage()
      await page.goto(`${base}admin/login`)
      await page.getByLabel('Username').fill('mira')
      await page.getByLabel('Password').fill('correct horse battery')
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(`${base}admin`)
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 900 })
        await page.goto(`${base}admin/newsletter`)
        expect(await page.locator('.subscriber-email').allInnerTexts()).toEqual(['ben@example.org', 'ana@example.org'])
        expect(describeViolations(await seriousViolations(page)), `at ${width}`).toEqual([])
        await page.screenshot({ path: `/tmp/newsletter-admin-${width}.png`, fullPage: true })
      }
      // Remove takes the address off the list.
      await page.getByRole('button', { name: 'Remove ben@example.org from the list' }).click()
      await page.waitForURL(`${base}admin/newsletter?done=removed`)
      expect(await page.locator('.subscriber-email').allInnerTexts()).toEqual(['ana@example.org'])
    } finally {
      await browser.close()
    }
  }, 180_000)
})
