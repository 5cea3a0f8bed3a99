import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeViolations, launchBrowser, seriousViolations } from '../helpers/browser.ts'
import { recordDiaryEntry } from '../../src/services/diary.ts'
import { openSite } from '../../src/services/site.ts'
import { demoSite, freePort, runCli, startServer, tempDataDir, type RunningServer } from '../helpers/server.ts'

const PASSWORD = 'correct horse battery'
let server: RunningServer
const data = tempDataDir()

// Public page types, then admin page types (signed in).
const PUBLIC = [
  '/', '/page/2', '/reviews/paper-lanterns-season-1', '/reviews/winter-persimmons', '/diary', '/no-such-page', '/admin/login',
  '/country', '/country/kr', '/platform/netflix', '/year/2024', '/meter/2', '/tag', '/tag/thriller', '/people', '/search?q=lantern', '/search?q=',
  '/newsletter', '/newsletter/check', `/newsletter/confirm?token=${'x'.repeat(43)}`, `/newsletter/unsubscribe?token=${'x'.repeat(43)}`,
]
const ADMIN = [
  '/admin', '/admin/reviews/new', '/admin/reviews/1', '/admin/reviews/1/history', '/admin/settings', '/admin/diary', '/admin/diary/new', '/admin/comments',
  '/admin/newsletter',
]

beforeAll(async () => {
  await demoSite(data.dir)
  expect((await runCli(['user', 'add', 'mira', '--name', 'Mira Chen'], data.dir, `${PASSWORD}\n`)).code).toBe(0)
  // A watch of each status (and a rewatch), so the diary pages show every badge they can.
  const site = await openSite({ dataDir: data.dir, databaseUrl: null })
  for (const [title, status] of [['Moonlit Ledger', 'watching'], ['Paper Lanterns', 'finished'], ['Salt Road', 'dropped'], ['Tide Clock', 'planned']] as const) {
    await recordDiaryEntry(site, { title, status, platform: 'Netflix', startedOn: status === 'planned' ? '' : '2025-03-01', rewatch: title === 'Paper Lanterns' ? 'on' : undefined }, null)
  }
  await site.close()
  // A mail server's address (nothing listens there, nothing is sent) and a public address open the
  // newsletter, so its sign-up form is in every footer checked here.
  const port = await freePort()
  server = await startServer(data.dir, { SMTP_URL: 'smtp://127.0.0.1:9', NEWSLETTER_FROM: 'reviews@example.com', DRAMALOG_BASE_URL: `http://127.0.0.1:${port}/` }, port)
}, 180_000)

afterAll(async () => {
  await server?.stop()
  data.remove()
})

describe('accessibility (axe-core in Chromium)', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`finds no serious or critical problem on public pages (${scheme})`, async () => {
      // Injecting axe is an inline script; the site's CSP rightly forbids those, so the test bypasses it.
      const browser = await launchBrowser({ viewport: { width: 1280, height: 900 }, colorScheme: scheme, bypassCSP: true })
      try {
        const page = await browser.context.newPage()
        for (const path of PUBLIC) {
          await page.goto(server.url + path)
          expect(describeViolations(await seriousViolations(page)), `${path} (${scheme})`).toEqual([])
        }
      } finally {
        await browser.close()
      }
    }, 180_000)
  }

  it('finds no serious or critical problem on admin pages, on a phone, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) await checkAdmin(colorScheme)
  }, 180_000)

  async function checkAdmin(colorScheme: 'light' | 'dark') {
    const browser = await launchBrowser({ viewport: { width: 390, height: 844 }, bypassCSP: true, colorScheme })
    try {
      const page = await browser.context.newPage()
      await page.goto(`${server.url}/admin/login`)
      await page.getByLabel('Username').fill('mira')
      await page.getByLabel('Password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(`${server.url}/admin`)
      for (const path of ADMIN) {
        await page.goto(server.url + path)
        expect(describeViolations(await seriousViolations(page)), `${path} (${colorScheme})`).toEqual([])
      }
    } finally {
      await browser.close()
    }
  }

  it('can be used with the keyboard: skip link first, focus visible', async () => {
    const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } })
    try {
      const page = await browser.context.newPage()
      await page.goto(`${server.url}/reviews/paper-lanterns-season-1`)
      await page.keyboard.press('Tab')
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content')
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle + getComputedStyle(document.activeElement!).top)
      expect(outline).not.toMatch(/^none-/)
      await page.keyboard.press('Enter')
      expect(page.url()).toMatch(/#main$/)
    } finally {
      await browser.close()
    }
  })
})

