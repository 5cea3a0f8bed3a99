import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signFormStamp } from '../../src/domain/comments.ts'
import type { SessionUser } from '../../src/domain/user.ts'
import { addUser } from '../../src/services/accounts.ts'
import { commentSecret, moderateComment, postComment } from '../../src/services/comments.ts'
import { recordDiaryEntry } from '../../src/services/diary.ts'
import { addListEntry, createList } from '../../src/services/lists.ts'
import { saveFromEditor } from '../../src/services/edit-review.ts'
import { openSite, type Site } from '../../src/services/site.ts'
import { findReviewBySlug } from '../../src/store/reviews.ts'
import { launchBrowser } from '../helpers/browser.ts'
import { brokenLinks, htmlFiles } from '../helpers/link-check.ts'
import { demoSite, ROOT, runCli, startServer, tempDataDir, type RunningServer } from '../helpers/server.ts'
import { serveFolder, type StaticHost } from '../helpers/static-host.ts'

// `dramalog build` through the real CLI on a real SQLite site (the demo, with comments and a
// diary), checked against a real server on the same data, served from disk by a static host.
const data = tempDataDir('dramalog-build-')
const OUT = join(data.dir, 'out')
const BASE_URL = 'https://drama.example/'
const ENV = { DRAMALOG_BASE_URL: BASE_URL }
const SHOTS = join(ROOT, 'test-results', 'static-build')
let site: Site
let owner: SessionUser
let server: RunningServer
let host: StaticHost

const build = async (...args: string[]) => {
  const r = await runCli(['build', ...args], data.dir, '', ENV)
  expect(r.stderr.replace(/^Building: .*\n/gm, ''), r.stdout).toBe('')
  expect(r.code).toBe(0)
  return r.stdout
}

/** Every file below a folder, relative to it. */
function listTree(root: string): string[] {
  return readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort()
}

/** A snapshot of a folder: each file's content hash, and what says whether it was written (inode, mtime). */
function snapshot(root: string): Map<string, { hash: string; ino: number; mtimeMs: number }> {
  return new Map(
    listTree(root).map((f) => {
      const st = statSync(join(root, f))
      return [f, { hash: createHash('sha1').update(readFileSync(join(root, f))).digest('hex'), ino: st.ino, mtimeMs: st.mtimeMs }]
    }),
  )
}

/** The site path a built file answers (`reviews/x/index.html` → `/reviews/x`), percent-encoded like links. */
const sitePath = (file: string) =>
  `/${file.replace(/(^|\/)index\.html$/, '').split('/').map(encodeURIComponent).join('/')}`.replace(/\/$/, '') || '/'

beforeAll(async () => {
  await demoSite(data.dir)
  site = await openSite({ dataDir: data.dir, databaseUrl: null })
  const user = await addUser(site, { username: 'mira', displayName: 'Mira Chen', role: 'owner', password: 'correct horse battery' })
  owner = { id: user.id, username: user.username, displayName: user.displayName, role: 'owner' }
  // Two comments on one review, one approved (with the author's reply); a diary with a linked review.
  const stamp = signFormStamp(new Date(Date.now() - 10_000), await commentSecret(site))
  const first = await postComment(site, 'paper-lanterns-season-1', { name: 'Ana', body: 'The letters scene got me.', stamp }, { ip: '10.0.0.1' })
  await postComment(site, 'paper-lanterns-season-1', { name: 'Spam Bot', body: 'Still waiting in the queue.', stamp }, { ip: '10.0.0.2' })
  await moderateComment(site, owner, first.id, 'approve')
  await recordDiaryEntry(site, { title: 'Paper Lanterns', status: 'finished', finishedOn: '2025-02-03', reviewSlug: 'paper-lanterns-season-1', rewatch: 'false' }, owner.id)
  await recordDiaryEntry(site, { title: 'Some Other Show', status: 'finished', finishedOn: '2024-11-20', rewatch: 'false' }, owner.id)
  // A published ranked list linking a review and naming a show not reviewed; a draft list stays out.
  const list = await createList(site, { title: 'Slow Burners', description: 'Dramas that take their time.', ranked: 'on', status: 'published' }, owner.id)
  await addListEntry(site, list.id, { review: 'paper-lanterns-season-1', note: 'The letters.' })
  await addListEntry(site, list.id, { title: 'Signal', year: '2016', origin: 'KR' })
  await createList(site, { title: 'Unfinished Thoughts', status: 'draft' }, owner.id)

  mkdirSync(OUT, { recursive: true })
  host = await serveFolder(OUT)
  // The server can send the newsletter (nothing is sent here): the copy's sign-up forms post to it.
  server = await startServer(data.dir, { ...ENV, DRAMALOG_STATIC_URL: host.url, SMTP_URL: 'smtp://127.0.0.1:9', NEWSLETTER_FROM: 'reviews@example.com' })
  await build('--out', OUT, '--server', server.url)
}, 240_000)

afterAll(async () => {
  await server?.stop()
  await host?.close()
  await site?.close()
  data.remove()
})

describe('dramalog build', () => {
  it('writes every page of the URL contract, the feeds, the media and the search index', () => {
    const files = new Set(listTree(OUT))
    for (const f of [
      'index.html', 'page/2/index.html', 'reviews/paper-lanterns-season-1/index.html', 'reviews/the-quiet-ward-season-1/index.html',
      'country/index.html', 'country/kr/index.html', 'country/kr/sort/title/index.html', 'country/kr/sort/meter/index.html',
      'platform/index.html', 'platform/netflix/index.html', 'year/index.html', 'year/2024/index.html', 'meter/index.html', 'meter/0/index.html',
      'meter/2/index.html', 'tag/index.html', 'tag/thriller/index.html', 'people/index.html', 'people/yoon-seo-ha/index.html',
      'diary/index.html', 'diary/2025/index.html', 'diary/2024/index.html', 'lists/index.html', 'lists/slow-burners/index.html', '404.html', 'search/index.html', 'search/shards.json', 'search/d-0.json',
      'feed.xml', 'rss.xml', 'feed.json', 'tag/thriller/feed.xml', 'country/kr/feed.xml', 'sitemap.xml', 'robots.txt',
      'assets/site.css', 'assets/search.js', 'assets/search-terms.js',
    ]) {
      expect(files.has(f), f).toBe(true)
    }
    expect(files.has('lists/unfinished-thoughts/index.html'), 'a draft list').toBe(false)
    // Every poster variant of the demo, byte for byte.
    const media = listTree(site.mediaDir)
    expect(media.length).toBeGreaterThan(100)
    for (const f of media) expect(readFileSync(join(OUT, 'media', f)).equals(readFileSync(join(site.mediaDir, f))), f).toBe(true)
    // No temporary file is left behind.
    expect([...files].filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('gives the HTML and feeds the server gives, for every page it wrote', async () => {
    const skip = /^(assets|media|search)\/|^404\.html$/
    const files = listTree(OUT).filter((f) => !skip.test(f))
    expect(files.length).toBeGreaterThan(150)
    const kinds = new Set<string>()
    for (const file of files) {
      const path = sitePath(file)
      const res = await fetch(server.url + path)
      expect(res.status, path).toBe(200)
      // Only what must differ: the comment forms post to the server from the static copy.
      const built = readFileSync(join(OUT, file), 'utf8')
        .replaceAll(`action="${server.url}/`, 'action="/')
        .replaceAll(`url(&quot;${server.url}/`, 'url(&quot;/')
      expect(built, path).toBe(await res.text())
      kinds.add(path.split('/')[1]!.replace(/\..*/, '.*'))
    }
    // Every page type was among them.
    for (const k of ['', 'reviews', 'page', 'country', 'platform', 'year', 'meter', 'tag', 'people', 'diary', 'lists', 'feed.*', 'rss.*', 'sitemap.*', 'robots.*']) {
      expect(kinds.has(k), k || '/').toBe(true)
    }
  })

  it('is served from disk as the server serves it: routes, types, not-found page', async () => {
    for (const [path, type] of [
      ['/', 'text/html'], ['/page/2/', 'text/html'], ['/reviews/paper-lanterns-season-1', 'text/html'], ['/country/kr/sort/title', 'text/html'],
      ['/people/yoon-seo-ha', 'text/html'], ['/diary/2025', 'text/html'], ['/lists/slow-burners', 'text/html'], ['/search?q=lanterns', 'text/html'], ['/feed.xml', 'application/xml'],
      ['/sitemap.xml', 'application/xml'], ['/robots.txt', 'text/plain'], ['/feed.json', 'application/json'], ['/assets/site.css', 'text/css'],
    ] as const) {
      const res = await fetch(host.url + path)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('content-type'), path).toContain(type)
    }
    const review = await (await fetch(`${host.url}/reviews/paper-lanterns-season-1/`)).text()
    expect(review).toContain('<span class="headline">A Quiet Thriller That Burns Slowly</span>')
    for (const path of ['/reviews/no-such-review', '/tag/nope', '/page/99']) {
      const res = await fetch(host.url + path)
      expect(res.status, path).toBe(404)
      expect(await res.text(), path).toContain('<h1>Nothing here</h1>')
    }
  })

  it('links to nothing that is not there', () => {
    expect(htmlFiles(OUT).length).toBeGreaterThan(150)
    expect(brokenLinks(OUT)).toEqual([])
  })

  it('shows comments as they are, with the forms (comments, newsletter) posting to the server, or no form without one', async () => {
    const html = readFileSync(join(OUT, 'reviews/paper-lanterns-season-1/index.html'), 'utf8')
    expect(html).toContain('The letters scene got me.')
    expect(html).not.toContain('Still waiting in the queue.')
    expect(html).toContain(`action="${server.url}/reviews/paper-lanterns-season-1/comments#comment-form"`)
    expect(html).toContain(`<form class="newsletter-form compact" method="post" action="${server.url}/newsletter">`)

    const closed = join(data.dir, 'closed')
    await build('--out', closed)
    const page = readFileSync(join(closed, 'reviews/paper-lanterns-season-1/index.html'), 'utf8')
    expect(page).toContain('The letters scene got me.')
    expect(page).not.toContain('<form class="comment-form"')
    expect(page).toContain('New comments are not taken on this copy of the site.')
    expect(page).not.toContain('newsletter-form')
    expect(brokenLinks(closed)).toEqual([])
  })

  it('works from a sub-path: every link points below it and resolves', async () => {
    const sub = join(data.dir, 'sub')
    await build('--out', sub, '--base-url', 'https://me.github.io/blog/')
    expect(brokenLinks(sub, '/blog/')).toEqual([])
    const home = readFileSync(join(sub, 'index.html'), 'utf8')
    expect(home).toContain('href="/blog/reviews/paper-lanterns-season-1"')
    expect(home).toContain('href="/blog/assets/site.css?v=')
    expect(home).toMatch(/srcset="\/blog\/media\/posters\/[^"]+ 300w, \/blog\/media\//)
    expect(home).not.toMatch(/(href|src|action)="\/(?!blog\/)/)
    expect(readFileSync(join(sub, 'feed.xml'), 'utf8')).toContain('<link href="https://me.github.io/blog/reviews/')
    expect(readFileSync(join(sub, 'sitemap.xml'), 'utf8')).toContain('<loc>https://me.github.io/blog/reviews/paper-lanterns-season-1</loc>')
    const subHost = await serveFolder(sub, '/blog/')
    try {
      const res = await fetch(`${subHost.url}/blog/tag/thriller/`)
      expect(res.status).toBe(200)
      expect(await res.text()).toContain('href="/blog/reviews/')
    } finally {
      await subHost.close()
    }
  })

  it('renders the same files on worker threads as on the main thread', async () => {
    const threads = join(data.dir, 'threads')
    const single = join(data.dir, 'single')
    await build('--out', threads, '--server', server.url, '--jobs', '2')
    await build('--out', single, '--server', server.url, '--jobs', '1')
    const a = snapshot(threads)
    const b = snapshot(single)
    expect([...a.keys()]).toEqual([...b.keys()])
    for (const [f, v] of a) expect(v.hash, f).toBe(b.get(f)!.hash)
  })

  it('refuses an address that is not one, and changes nothing', async () => {
    const before = snapshot(OUT)
    const r = await runCli(['build', '--out', OUT, '--base-url', 'me.github.io/blog'], data.dir, '', ENV)
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('--base-url: "me.github.io/blog" is not an absolute address')
    expect(snapshot(OUT)).toEqual(before)
  })
})

describe('dramalog build, again', () => {
  it('does nothing when nothing changed', async () => {
    const before = snapshot(OUT)
    const out = await build('--out', OUT, '--server', server.url)
    expect(out).toMatch(/0 pages rendered, 0 files written, 0 files removed/)
    expect(snapshot(OUT)).toEqual(before)
  })

  it('after one edit, rewrites exactly the files whose content changed, and the result is a clean build', async () => {
    const before = snapshot(OUT)
    const record = (await findReviewBySlug(site.db, 'paper-lanterns-season-1'))!
    await saveFromEditor(site, owner, { id: record.id, baseRevision: record.revision, doc: { ...record.doc, headline: 'A Slow Fuse, Lit by Letters' } })
    const out = await build('--out', OUT, '--server', server.url)
    const after = snapshot(OUT)

    const changed = [...after.keys()].filter((f) => before.get(f)?.hash !== after.get(f)!.hash).sort()
    // The review's page, the lists and feeds that show its headline, the sitemap and the search index…
    for (const f of [
      'reviews/paper-lanterns-season-1/index.html', 'index.html', 'tag/thriller/index.html', 'country/kr/index.html', 'platform/netflix/index.html',
      'people/yoon-seo-ha/index.html', 'feed.xml', 'rss.xml', 'feed.json', 'tag/thriller/feed.xml', 'sitemap.xml', 'search/d-0.json',
      'lists/slow-burners/index.html',
    ]) {
      expect(changed, f).toContain(f)
    }
    // …and nothing else: the other reviews, lists it is not on, the diary.
    for (const f of ['reviews/the-quiet-ward-season-1/index.html', 'page/2/index.html', 'country/jp/index.html', 'diary/index.html', 'tag/index.html', 'lists/index.html']) {
      expect(changed, f).not.toContain(f)
    }
    // Files whose content did not change were not written at all (same inode, same time).
    for (const [f, was] of before) {
      if (!changed.includes(f)) expect(after.get(f), f).toEqual(was)
    }
    expect(out).toContain(`${changed.length} files written, 0 files removed`)

    // The same as building from nothing.
    const clean = join(data.dir, 'clean')
    await build('--out', clean, '--server', server.url)
    const fresh = snapshot(clean)
    expect([...fresh.keys()]).toEqual([...after.keys()])
    for (const [f, v] of fresh) expect(v.hash, f).toBe(after.get(f)!.hash)
  })

  it('removes the pages of a review that is gone, and the lists only it was on', async () => {
    const record = (await findReviewBySlug(site.db, 'moonlit-ledger-season-1'))!
    const people = record.peopleSlugs ?? []
    expect(people.length).toBeGreaterThan(0)
    for (const p of people) expect(existsSync(join(OUT, 'people', p, 'index.html')), p).toBe(true)
    await saveFromEditor(site, owner, { id: record.id, baseRevision: record.revision, doc: { ...record.doc, status: 'unpublished' } })
    const gone = (await findReviewBySlug(site.db, 'umbrella-for-two-season-1'))!
    await site.db.deleteFrom('reviews').where('id', '=', gone.id).execute()

    const out = await build('--out', OUT, '--server', server.url)
    expect(out).toMatch(/[1-9]\d* files removed/)
    for (const slug of ['moonlit-ledger-season-1', 'umbrella-for-two-season-1']) {
      expect(existsSync(join(OUT, 'reviews', slug)), slug).toBe(false)
      expect(readFileSync(join(OUT, 'sitemap.xml'), 'utf8')).not.toContain(slug)
      expect(readFileSync(join(OUT, 'index.html'), 'utf8')).not.toContain(slug)
    }
    for (const p of people) expect(existsSync(join(OUT, 'people', p)), p).toBe(false)
    expect(brokenLinks(OUT)).toEqual([])
    // And the result is still what a clean build makes.
    const clean = join(data.dir, 'clean-2')
    await build('--out', clean, '--server', server.url)
    expect(listTree(clean)).toEqual(listTree(OUT))
  })

  it('checks every page again with --clean, and writes none that are the same', async () => {
    const before = snapshot(OUT)
    const out = await build('--out', OUT, '--server', server.url, '--clean')
    expect(out).toMatch(/^Built .* [1-9][\d,]* pages rendered, 0 files written, 0 files removed/)
    expect(snapshot(OUT)).toEqual(before)
  })

  it('starts over after a build that was stopped half-way', async () => {
    rmSync(join(OUT, 'index.html'))
    rmSync(join(OUT, 'tag/thriller/index.html'))
    const out = await build('--out', OUT, '--server', server.url)
    expect(out).toMatch(/^Built /)
    expect(existsSync(join(OUT, 'index.html'))).toBe(true)
    expect(existsSync(join(OUT, 'tag/thriller/index.html'))).toBe(true)
  })
})

describe('the static copy in Chromium', () => {
  it('searches in the browser, and says what to do without JavaScript', async () => {
    mkdirSync(SHOTS, { recursive: true })
    const browser = await launchBrowser()
    try {
      const page = await browser.context.newPage()
      for (const [q, title] of [['lanterns', 'Paper Lanterns'], ['종이', 'Paper Lanterns'], ['yoon seo', 'Paper Lanterns'], ['quiet ward', 'The Quiet Ward']] as const) {
        await page.goto(`${host.url}/search?q=${encodeURIComponent(q)}`)
        await page.locator('#static-search-results li').first().waitFor()
        expect(await page.locator('#static-search-results li h2').first().innerText(), q).toBe(title)
        expect(await page.locator('#static-search-nojs').count(), q).toBe(0)
        expect(await page.inputValue('#search-q')).toBe(q)
      }
      await page.goto(`${host.url}/search?q=${encodeURIComponent('zzqx')}`)
      await page.locator('#static-search-status', { hasText: 'No review matches' }).waitFor()
      // The header's search box sends readers to the same page.
      await page.goto(`${host.url}/`)
      await page.fill('#header-search-q', 'thriller')
      await page.press('#header-search-q', 'Enter')
      await page.locator('#static-search-results li').first().waitFor()
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 900 })
        await page.screenshot({ path: join(SHOTS, `search-${width}.png`), fullPage: true })
      }
    } finally {
      await browser.close()
    }
    const plain = await launchBrowser({ javaScriptEnabled: false })
    try {
      const page = await plain.context.newPage()
      await page.goto(`${host.url}/search?q=lanterns`)
      expect(await page.locator('#static-search-nojs').innerText()).toContain('Search needs JavaScript here')
      await page.locator('#static-search-nojs').getByRole('link', { name: 'tag', exact: true }).click()
      expect(await page.locator('h1').innerText()).toBe('Tags')
    } finally {
      await plain.close()
    }
  })

  it('takes a comment from a static page to the server, without JavaScript', async () => {
    const browser = await launchBrowser({ javaScriptEnabled: false })
    try {
      const page = await browser.context.newPage()
      await page.goto(`${host.url}/reviews/paper-lanterns-season-1/`)
      await page.screenshot({ path: join(SHOTS, 'review-1280.png'), fullPage: true })
      const form = page.locator('#comment-form form')
      await form.getByLabel('Name').fill('Reader From Afar')
      await form.getByLabel('Comment').fill('Found this through the static copy.')
      await page.waitForTimeout(3_200)
      await form.getByRole('button', { name: 'Post comment' }).click()
      await page.waitForURL((u) => u.href.startsWith(server.url))
      // A browser may keep the form-time cookie of another site to itself; the server then shows
      // its own copy of the form with the text kept, and a second send goes through.
      if (!(await page.getByText('Thanks! Your comment waits for moderation.').count())) {
        expect(await page.locator('.form-error').innerText()).toContain('please send it again')
        expect(await page.locator('#comment-body').inputValue()).toBe('Found this through the static copy.')
        await page.waitForTimeout(3_200)
        await page.locator('#comment-form').getByRole('button', { name: 'Post comment' }).click()
      }
      await page.getByText('Thanks! Your comment waits for moderation.').waitFor()
    } finally {
      await browser.close()
    }
    const row = await site.db.selectFrom('comments').select(['status', 'author_name']).where('body', '=', 'Found this through the static copy.').executeTakeFirst()
    expect(row).toEqual({ status: 'pending', author_name: 'Reader From Afar' })
  })
})
