import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../helpers/browser.ts'
import { demoSite, ROOT, runCli, startServer, tempDataDir, type RunningServer } from '../helpers/server.ts'

const SHOTS = join(ROOT, 'test-results')
const PASSWORD = 'correct horse battery'
let server: RunningServer
const data = tempDataDir()

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  await demoSite(data.dir)
  expect((await runCli(['user', 'add', 'mira', '--name', 'Mira Chen'], data.dir, `${PASSWORD}\n`)).code).toBe(0)
  server = await startServer(data.dir, { DRAMALOG_PUBLISH_INTERVAL: '1' })
}, 180_000)

afterAll(async () => {
  await server?.stop()
  data.remove()
})

async function signIn(page: Page): Promise<void> {
  await page.goto(`${server.url}/admin`)
  await page.getByLabel('Username').fill('mira')
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${server.url}/admin`)
}

describe('writing a review in Chromium', () => {
  it('writes a review with a poster through the form and publishes it', async () => {
    const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } })
    try {
      const page = await browser.context.newPage()
      await signIn(page)
      await page.getByRole('link', { name: '+ New review' }).click()
      await page.getByLabel('Hook', { exact: true }).fill('Can a lighthouse keeper fall in love by Morse code?')
      await page.getByLabel('Title', { exact: true }).fill('Signal Lamp')
      await page.getByLabel('Headline', { exact: true }).fill('Blinking Slowly Towards Joy')
      await page.getByLabel('Intro', { exact: true }).fill('I expected *nothing* and got a lot.')
      await page.locator('textarea[name="sections.0.body"]').fill('The plot moves like a tide.')
      await page.locator('input[name="sections.0.verdict"]').fill('Tidal And Patient')
      await page.getByLabel('Year', { exact: true }).fill('2025')
      await page.getByLabel('Origin', { exact: true }).fill('Korea')
      await page.getByLabel('Platform', { exact: true }).fill('Viki')
      await page.getByRole('radio', { name: '1 of 5 facepalms' }).check()
      await page.getByLabel('Status', { exact: true }).selectOption('published')
      const poster = await sharp({ create: { width: 600, height: 900, channels: 3, background: '#1d4e89' } }).jpeg().toBuffer()
      await page.locator('input[name="posterFile"]').setInputFiles({ name: 'lamp.jpg', mimeType: 'image/jpeg', buffer: poster })
      await page.getByLabel('Credit line').fill('Poster drawn for this test')
      await page.screenshot({ path: join(SHOTS, 'editor-desktop.png'), fullPage: false })
      await page.getByRole('button', { name: 'Save', exact: true }).click()
      await page.waitForURL(/\/admin\/reviews\/\d+\?saved=1$/)
      expect(await page.getByRole('status').first().innerText()).toContain('Saved as revision 1.')

      await page.goto(`${server.url}/reviews/signal-lamp`)
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain('Signal Lamp')
      expect(await page.getByRole('img', { name: '1 of 5 facepalms' }).isVisible()).toBe(true)
      const img = page.locator('.poster-figure img')
      expect(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true)
      expect(await page.locator('.poster-figure figcaption').innerText()).toBe('Poster drawn for this test')
      expect(await page.locator('.intro em').innerText()).toBe('nothing')
    } finally {
      await browser.close()
    }
  })

  it('fills the form from pasted blog text', async () => {
    const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } })
    try {
      const page = await browser.context.newPage()
      await signIn(page)
      await page.goto(`${server.url}/admin/reviews/new`)
      await page.getByText('Paste from my old blog').click()
      await page.getByLabel('Pasted text').fill(readFileSync(join(ROOT, 'demo/reviews/08-nine-tailed-landlord.txt'), 'utf8'))
      await page.getByRole('button', { name: 'Fill the form from this text' }).click()
      await page.waitForLoadState()
      expect(await page.getByLabel('Title', { exact: true }).inputValue()).toBe('Nine-Tailed Landlord')
      expect(await page.getByLabel('Origin', { exact: true }).inputValue()).toBe('South Korea')
      expect(await page.getByRole('radio', { name: '4 of 5 facepalms' }).isChecked()).toBe(true)
      expect(await page.locator('input[name="sections.0.verdict"]').inputValue()).toBe('Sixteen Episodes, Eight Good Ones')
    } finally {
      await browser.close()
    }
  })

  it('shows the conflict view to the second of two editors, losing nothing', async () => {
    const first = await launchBrowser({ viewport: { width: 1280, height: 900 } })
    const second = await launchBrowser({ viewport: { width: 1280, height: 900 } })
    try {
      const a = await first.context.newPage()
      const b = await second.context.newPage()
      await signIn(a)
      await signIn(b)
      for (const p of [a, b]) await p.getByRole('link', { name: /^Glass City/ }).click()
      await a.getByLabel('Headline', { exact: true }).fill('Shattered, But In A Fun Way')
      await a.getByRole('button', { name: 'Save', exact: true }).click()
      await a.waitForURL(/saved=2$/)
      await b.getByLabel('Intro', { exact: true }).fill('My own careful rewrite of the intro.')
      await b.getByRole('button', { name: 'Save', exact: true }).click()
      await b.waitForLoadState()
      expect(await b.getByRole('heading', { name: 'Someone saved this review while you were editing' }).isVisible()).toBe(true)
      expect(await b.getByLabel('Intro', { exact: true }).inputValue()).toBe('My own careful rewrite of the intro.')
      expect(await b.locator('.diff-table').innerText()).toContain('Shattered, But In A Fun Way')
      await b.screenshot({ path: join(SHOTS, 'editor-conflict.png'), fullPage: false })
      // Saving again from the conflict view keeps B's text, made on top of A's revision.
      await b.getByRole('button', { name: 'Save', exact: true }).click()
      await b.waitForURL(/saved=3$/)
      const history = await (await fetch(`${server.url}/reviews/glass-city-season-1`)).text()
      expect(history).toContain('My own careful rewrite of the intro.')
    } finally {
      await first.close()
      await second.close()
    }
  })

  it('publishes a scheduled review by itself once its time has come', async () => {
    const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } })
    try {
      const page = await browser.context.newPage()
      await signIn(page)
      await page.goto(`${server.url}/admin/reviews/new`)
      await page.getByLabel('Title', { exact: true }).fill('Tomorrow Tea')
      await page.locator('textarea[name="sections.0.body"]').fill('Steeped.')
      await page.getByLabel('Status', { exact: true }).selectOption('scheduled')
      // Far enough ahead that the save is over well before it, on a busy machine too.
      const at = new Date(Date.now() + 10_000).toISOString().slice(0, 19)
      await page.getByLabel('Publish at (UTC)').fill(at)
      await page.getByRole('button', { name: 'Save', exact: true }).click()
      await page.waitForURL(/saved=1$/)
      expect((await fetch(`${server.url}/reviews/tomorrow-tea`)).status).toBe(404)
      let status = 404
      for (let i = 0; i < 50 && status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 500))
        status = (await fetch(`${server.url}/reviews/tomorrow-tea`)).status
      }
      expect(status).toBe(200)
    } finally {
      await browser.close()
    }
  })

  it('keeps unsaved changes in the browser and offers a live preview', async () => {
    const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } })
    try {
      const page = await browser.context.newPage()
      await signIn(page)
      await page.getByRole('link', { name: /^Paper Lanterns/ }).click()
      const url = page.url()
      await page.getByLabel('Hook', { exact: true }).fill('A hook I have not saved yet')
      await page.waitForTimeout(900)
      await page.goto(url)
      expect(await page.getByLabel('Hook', { exact: true }).inputValue()).not.toBe('A hook I have not saved yet')
      await page.getByRole('button', { name: 'Restore' }).click()
      expect(await page.getByLabel('Hook', { exact: true }).inputValue()).toBe('A hook I have not saved yet')
      await page.getByRole('button', { name: 'Live preview' }).click()
      const frame = page.frameLocator('iframe.live-preview')
      await frame.locator('p.hook').waitFor()
      expect(await frame.locator('p.hook').innerText()).toBe('A hook I have not saved yet')
      await page.screenshot({ path: join(SHOTS, 'editor-live-preview.png'), fullPage: true })
      await page.setViewportSize({ width: 390, height: 844 })
      await page.goto(url)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      expect(overflow).toBe(0)
      await page.screenshot({ path: join(SHOTS, 'editor-phone.png'), fullPage: false })
    } finally {
      await browser.close()
    }
  })
})
