import { writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { join } from 'node:path'
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SessionUser } from '../../src/domain/user.ts'
import { addUser, login } from '../../src/services/accounts.ts'
import { issueFormStamp, moderateComment, postComment, replyAsAuthor } from '../../src/services/comments.ts'
import { recordDiaryEntry } from '../../src/services/diary.ts'
import { importFiles } from '../../src/services/import-files.ts'
import { updateSettings } from '../../src/services/settings.ts'
import { openSite, type Site } from '../../src/services/site.ts'
import { settingsInput } from '../../src/views/admin/settings-page.tsx'
import { SESSION_COOKIE } from '../../src/web/auth.ts'
import { startServer } from '../../src/web/server.ts'
import { launchChromium } from '../helpers/browser.ts'
import { tempDataDir } from '../helpers/server.ts'
import { child, childrenNamed, parseXml, type XmlElement } from '../helpers/xml.ts'
import { markdownMarker, markdownPayload, PAYLOADS, payload } from './payloads.ts'

// Every field a person can write holds a script-injection payload; every page that shows one is
// opened in Chromium twice: once under the site's Content-Security-Policy (which must never have
// to block anything: a violation means markup got through), and once with the CSP bypassed (so a
// payload that got through would really run and open a dialog). Neither may happen, and each
// page must still show the payloads as text.
const PASSWORD = 'correct horse battery'
const data = tempDataDir('dramalog-xss-')
let site: Site
let server: Awaited<ReturnType<typeof startServer>>
let origin: string
let browser: Browser
let strict: BrowserContext
let bypass: BrowserContext
let owner: SessionUser
let ownerToken: string

// Single-line fields get a marker and one payload each; the index spreads the payloads over them.
const V = {
  siteName: payload('SN', 0, 120),
  description: payload('SD', 1, 500),
  siteAuthor: payload('SA', 2, 120),
  meterName: payload('MN', 3, 60),
  meterUnit: payload('MU', 4, 40),
  meterSymbol: '"><svg onload=alert(90)>',
  aspect: payload('AS', 5, 80),
  ownerName: payload('ON', 6, 120),
  title: payload('TI', 4, 200),
  nativeTitle: payload('NT', 8, 200),
  romanizedTitle: payload('RT', 9, 200),
  headline: payload('HL', 10, 300),
  hook: payload('HK', 11, 500),
  platform: payload('PF', 12, 80),
  verdict1: payload('V1', 13, 200),
  verdict2: payload('V2', 14, 200),
  intro: markdownPayload('IN'),
  body1: markdownPayload('B1'),
  spoiler: markdownPayload('SP'),
  linkSite: payload('LS', 15, 60),
  linkLabel: payload('LL', 16, 200),
  linkUrl: 'https://example.com/"><script>alert(91)</script>',
  tag: payload('TG', 0, 60),
  tag2: payload('T2', 6, 60),
  person: payload('PE', 1, 120),
  role: payload('RO', 2, 60),
  posterCredit: payload('PC', 3, 500),
  posterAlt: payload('PA', 5, 300),
  song: payload('SO', 7, 200),
  reviewAuthor: payload('RA', 8, 120),
  commenter: payload('CN', 9, 80),
  commenterSite: 'https://example.com/?q="><script>alert(92)</script>',
  // Two payloads hold `<a `, which counts as a link: with this one the comment is at the limit of two.
  comment: `CB ${PAYLOADS.join('\n\n')}\n\njavascript:alert(93)`,
  linkComment: 'LC https://example.com/<script>alert(94)</script> and https://example.com/"onmouseover="alert(96)',
  pendingCommenter: payload('PN', 17, 80),
  pendingComment: `PB ${PAYLOADS.slice(5).join('\n')}`,
  reply: `RP ${PAYLOADS[1]} ${PAYLOADS[6]}`,
  diaryTitle: payload('DT', 18, 200),
  diaryPlatform: payload('DP', 19, 80),
  diaryNote: `DN ${PAYLOADS.join(' ')}`.slice(0, 2000),
}
const SLUG = 'xss-review'

/** A review document with a payload in every field a person writes. */
const reviewDocument = {
  slug: SLUG, title: V.title, nativeTitle: V.nativeTitle, romanizedTitle: V.romanizedTitle, year: 2024, origin: 'South Korea', season: 1,
  platform: V.platform, firstWatch: true, reviewedOn: '2024-05-01', meter: { value: 2, max: 5 }, hook: V.hook, headline: V.headline,
  intro: V.intro,
  sections: [
    { aspect: V.aspect, verdict: V.verdict1, body: V.body1 },
    { aspect: 'Acting', verdict: V.verdict2, body: V.spoiler, spoiler: true },
  ],
  links: [{ site: V.linkSite, label: V.linkLabel, url: V.linkUrl }, { site: 'MyDramaList', label: V.linkLabel, url: 'https://mydramalist.com/1' }],
  poster: { src: null, credit: V.posterCredit, alt: V.posterAlt },
  tags: [V.tag, V.tag2], people: [{ name: V.person, role: V.role }], songs: [V.song], author: V.reviewAuthor, status: 'published',
}

beforeAll(async () => {
  site = await openSite({ dataDir: data.dir, databaseUrl: null })
  const row = await addUser(site, { username: 'mira', displayName: V.ownerName, role: 'owner', password: PASSWORD })
  owner = { id: row.id, username: row.username, displayName: row.displayName, role: row.role }
  ownerToken = (await login(site, 'mira', PASSWORD, '127.0.0.1')).token
  const settings = await updateSettings(site, owner, settingsInput({
    name: V.siteName, description: V.description, author: V.siteAuthor, rubric: [V.aspect, 'Acting', 'Vibes'].join('\n'),
    meterName: V.meterName, meterSymbol: V.meterSymbol, meterMax: '5', meterDirection: 'lower-is-better', meterUnit: V.meterUnit,
    dateOrder: 'auto', baseUrl: '', perPage: '12',
  }))
  expect(settings).toMatchObject({ ok: true })
  const file = join(data.dir, 'payloads.json')
  writeFileSync(file, JSON.stringify([reviewDocument]))
  expect((await importFiles(site, [file])).created).toHaveLength(1)

  const stamp = await issueFormStamp(site, new Date(Date.now() - 60_000))
  const approved = await postComment(site, SLUG, { name: V.commenter, website: V.commenterSite, body: V.comment, stamp }, { ip: '192.0.2.1' })
  await moderateComment(site, owner, approved.id, 'approve')
  await replyAsAuthor(site, owner, approved.id, V.reply)
  const linked = await postComment(site, SLUG, { name: 'LN', body: V.linkComment, stamp }, { ip: '192.0.2.3' })
  await moderateComment(site, owner, linked.id, 'approve')
  await postComment(site, SLUG, { name: V.pendingCommenter, body: V.pendingComment, stamp }, { ip: '192.0.2.2' })
  await recordDiaryEntry(site, { title: V.diaryTitle, platform: V.diaryPlatform, note: V.diaryNote, status: 'finished', finishedOn: '2025-03-01', meter: '2', reviewSlug: SLUG }, owner.id)

  server = await startServer(site, 0, '127.0.0.1')
  origin = `http://127.0.0.1:${server.port}`
  browser = await launchChromium()
  strict = await browser.newContext()
  bypass = await browser.newContext({ bypassCSP: true })
  for (const ctx of [strict, bypass]) {
    await ctx.addCookies([{ name: SESSION_COOKIE, value: ownerToken, url: origin }])
    await ctx.addInitScript(() => {
      const w = window as unknown as { __csp: string[] }
      w.__csp = []
      document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`), true)
    })
  }
}, 120_000)

afterAll(async () => {
  await browser?.close()
  if (server) {
    ;(server.server as Server).closeAllConnections()
    await new Promise((resolve) => server.server.close(resolve))
  }
  await site?.close()
  data.remove()
})

type Findings = { dialogs: string[]; csp: string[]; unsafe: string[]; missing: string[] }

/** Markup that can run script, or load or navigate somewhere it should not, in a frame's DOM. */
async function unsafeMarkup(frame: Frame): Promise<string[]> {
  return frame.evaluate((siteOrigin) => {
    const bad: string[] = []
    const URL_ATTRS = /^(href|src|action|formaction|data|xlink:href|poster|background|srcset)$/i
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const a of Array.from(el.attributes)) {
        if (/^on/i.test(a.name)) bad.push(`<${el.localName} ${a.name}>`)
        if (URL_ATTRS.test(a.name) && /^\s*(javascript|vbscript|data(?!:image\/))/i.test(a.value)) bad.push(`<${el.localName} ${a.name}="${a.value}">`)
      }
      if (['iframe', 'object', 'embed', 'base', 'frame', 'style'].includes(el.localName) && !el.classList.contains('live-preview')) bad.push(`<${el.localName}>`)
      if (el.localName === 'meta' && el.getAttribute('http-equiv')) bad.push(`<meta http-equiv=${el.getAttribute('http-equiv')}>`)
      if (el.localName === 'script') {
        // (An SVG script has no .src, so read the attributes.)
        // (A srcdoc frame's own address is about:srcdoc; its base is the editor's.)
        const src = new URL(el.getAttribute('src') ?? el.getAttribute('href') ?? '', document.baseURI).href
        // Data the page's own scripts read (structured data, the words the scripts show) does not run.
        const isData =
          el.getAttribute('type') === 'application/ld+json' ||
          (el.getAttribute('type') === 'application/json' && ['admin-messages', 'static-search-messages'].includes(el.id))
        if (!isData && !src.startsWith(`${siteOrigin}/assets/`)) bad.push(`<script src="${src}">${(el.textContent ?? '').slice(0, 40)}`)
      }
    }
    return bad
  }, origin)
}

/** The text a reader sees (tooltips and form fields' values included), with closed spoilers opened. */
async function visibleText(frame: Frame): Promise<string> {
  return frame.evaluate(() => {
    for (const d of Array.from(document.querySelectorAll('details'))) d.open = true
    const fields = Array.from(document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input:not([type=hidden]), textarea')).map((f) => f.value)
    const tooltips = Array.from(document.querySelectorAll('[title]')).map((e) => e.getAttribute('title'))
    return [document.title, document.body.innerText, ...fields, ...tooltips].join('\n')
  })
}

// Headings may be set in capitals by the style sheet, which innerText follows.
const squash = (s: string) => s.replace(/\s+/g, ' ').toLowerCase()

/** Opens a page in a context and collects dialogs, CSP violations, unsafe markup and missing texts. */
async function inspect(ctx: BrowserContext, path: string, expected: readonly string[], act?: (page: Page) => Promise<void>): Promise<Findings> {
  const page = await ctx.newPage()
  const found: Findings = { dialogs: [], csp: [], unsafe: [], missing: [] }
  page.on('dialog', (d) => {
    found.dialogs.push(`${d.type()}: ${d.message()}`)
    // A payload such as autofocus + onfocus alerts again each time its dialog closes: stop there.
    if (found.dialogs.length >= 3) void page.close()
    else void d.dismiss()
  })
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) found.csp.push(m.text())
  })
  const work = (async () => {
    const res = await page.goto(origin + path, { waitUntil: 'load' })
    expect(res, path).toBeTruthy()
    if (act) await act(page)
    // Handlers such as ontoggle fire a moment after load.
    await page.waitForTimeout(150)
    for (const frame of page.frames()) {
      found.csp.push(...(await frame.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])))
      found.unsafe.push(...(await unsafeMarkup(frame)))
    }
    const text = squash((await Promise.all(page.frames().map(visibleText))).join('\n'))
    found.missing = expected.filter((e) => !text.includes(squash(e)))
  })()
  // A page stuck in its own dialogs (or anything else) is a finding too, not a hung test.
  const stuck = new Promise<'stuck'>((resolve) => setTimeout(() => resolve('stuck'), 45_000).unref())
  try {
    if ((await Promise.race([work, stuck])) === 'stuck') {
      found.unsafe.push(`the page did not settle within 45 s`)
      void work.catch(() => {})
    }
  } catch (err) {
    // The page was closed for its dialogs: they are the finding.
    if (found.dialogs.length === 0) throw err
  } finally {
    if (!page.isClosed()) void page.close().catch(() => {})
  }
  return found
}

/** Inspects a page under CSP and with CSP bypassed; everything must be silent and every text there. */
async function expectSafe(path: string, expected: readonly string[], act?: (page: Page) => Promise<void>): Promise<void> {
  for (const [name, ctx] of [['with CSP', strict], ['CSP bypassed', bypass]] as const) {
    const found = await inspect(ctx, path, expected, act)
    expect(found, `${path} (${name})`).toEqual({ dialogs: [], csp: [], unsafe: [], missing: [] })
  }
}

/** The internal links of a page that start with a prefix. */
async function linksOn(path: string, prefix: string): Promise<string[]> {
  const page = await strict.newPage()
  try {
    await page.goto(origin + path)
    const hrefs = await page.locator(`a[href^="${prefix}"]`).evaluateAll((as) => as.map((a) => a.getAttribute('href')!))
    return [...new Set(hrefs)]
  } finally {
    await page.close()
  }
}

const CHROME = [V.siteName]
const REVIEW_TEXTS = [
  V.title, V.nativeTitle, V.headline, V.hook, V.platform, V.aspect, V.verdict1, V.verdict2, markdownMarker('IN'), markdownMarker('B1'),
  markdownMarker('SP'), V.linkSite, V.tag, V.tag2, V.person, V.role, V.posterCredit, V.commenter, 'CB <script>alert(1)</script>',
  'RP <img src=x onerror=alert(2)>', V.linkComment,
]

describe('payloads in every field, in Chromium', { timeout: 240_000 }, () => {
  it('stay text on the review page, in its JSON-LD and its meta tags', async () => {
    await expectSafe(`/reviews/${SLUG}`, [...CHROME, ...REVIEW_TEXTS])
    const page = await strict.newPage()
    try {
      await page.goto(`${origin}/reviews/${SLUG}`)
      const ld = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent())!)
      expect(JSON.stringify(ld)).toContain(JSON.stringify(V.title).slice(1, -1))
      const og = await page.locator('meta[property="og:title"]').getAttribute('content')
      expect(og).toContain(V.title)
    } finally {
      await page.close()
    }
  })

  it('stay text on the home page, the browse pages and their indexes', async () => {
    await expectSafe('/', [...CHROME, V.title, V.headline, V.description])
    const facets = [...(await linksOn(`/reviews/${SLUG}`, '/tag/')), ...(await linksOn(`/reviews/${SLUG}`, '/people/')), ...(await linksOn(`/reviews/${SLUG}`, '/platform/'))]
    expect(facets.length).toBeGreaterThanOrEqual(4)
    for (const path of facets) await expectSafe(path, [...CHROME, V.title])
    await expectSafe('/tag', [V.tag, V.tag2])
    await expectSafe('/people', [V.person])
    await expectSafe('/platform', [V.platform])
    for (const path of ['/country/kr', '/year']) await expectSafe(path, [...CHROME])
  })

  it('stay text in search results and in the echoed query', async () => {
    await expectSafe(`/search?q=${encodeURIComponent('alert')}`, [...CHROME, V.title])
    // Queries are cut at 400 characters; these fit.
    const query = PAYLOADS.slice(0, 8).join(' ')
    await expectSafe(`/search?q=${encodeURIComponent(query)}`, [query])
  })

  it('stay text in the diary and the year in review', async () => {
    await expectSafe('/diary', [...CHROME, V.diaryTitle, V.diaryPlatform])
    await expectSafe('/diary/2025', [...CHROME, V.diaryPlatform])
  })

  it('stay text on the not-found page, whatever the address', async () => {
    await expectSafe(`/${encodeURIComponent(PAYLOADS.slice(0, 8).join(''))}`, [...CHROME])
    await expectSafe(`/tag/${encodeURIComponent(PAYLOADS[1])}`, [...CHROME])
    await expectSafe(`/reviews/${encodeURIComponent(PAYLOADS[0])}`, [...CHROME])
  })

  it('stay text on the admin pages: list, editor, history, moderation, diary and settings', async () => {
    await expectSafe('/admin', [V.title, V.ownerName])
    const editor = (await linksOn('/admin', '/admin/reviews/')).find((h) => /^\/admin\/reviews\/\d+$/.test(h))!
    await expectSafe(editor, [V.title, V.nativeTitle, V.headline, V.hook, V.platform, V.verdict1, V.posterCredit, V.linkLabel, V.tag, V.person, markdownMarker('IN')])
    await expectSafe(`${editor}/history`, [V.title])
    await expectSafe('/admin/comments', [V.pendingCommenter, 'PB ]]><script>alert(6)</script>'])
    await expectSafe('/admin/comments?status=approved', [V.commenter, 'CB <script>alert(1)</script>'])
    await expectSafe('/admin/diary', [V.diaryTitle])
    const entry = (await linksOn('/admin/diary', '/admin/diary/')).find((h) => /^\/admin\/diary\/\d+$/.test(h))!
    await expectSafe(entry, [V.diaryTitle, V.diaryPlatform, V.diaryNote])
    await expectSafe('/admin/settings', [V.siteName, V.description, V.aspect, V.meterName, V.meterUnit])
    await expectSafe('/admin/import', [V.siteName])
  })

  it('stay text in the live preview, which runs the admin script', async () => {
    const editor = (await linksOn('/admin', '/admin/reviews/')).find((h) => /^\/admin\/reviews\/\d+$/.test(h))!
    await expectSafe(editor, [V.title, V.headline, markdownMarker('B1')], async (page) => {
      await page.getByRole('button', { name: 'Live preview' }).click()
      const frame = page.frameLocator('iframe.live-preview')
      await frame.locator('h1').waitFor()
      expect(await page.locator('iframe.live-preview').getAttribute('sandbox')).toBe('allow-same-origin')
    })
  })

  it('stay text when a form echoes them back: a refused comment, a refused save, a failed sign-in', async () => {
    await expectSafe(`/reviews/${SLUG}`, [V.title, 'refused <img src=x onerror=alert(2)>'], async (page) => {
      // Sent at once, the form is refused as too fast and shown again with what was typed.
      await page.locator('#comment-form textarea[name="body"]').fill(`refused ${PAYLOADS[1]}`)
      await page.locator('#comment-form input[name="name"]').fill(PAYLOADS[2])
      await page.locator('#comment-form input[name="website"]').fill(PAYLOADS[3])
      await Promise.all([page.waitForNavigation(), page.locator('#comment-form button[type="submit"]').click()])
      expect(await page.locator('#comment-form input[name="name"]').inputValue()).toBe(PAYLOADS[2])
    })
    await expectSafe('/admin/reviews/new', [PAYLOADS[0]], async (page) => {
      await page.locator('input[name="title"]').fill(PAYLOADS[0])
      await page.locator('input[name="year"]').fill(PAYLOADS[1])
      await Promise.all([page.waitForNavigation(), page.locator('button[value="save"]').first().click()])
      expect(await page.locator('input[name="year"]').inputValue()).toBe(PAYLOADS[1])
    })
    const visitor = await browser.newContext()
    try {
      const page = await visitor.newPage()
      const dialogs: string[] = []
      page.on('dialog', (d) => {
        dialogs.push(d.message())
        void d.dismiss()
      })
      await page.goto(`${origin}/admin/login?next=${encodeURIComponent(`/admin"><script>alert(95)</script>`)}`)
      await page.locator('input[name="username"]').fill(PAYLOADS[1])
      await page.locator('input[name="password"]').fill('wrong password here')
      await Promise.all([page.waitForNavigation(), page.locator('button[type="submit"]').click()])
      expect(await page.locator('input[name="username"]').inputValue()).toBe(PAYLOADS[1])
      expect(await unsafeMarkup(page.mainFrame())).toEqual([])
      expect(dialogs).toEqual([])
    } finally {
      await visitor.close()
    }
  })
})

describe('payloads in the feeds', () => {
  /** Renders feed HTML the way a feed reader does: in a page of its own, with no CSP to help. */
  async function renderFeedHtml(html: string): Promise<{ text: string; dialogs: string[]; unsafe: string[] }> {
    const page = await bypass.newPage()
    const dialogs: string[] = []
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
    try {
      await page.goto(`${origin}/robots.txt`)
      await page.setContent(`<!doctype html><html><head><title>feed</title></head><body>${html}</body></html>`)
      await page.waitForTimeout(150)
      const unsafe = (await unsafeMarkup(page.mainFrame())).filter((u) => !u.startsWith('<img src="data:image'))
      return { text: squash(await page.evaluate(() => document.body.innerText)), dialogs, unsafe }
    } finally {
      await page.close()
    }
  }

  const get = async (path: string) => {
    const res = await fetch(origin + path)
    expect(res.status, path).toBe(200)
    return res.text()
  }
  const unescapeHtml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')

  async function expectFeedEntrySafe(title: string, titleIsHtml: boolean, content: string) {
    expect(titleIsHtml ? unescapeHtml(title) : title).toContain(V.title)
    if (titleIsHtml) {
      const shown = await renderFeedHtml(title)
      expect(shown).toMatchObject({ dialogs: [], unsafe: [] })
      expect(shown.text).toContain(squash(V.title))
    }
    const body = await renderFeedHtml(content)
    expect(body.dialogs).toEqual([])
    expect(body.unsafe).toEqual([])
    for (const t of [markdownMarker('IN'), markdownMarker('B1'), V.verdict1]) expect(body.text).toContain(squash(t))
  }

  it('parse back, and carry the payloads as text a feed reader cannot run', async () => {
    const atom = parseXml(await get('/feed.xml'))
    const entry = childrenNamed(atom, 'entry')[0]!
    const titleEl = child(entry, 'title')
    await expectFeedEntrySafe(titleEl.text, titleEl.attributes.type === 'html', child(entry, 'content').text)
    expect(unescapeHtml(child(atom, 'title').text)).toContain(V.siteName)

    const rss = parseXml(await get('/rss.xml'))
    const channel = child(rss, 'channel')
    const item: XmlElement = childrenNamed(channel, 'item')[0]!
    // Feed readers take an RSS title as HTML.
    await expectFeedEntrySafe(child(item, 'title').text, true, child(item, 'content:encoded').text)
    expect(unescapeHtml(child(channel, 'title').text)).toContain(V.siteName)

    const json = JSON.parse(await get('/feed.json'))
    expect(json.title).toBe(V.siteName)
    await expectFeedEntrySafe(json.items[0].title, false, json.items[0].content_html)
  })
})
