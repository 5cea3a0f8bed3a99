import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../helpers/browser.ts'
import { ROOT, startServer, tempDataDir, type RunningServer } from '../helpers/server.ts'

// Screenshots land here for people to look at; the folder is ignored by git.
const SHOTS = join(ROOT, 'test-results')
let server: RunningServer
const data = tempDataDir()

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  server = await startServer(data.dir)
}, 120_000)

afterAll(async () => {
  await server?.stop()
  data.remove()
})

describe('review page in Chromium', () => {
  it('exposes the meter and the rubric sections to assistive technology', async () => {
    const browser = await launchBrowser({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false })
    try {
      const page = await browser.context.newPage()
      const res = await page.goto(`${server.url}/reviews/paper-lanterns-season-1`)
      expect(res?.status()).toBe(200)
      expect(await page.getByRole('img', { name: '2 of 5 facepalms' }).isVisible()).toBe(true)
      const h1 = await page.getByRole('heading', { level: 1 }).innerText()
      expect(h1.replace(/\s+/g, ' ')).toBe('Paper Lanterns – A Quiet Thriller That Burns Slowly')
      const sections = await page.locator('section.aspect h2').evaluateAll((hs) => hs.map((h) => h.textContent))
      expect(sections).toEqual([
        'Story / Writing – Patient, Then Relentless',
        'Acting – The Lead Carries Everything',
        'Originality – Borrowed Bones, New Skin',
        'Vibes – Rain, Neon and Regret',
        'Impact – I Still Think About Episode 9',
      ])
      // Each section is a region named by its heading.
      expect(await page.getByRole('region', { name: 'Acting – The Lead Carries Everything' }).count()).toBe(1)
      // The poster loaded (a real decoded image, not a broken one) and its credit is shown.
      const poster = page.locator('.poster-figure img')
      expect(await poster.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true)
      expect(await page.locator('.poster-figure figcaption').innerText()).toContain('Poster generated for the Dramalog demo')
      await page.screenshot({ path: join(SHOTS, 'review-desktop-light.png'), fullPage: true })
    } finally {
      await browser.close()
    }
  })

  it('fits a phone screen in dark mode without sideways scrolling', async () => {
    const browser = await launchBrowser({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', deviceScaleFactor: 2 })
    try {
      const page = await browser.context.newPage()
      for (const path of ['/', '/reviews/nine-tailed-landlord-season-1']) {
        await page.goto(server.url + path)
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
        expect(overflow, path).toBe(0)
      }
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
      expect(bg).toBe('rgb(20, 18, 23)')
      await page.screenshot({ path: join(SHOTS, 'review-phone-dark.png'), fullPage: false })
      await page.goto(server.url + '/')
      await page.screenshot({ path: join(SHOTS, 'home-phone-dark.png'), fullPage: false })
    } finally {
      await browser.close()
    }
  })

  it('shows the home page as a grid of cards', async () => {
    const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } })
    try {
      const page = await browser.context.newPage()
      await page.goto(server.url + '/')
      const cards = page.locator('li.card')
      expect(await cards.count()).toBe(12)
      // Four columns on a desktop screen: the first four cards share a row.
      const tops = await cards.evaluateAll((els) => els.slice(0, 5).map((e) => Math.round(e.getBoundingClientRect().top)))
      expect(new Set(tops.slice(0, 4)).size).toBe(1)
      expect(tops[4]).toBeGreaterThan(tops[0]!)
      await page.screenshot({ path: join(SHOTS, 'home-desktop-light.png'), fullPage: true })
    } finally {
      await browser.close()
    }
  })
})
