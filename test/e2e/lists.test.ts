import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { describeViolations, launchBrowser, seriousViolations } from '../helpers/browser.ts'
import { adminSite } from '../helpers/admin-site.ts'
import { ROOT } from '../helpers/server.ts'

// The list editor in a real Chromium against a real server on the demo site: first with
// JavaScript off (every step is a plain form), then the drag-and-drop enhancement.
const SHOTS = join(ROOT, 'test-results', 'lists')
const site = adminSite()
beforeAll(() => void mkdirSync(SHOTS, { recursive: true }))
let editorPath = ''

const entryTitles = (page: Page) => page.locator('.entry-row .entry-title').allInnerTexts()

describe('the list editor without JavaScript', () => {
  it('creates a ranked list, adds reviews and a typed title, reorders with the buttons and publishes', async () => {
    const browser = await launchBrowser({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } })
    try {
      const page = await browser.context.newPage()
      await site.signIn(page)
      await page.getByRole('link', { name: 'Lists', exact: true }).click()
      await page.getByRole('link', { name: 'New list' }).click()
      await page.getByLabel('Title').fill('Best Slow Burners')
      await page.getByLabel('Description').fill('Dramas that take their time, and are worth every minute.\n\nBest first.')
      await page.getByRole('button', { name: 'Create list' }).click()
      await page.getByText('List created: now add its shows.').waitFor()
      editorPath = new URL(page.url()).pathname

      const add = page.locator('form.entry-add')
      for (const [review, note] of [
        ['winter-persimmons', 'Patience, rewarded.'],
        ['paper-lanterns-season-1', 'The letters scene alone is worth it.'],
        ['the-quiet-ward-season-1', 'A hospital drama that whispers.'],
      ] as const) {
        await add.getByLabel('Review').fill(review)
        await add.getByLabel('Note').fill(note)
        await add.getByRole('button', { name: 'Add to the list' }).click()
        await page.getByText('Show added.').waitFor()
      }
      await add.getByLabel('Title').fill('Signal')
      await add.getByLabel('Year').fill('2016')
      await add.getByLabel('Country').fill('South Korea')
      await add.getByLabel('Note').fill('Not reviewed here yet, but the benchmark for every slow burn.')
      await add.getByRole('button', { name: 'Add to the list' }).click()
      await page.getByText('Show added.').waitFor()

      // Paper Lanterns to the top, one step at a time.
      await page.getByRole('button', { name: 'Move “Paper Lanterns” up' }).click()
      await page.getByText('Order saved.').waitFor()
      expect(await entryTitles(page)).toEqual(['Paper Lanterns', 'Winter Persimmons', 'The Quiet Ward', 'Signal'])
      await page.getByRole('button', { name: 'Move “Winter Persimmons” down' }).click()
      expect(await entryTitles(page)).toEqual(['Paper Lanterns', 'The Quiet Ward', 'Winter Persimmons', 'Signal'])

      await page.locator('form.list-form').getByLabel('Published: on the site, in the feeds and the sitemap').check()
      await page.getByRole('button', { name: 'Save list' }).click()
      await page.getByText('List saved.').waitFor()
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 900 })
        await page.screenshot({ path: join(SHOTS, `editor-${width}.png`), fullPage: true })
      }

      await page.goto(`${site.url}/lists/best-slow-burners`)
      expect(await page.locator('h1').innerText()).toBe('Best Slow Burners')
      expect((await page.locator('.list-entry-title').allInnerTexts()).map((t) => t.replace(/^Number \d+:\s*/, ''))).toEqual(['Paper Lanterns · S1', 'The Quiet Ward · S1', 'Winter Persimmons', 'Signal'])
      expect(await page.locator('.list-rank').allInnerTexts()).toEqual(['1', '2', '3', '4'])
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 900 })
        await page.screenshot({ path: join(SHOTS, `list-${width}.png`), fullPage: true })
        await page.goto(`${site.url}/lists`)
        await page.screenshot({ path: join(SHOTS, `lists-${width}.png`), fullPage: true })
        await page.goto(`${site.url}/lists/best-slow-burners`)
      }
    } finally {
      await browser.close()
    }
  })
})

describe('the list editor with JavaScript', () => {
  it('reorders by drag and drop', async () => {
    // Tall enough for both rows to show at once: scrolled, the target row sits under the sticky admin bar.
    const browser = await launchBrowser({ viewport: { width: 1280, height: 1600 } })
    try {
      const page = await browser.context.newPage()
      await site.signIn(page)
      await page.goto(site.url + editorPath)
      const saved = page.waitForResponse((r) => r.url().endsWith('/order') && r.status() === 200)
      await page.locator('.entry-row', { hasText: 'Signal' }).locator('.entry-title').dragTo(page.locator('.entry-row', { hasText: 'Paper Lanterns' }).locator('.entry-title'))
      await saved
      await page.getByText('Order saved.').waitFor()
      expect(await entryTitles(page)).toEqual(['Signal', 'Paper Lanterns', 'The Quiet Ward', 'Winter Persimmons'])
    } finally {
      await browser.close()
    }
  })
})

describe('accessibility of the list pages (axe-core)', () => {
  it('finds no serious or critical problem, public and admin, light and dark, phone and desktop', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const width of [390, 1280]) {
        const browser = await launchBrowser({ viewport: { width, height: 900 }, bypassCSP: true, colorScheme })
        try {
          const page = await browser.context.newPage()
          await site.signIn(page)
          for (const path of ['/lists', '/lists/best-slow-burners', '/admin/lists', '/admin/lists/new', editorPath]) {
            await page.goto(site.url + path)
            expect(describeViolations(await seriousViolations(page)), `${path} (${colorScheme}, ${width})`).toEqual([])
          }
        } finally {
          await browser.close()
        }
      }
    }
  }, 400_000)
})
