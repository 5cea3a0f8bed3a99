import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SessionUser } from '../../src/domain/user.ts'
import { listAccounts } from '../../src/services/accounts.ts'
import { issueFormStamp, moderateComment, postComment, replyAsAuthor } from '../../src/services/comments.ts'
import { openSite } from '../../src/services/site.ts'
import { launchBrowser } from '../helpers/browser.ts'
import { demoSite, ROOT, runCli, startServer, tempDataDir, type RunningServer } from '../helpers/server.ts'

const SHOTS = join(ROOT, 'test-results')
const PASSWORD = 'correct horse battery'
const SLUG = 'paper-lanterns-season-1'
let server: RunningServer
const data = tempDataDir()

/** A few comments written an hour or two ago (the services take the clock), so the screenshots show a conversation. */
async function seedComments(): Promise<void> {
  const site = await openSite({ dataDir: data.dir, databaseUrl: null })
  try {
    const owner = (await listAccounts(site)).find((u) => u.role === 'owner')!
    const me: SessionUser = { id: owner.id, username: owner.username, displayName: owner.displayName, role: owner.role }
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000)
    const say = async (slug: string, values: Record<string, string>, h: number, ip: string) =>
      postComment(site, slug, { stamp: await issueFormStamp(site, hoursAgo(h + 0.01)), ...values }, { ip }, hoursAgo(h))
    const first = await say(SLUG, {
      name: 'Hana Okafor', email: 'hana@example.org', website: 'hana-watches.example',
      body: 'Episode five made me gasp out loud on the bus.\nThe letters scene? Perfect.\n\nStill not sure about the ending though.',
    }, 5, '198.51.100.10')
    await moderateComment(site, me, first.id, 'approve')
    const reply = await say(SLUG, { name: 'Jun', body: 'Same! The café owner knew all along, I am sure of it.', parentId: String(first.id) }, 4, '198.51.100.11')
    await moderateComment(site, me, reply.id, 'approve')
    await replyAsAuthor(site, me, first.id, 'The ending split everyone I know. Give episode 12 a rewatch – the last letter reads differently the second time.', hoursAgo(3))
    const links = await say(SLUG, { name: 'Priya', body: 'Great review. The soundtrack is on https://music.example/paper-lanterns if anyone wants it.' }, 2, '198.51.100.12')
    await moderateComment(site, me, links.id, 'approve')
    await say('the-quiet-ward-season-1', { name: 'Marco', email: 'marco@example.org', body: 'Is the hospital real? It looked like a set to me.' }, 1, '198.51.100.13')
  } finally {
    await site.close()
  }
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  await demoSite(data.dir)
  expect((await runCli(['user', 'add', 'mira', '--name', 'Mira Chen'], data.dir, `${PASSWORD}\n`)).code).toBe(0)
  await seedComments()
  server = await startServer(data.dir)
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

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)

describe('comments in Chromium', () => {
  it('posts a comment without JavaScript, then the owner approves it and readers see it', async () => {
    const browser = await launchBrowser({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false })
    try {
      const page = await browser.context.newPage()
      await page.goto(`${server.url}/reviews/${SLUG}`)
      expect(await page.locator('.comment-count').innerText()).toBe('4 comments')
      // The honeypot is there for bots, not for people or screen readers.
      expect(await page.getByRole('textbox', { name: 'Leave this empty' }).count()).toBe(0)
      expect((await page.locator('#comment-url').boundingBox())!.x).toBeLessThan(0)

      const form = page.locator('#comment-form')
      await form.getByLabel('Name').fill('Dae-ho')
      await form.getByLabel(/^Email/).fill('daeho@example.org')
      await form.getByLabel('Comment').fill('Watched it in one weekend.\nNo regrets, only tears.')
      // Starting to write fetched the form-time image (CSS :focus-within, no JavaScript), which set the
      // signed start time in a cookie for the form's address only.
      await expect.poll(async () => (await browser.context.cookies()).find((c) => c.name === 'dramalog_form_time')?.path).toBe(`/reviews/${SLUG}/comments`)
      // The form refuses anything sent within 3 s of that: a person takes longer.
      await page.waitForTimeout(3_500)
      await form.getByRole('button', { name: 'Post comment' }).click()
      await page.waitForURL(`${server.url}/reviews/${SLUG}/comments/thanks#comment-form`)
      expect(await page.getByRole('status').innerText()).toBe('Thanks! Your comment waits for moderation.')
      await page.locator('#comment-form').screenshot({ path: join(SHOTS, 'comments-thanks-desktop.png') })

      await signIn(page)
      await page.getByRole('link', { name: /^Comments\b/ }).click()
      expect(await page.getByRole('link', { name: /^Comments\W+2 waiting$/ }).getAttribute('aria-current')).toBe('page')
      const item = page.locator('.mod-item', { hasText: 'Watched it in one weekend.' })
      expect(await item.locator('.mod-contact').innerText()).toBe('daeho@example.org')
      await page.screenshot({ path: join(SHOTS, 'moderation-desktop.png'), fullPage: true })
      await item.getByRole('button', { name: 'Approve the comment by Dae-ho' }).click()
      await page.waitForURL(`${server.url}/admin/comments`)
      expect(await page.getByRole('status').innerText()).toBe('Comment approved.')

      await page.goto(`${server.url}/reviews/${SLUG}`)
      expect(await page.locator('.comment-count').innerText()).toBe('5 comments')
      const mine = page.locator('article.comment', { hasText: 'Watched it in one weekend.' })
      expect(await mine.locator('.comment-text').innerHTML()).toBe('<p>Watched it in one weekend.<br>No regrets, only tears.</p>')
      expect(await page.content()).not.toContain('daeho@example.org')
      expect(await page.locator('.comment.by-author .badge').innerText()).toBe('Author')
      await page.locator('#comments').screenshot({ path: join(SHOTS, 'comments-desktop.png') })
    } finally {
      await browser.close()
    }
  })

  it('fits a phone screen: the comments and the moderation queue', async () => {
    const browser = await launchBrowser({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, javaScriptEnabled: false })
    try {
      const page = await browser.context.newPage()
      await page.goto(`${server.url}/reviews/${SLUG}`)
      await page.locator('#reply-' + (await page.locator('.comment-list > li > article').first().getAttribute('id'))!.slice('comment-'.length) + ' > summary').click()
      expect(await overflow(page)).toBe(0)
      await page.locator('#comments').screenshot({ path: join(SHOTS, 'comments-phone.png') })
      await signIn(page)
      await page.goto(`${server.url}/admin/comments`)
      expect(await overflow(page)).toBe(0)
      await page.screenshot({ path: join(SHOTS, 'moderation-phone.png'), fullPage: true })
    } finally {
      await browser.close()
    }
  })
})
