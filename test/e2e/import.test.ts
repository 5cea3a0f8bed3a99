import { mkdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeViolations, launchBrowser, seriousViolations } from '../helpers/browser.ts'
import { demoSite, ROOT, runCli, startServer, tempDataDir, type RunningServer } from '../helpers/server.ts'

const PASSWORD = 'correct horse battery'
// Screenshots for a person to look at: the import page at phone and desktop widths.
const SHOTS = join(tmpdir(), 'import-shots')
let server: RunningServer
const data = tempDataDir()

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  await demoSite(data.dir)
  expect((await runCli(['user', 'add', 'mira', '--name', 'Mira Chen'], data.dir, `${PASSWORD}\n`)).code).toBe(0)
  server = await startServer(data.dir)
}, 180_000)

afterAll(async () => {
  await server?.stop()
  data.remove()
})
async function screenshots(page: Page, name: string): Promise<void> {
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 })
    await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true })
  }
}

const NEW_REVIEW = `Year: 2024
Origin: Thailand
Season: 1
Platform: Viu
First Watch: Yes
Review Date: 2025 14 Mar
Facepalm Meter: 🤦‍♂🤦‍♂🤦‍♂

Can a lighthouse keeper run a noodle stall on the side?

Lamp And Ladle – Bright Beam, Thin Broth

Half cooking show, half island mystery, and never quite sure which half it wants to be.

Story / Writing – Two Shows In A Trench Coat

The mystery is solid; the noodle subplot keeps interrupting it at the worst moments.

Acting – The Keeper Holds It Together

The lead is wonderful as a grumpy keeper who secretly loves feeding strangers.
`

describe('the import page in Chromium', () => {
  it('imports an uploaded file through the plain form, readable and accessible on a phone and a desktop', async () => {
    // axe is injected as an inline script, which the site's CSP rightly forbids; the test bypasses it.
    const browser = await launchBrowser({ viewport: { width: 1280, height: 900 }, bypassCSP: true })
    try {
      const page = await browser.context.newPage()
      // The site's own script stays out: the form must work as plain HTML.
      await page.route('**/assets/admin.js*', (route) => route.abort())
      await page.goto(`${server.url}/admin/import`)
      await page.waitForURL(/\/admin\/login/)
      await page.getByLabel('Username').fill('mira')
      await page.getByLabel('Password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(`${server.url}/admin/import`)
      expect(await page.getByRole('link', { name: 'Import' }).getAttribute('aria-current')).toBe('page')
      expect(describeViolations(await seriousViolations(page))).toEqual([])
      await screenshots(page, 'import-form')

      // A new review and one the demo already has, kept as it is.
      await page.getByLabel('Files to import').setInputFiles([
        { name: 'lamp-and-ladle.txt', mimeType: 'text/plain', buffer: Buffer.from(NEW_REVIEW) },
        { name: '01-paper-lanterns.txt', mimeType: 'text/plain', buffer: readFileSync(join(ROOT, 'demo/reviews/01-paper-lanterns.txt')) },
      ])
      await page.getByRole('group', { name: 'If a review is already on the site' }).getByRole('radio', { name: /Leave it as it is/ }).check()
      await page.getByRole('button', { name: 'Import files' }).click()
      await page.waitForLoadState()

      const status = page.getByRole('status')
      expect(await status.getByRole('heading', { name: 'Import finished' }).isVisible()).toBe(true)
      const summary = await status.innerText()
      expect(summary).toContain('Read 2 files: 1 review saved (1 new, 0 updated), 1 skipped.')
      expect(summary).toContain('01-paper-lanterns.txt:1')
      expect(summary).toContain('already on the site as /reviews/paper-lanterns-season-1')
      expect(describeViolations(await seriousViolations(page))).toEqual([])
      await screenshots(page, 'import-summary')
      await page.emulateMedia({ colorScheme: 'dark' })
      expect(describeViolations(await seriousViolations(page))).toEqual([])
      await page.screenshot({ path: join(SHOTS, 'import-summary-dark-1280.png'), fullPage: true })
      await page.emulateMedia({ colorScheme: 'light' })

      // A bad file: every problem listed by file and line, nothing written.
      await page.setViewportSize({ width: 1280, height: 900 })
      await page.getByLabel('Files to import').setInputFiles([
        { name: 'broken.txt', mimeType: 'text/plain', buffer: Buffer.from(NEW_REVIEW.replace('Year: 2024', 'Year: soon').replace('Lamp And Ladle', 'Broken Ladle')) },
      ])
      await page.getByRole('button', { name: 'Import files' }).click()
      await page.waitForLoadState()
      const alert = page.getByRole('alert')
      expect(await alert.getByRole('heading').innerText()).toBe('One problem in 1 file; nothing was written')
      expect(await alert.getByRole('listitem').allInnerTexts()).toEqual(['broken.txt:1: year: "soon" is not a year'])
      expect(describeViolations(await seriousViolations(page))).toEqual([])
      await screenshots(page, 'import-problems')

      await page.goto(`${server.url}/reviews/lamp-and-ladle-season-1`)
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain('Lamp And Ladle')
      expect((await page.goto(`${server.url}/reviews/broken-ladle-season-1`))?.status()).toBe(404)
    } finally {
      await browser.close()
    }
  })
})
