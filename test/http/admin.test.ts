import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addUser, changePassword, login } from '../../src/services/accounts.ts'
import { publishScheduled } from '../../src/services/edit-review.ts'
import { importFiles } from '../../src/services/import-files.ts'
import { loadDemo } from '../../src/services/load-demo.ts'
import { openSite, type Site } from '../../src/services/site.ts'
import { findReviewById, findReviewBySlug, listRevisions } from '../../src/store/reviews.ts'
import { createApp } from '../../src/web/app.tsx'
import { AdminClient } from '../helpers/admin-client.ts'
import { tempDataDir } from '../helpers/server.ts'

// The admin side through the real app on a real SQLite file, in process (no mocks, no network).
let data: ReturnType<typeof tempDataDir>
let site: Site
let app: ReturnType<typeof createApp>
const PASSWORD = 'correct horse battery'

beforeEach(async () => {
  data = tempDataDir()
  site = await openSite({ dataDir: data.dir, databaseUrl: null })
  app = createApp(site)
  await addUser(site, { username: 'mira', displayName: 'Mira Chen', role: 'owner', password: PASSWORD })
})
afterEach(async () => {
  await site.close()
  data.remove()
})

async function signedIn(username = 'mira', headers: Record<string, string> = {}): Promise<AdminClient> {
  const client = new AdminClient(app, headers)
  const res = await client.login(username, PASSWORD)
  expect(res.status).toBe(303)
  return client
}

/** The fields of a minimal valid review as the editor posts them. */
function reviewFields(csrf: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    _csrf: csrf, _action: 'save', title: 'Moon Ferry', headline: 'A Gentle Crossing', hook: 'Would you ride it twice?',
    year: '2025', origin: 'Japan', season: '1', platform: 'Netflix', firstWatch: 'yes', reviewedOn: '2025-10-02', meter: '1',
    intro: 'A calm *little* show.', status: 'published', tags: 'slice of life, ferries',
    'sections.0.aspect': 'Story / Writing', 'sections.0.verdict': 'Slow And Sure', 'sections.0.body': 'It takes its time.',
    'sections.1.aspect': 'Acting', 'sections.1.verdict': 'Quietly Great', 'sections.1.body': 'Everyone is good.',
    ...extra,
  }
}

describe('signing in', () => {
  it('sends visitors to the login page and lets the owner in with a session cookie', async () => {
    const client = new AdminClient(app)
    const res = await client.request('/admin')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/admin/login?next=%2Fadmin')
    const login = await client.login('mira', PASSWORD)
    expect(login.headers.get('location')).toBe('/admin')
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('dramalog_session='))!
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Lax/)
    expect(cookie).not.toMatch(/Secure/)
    const home = await client.request('/admin')
    expect(home.status).toBe(200)
    expect(await home.text()).toContain('Mira Chen')
  })

  it('marks the cookie Secure behind HTTPS', async () => {
    const client = new AdminClient(app, { 'x-forwarded-proto': 'https' })
    const res = await client.login('mira', PASSWORD)
    expect(res.headers.getSetCookie().find((c) => c.startsWith('dramalog_session='))).toMatch(/Secure/)
  })

  it('refuses a login form without its CSRF token', async () => {
    const client = new AdminClient(app)
    await client.request('/admin/login')
    const res = await client.post('/admin/login', { username: 'mira', password: PASSWORD })
    expect(res.status).toBe(403)
    expect(client.cookies.has('dramalog_session')).toBe(false)
  })

  it('throttles wrong passwords per account with a clear message, even for the right password', async () => {
    const client = new AdminClient(app)
    for (let i = 0; i < 5; i++) {
      const res = await client.login('mira', 'wrong password!')
      expect(res.status).toBe(401)
      expect(await res.text()).toContain('Wrong username or password.')
    }
    const locked = await client.login('mira', PASSWORD)
    expect(locked.status).toBe(429)
    expect(locked.headers.get('retry-after')).toBe('60')
    expect(await locked.text()).toContain('Too many failed sign-ins for this address. Try again in 1 minute.')
    expect(client.cookies.has('dramalog_session')).toBe(false)
  })

  it('locks an account attacked from many addresses, and an address trying many accounts', async () => {
    await addUser(site, { username: 'bo', displayName: 'Bo', role: 'editor', password: PASSWORD })
    const t0 = new Date()
    for (let i = 0; i < 5; i++) await expect(login(site, 'mira', 'wrong password', `10.0.0.${i}`, t0)).rejects.toThrow('Wrong username or password.')
    await expect(login(site, 'mira', PASSWORD, '10.0.0.99', t0)).rejects.toThrow('Too many failed sign-ins for this account')
    expect((await login(site, 'bo', PASSWORD, '10.0.0.99', t0)).user.username).toBe('bo')
    for (const name of ['a1', 'a2', 'a3', 'a4', 'a5']) await expect(login(site, name, 'x', '10.9.9.9', t0)).rejects.toThrow('Wrong username')
    await expect(login(site, 'bo', PASSWORD, '10.9.9.9', t0)).rejects.toThrow('Too many failed sign-ins for this address')
    // The lock lasts a minute, then the right password works and clears the account's count.
    const later = new Date(t0.getTime() + 61_000)
    expect((await login(site, 'mira', PASSWORD, '10.0.0.99', later)).user.username).toBe('mira')
  })

  it('signs out, and a password change ends every session', async () => {
    const a = await signedIn()
    const b = await signedIn()
    const csrf = await a.csrfFrom('/admin')
    expect((await a.post('/admin/logout', { _csrf: csrf })).status).toBe(303)
    expect((await a.request('/admin')).status).toBe(303)
    expect((await b.request('/admin')).status).toBe(200)
    await changePassword(site, 'mira', 'another long password')
    expect((await b.request('/admin')).status).toBe(303)
  })
})

describe('the editor', () => {
  it('creates a review from the form and shows it on the public site', async () => {
    const client = await signedIn()
    const csrf = await client.csrfFrom('/admin/reviews/new')
    const res = await client.post('/admin/reviews', reviewFields(csrf), { multipart: true })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toMatch(/^\/admin\/reviews\/\d+\?saved=1$/)
    const page = await app.request('/reviews/moon-ferry-season-1')
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('<span class="headline">A Gentle Crossing</span>')
    expect(html).toContain('aria-label="1 of 5 facepalms"')
    expect(html).toContain('<p>A calm <em>little</em> show.</p>')
    const record = await findReviewBySlug(site.db, 'moon-ferry-season-1')
    expect(record!.doc).toMatchObject({ author: 'Mira Chen', status: 'published', tags: ['slice of life', 'ferries'], origin: 'Japan' })
    expect(record!.doc.publishedAt).toBeTruthy()
  })

  it('refuses a save without the CSRF token and changes nothing', async () => {
    const client = await signedIn()
    const res = await client.post('/admin/reviews', reviewFields('not-the-token'), { multipart: true })
    expect(res.status).toBe(403)
    expect(await findReviewBySlug(site.db, 'moon-ferry-season-1')).toBeUndefined()
    const none = await client.post('/admin/reviews', { ...reviewFields(''), _csrf: '' })
    expect(none.status).toBe(403)
  })

  it('shows every field problem and keeps what was typed', async () => {
    const client = await signedIn()
    const csrf = await client.csrfFrom('/admin/reviews/new')
    const res = await client.post('/admin/reviews', reviewFields(csrf, { title: '', origin: 'Narnia', reviewedOn: '04/08/2025', hook: 'Kept hook' }))
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('unknown country &quot;Narnia&quot;')
    expect(html).toContain('ambiguous date')
    expect(html).toContain('value="Kept hook"')
    expect(html).toMatch(/id="title-error"/)
  })

  it('adds, moves and removes sections without JavaScript, saving nothing', async () => {
    const client = await signedIn()
    const csrf = await client.csrfFrom('/admin/reviews/new')
    const moved = await client.post('/admin/reviews', reviewFields(csrf, { _action: 'down:0' }))
    const html = await moved.text()
    expect(html.indexOf('Quietly Great')).toBeLessThan(html.indexOf('Slow And Sure'))
    const added = await client.post('/admin/reviews', reviewFields(csrf, { _action: 'add-section' }))
    expect(await added.text()).toContain('name="sections.2.aspect"')
    const removed = await client.post('/admin/reviews', reviewFields(csrf, { _action: 'remove:0' }))
    expect(await removed.text()).not.toContain('Slow And Sure')
    expect(await findReviewBySlug(site.db, 'moon-ferry-season-1')).toBeUndefined()
  })

  it('fills the form from pasted blog text, and shows its problems inline', async () => {
    const client = await signedIn()
    const csrf = await client.csrfFrom('/admin/reviews/new')
    const paste = 'Year: 2024\nOrigin: Korea\nFacepalm Meter: 🤦🏻♂️🤦🏻♂️\n\nHook here?\n\nPaper Boats – Floating Along\n\nIntro.\n\nActing – Lovely Work\nGood.'
    const filled = await client.post('/admin/reviews', { _csrf: csrf, _action: 'paste', paste })
    expect(filled.status).toBe(200)
    const html = await filled.text()
    expect(html).toContain('value="Paper Boats"')
    expect(html).toContain('value="South Korea"')
    expect(html).toMatch(/name="meter" value="2" checked/)
    const bad = await client.post('/admin/reviews', { _csrf: csrf, _action: 'paste', paste: paste.replace('Korea', 'Narnia') })
    expect(bad.status).toBe(422)
    expect(await bad.text()).toContain('line 2: origin: unknown country &quot;Narnia&quot;')
  })

  it('refuses a save from a stale revision with 409, keeping both versions visible', async () => {
    const a = await signedIn()
    const b = await signedIn()
    const csrf = await a.csrfFrom('/admin/reviews/new')
    const created = await a.post('/admin/reviews', reviewFields(csrf))
    const id = /\/admin\/reviews\/(\d+)/.exec(created.headers.get('location')!)![1]
    const csrfB = await b.csrfFrom(`/admin/reviews/${id}`)
    const first = await a.post(`/admin/reviews/${id}`, reviewFields(csrf, { revision: '1', headline: 'A saves first' }))
    expect(first.status).toBe(303)
    const second = await b.post(`/admin/reviews/${id}`, reviewFields(csrfB, { revision: '1', headline: 'B typed this' }))
    expect(second.status).toBe(409)
    const html = await second.text()
    expect(html).toContain('Someone saved this review while you were editing')
    expect(html).toContain('A saves first')
    expect(html).toContain('value="B typed this"')
    expect(html).toContain('name="revision" value="2"')
    expect((await findReviewById(site.db, Number(id)))!.doc.headline).toBe('A saves first')
    // Saving again from the conflict view is a deliberate overwrite, kept in the history.
    const again = await b.post(`/admin/reviews/${id}`, reviewFields(csrfB, { revision: '2', headline: 'B typed this' }))
    expect(again.status).toBe(303)
    const revisions = await listRevisions(site.db, Number(id))
    expect(revisions.map((r) => [r.revision, r.doc.headline])).toEqual([[3, 'B typed this'], [2, 'A saves first'], [1, 'A Gentle Crossing']])
  })

  it('lets an author edit only their own reviews', async () => {
    await addUser(site, { username: 'ana', displayName: 'Ana', role: 'author', password: PASSWORD })
    await loadDemo(site)
    const owner = await signedIn()
    const csrf = await owner.csrfFrom('/admin/reviews/new')
    const mine = await owner.post('/admin/reviews', reviewFields(csrf))
    const id = /\/admin\/reviews\/(\d+)/.exec(mine.headers.get('location')!)![1]
    const author = await signedIn('ana')
    expect((await author.request(`/admin/reviews/${id}`)).status).toBe(403)
    const csrfAna = await author.csrfFrom('/admin/reviews/new')
    const res = await author.post(`/admin/reviews/${id}`, reviewFields(csrfAna, { revision: '1', headline: 'Hijacked' }))
    expect(res.status).toBe(403)
    expect((await findReviewById(site.db, Number(id)))!.doc.headline).toBe('A Gentle Crossing')
    const list = await (await author.request('/admin')).text()
    expect(list).not.toContain('Moon Ferry')
    expect(list).not.toContain('Paper Lanterns')
  })

  it('lists the reviews a page at a time, most recently changed first', async () => {
    const file = join(data.dir, 'many.json')
    writeFileSync(file, JSON.stringify(Array.from({ length: 120 }, (_, i) => ({ slug: `show-${i}`, title: `Show ${i}`, intro: 'x' }))))
    await importFiles(site, [file], { now: new Date('2025-01-01T00:00:00Z') })
    const client = await signedIn()
    const csrf = await client.csrfFrom('/admin/reviews/new')
    const made = await client.post('/admin/reviews', reviewFields(csrf))
    expect(made.status).toBe(303)
    const rows = (html: string) => [...html.matchAll(/<span class="slug">\/reviews\/([^<]+)<\/span>/g)].map((m) => m[1])
    const first = await (await client.request('/admin')).text()
    expect(first).toMatch(/<span class="count">121<\/span>/)
    // The review just saved comes first; then the imported ones, the same moment, newest row first.
    expect(rows(first)).toEqual(['moon-ferry-season-1', ...Array.from({ length: 49 }, (_, i) => `show-${119 - i}`)])
    expect(first).toContain('href="/admin?page=2"')
    expect(first).toContain('href="/admin?page=3"')
    const second = await (await client.request('/admin?page=2')).text()
    expect(rows(second)).toEqual(Array.from({ length: 50 }, (_, i) => `show-${70 - i}`))
    const third = await (await client.request('/admin?page=3')).text()
    expect(rows(third)).toEqual(Array.from({ length: 21 }, (_, i) => `show-${20 - i}`))
    expect(third).toContain('href="/admin?page=2"')
    for (const page of ['4', '0', 'two']) expect((await client.request(`/admin?page=${page}`)).status).toBe(404)
  })

  it('refuses malformed poster uploads with a clear message', async () => {
    const client = await signedIn()
    const csrf = await client.csrfFrom('/admin/reviews/new')
    const text = new File(['just some notes, not an image'], 'poster.jpg', { type: 'image/jpeg' })
    const renamed = await client.post('/admin/reviews', { ...reviewFields(csrf), posterFile: text })
    expect(renamed.status).toBe(422)
    expect(await renamed.text()).toContain('&quot;poster.jpg&quot; is not an image')
    const huge = await sharp({ create: { width: 8000, height: 6250, channels: 3, background: '#224466' } }).png().toBuffer()
    const big = await client.post('/admin/reviews', { ...reviewFields(csrf), posterFile: new File([new Uint8Array(huge)], 'huge.png', { type: 'image/png' }) })
    expect(big.status).toBe(422)
    expect(await big.text()).toContain('50 megapixels')
    expect(await findReviewBySlug(site.db, 'moon-ferry-season-1')).toBeUndefined()
  })

  it('stores an uploaded poster in every size and serves it with the page', async () => {
    const client = await signedIn()
    const csrf = await client.csrfFrom('/admin/reviews/new')
    const jpeg = await sharp({ create: { width: 800, height: 1200, channels: 3, background: '#aa3355' } }).jpeg().toBuffer()
    const res = await client.post('/admin/reviews', { ...reviewFields(csrf, { posterCredit: 'Photo by me' }), posterFile: new File([new Uint8Array(jpeg)], 'p.jpg') })
    expect(res.status).toBe(303)
    const html = await (await app.request('/reviews/moon-ferry-season-1')).text()
    const src = /<img src="(\/media\/posters\/[^"]+\.w900\.jpg)"/.exec(html)![1]!
    expect(html).toContain('<figcaption>Photo by me</figcaption>')
    const img = await app.request(src)
    expect(img.status).toBe(200)
    expect((await sharp(Buffer.from(await img.arrayBuffer())).metadata()).width).toBe(900)
  })

  it('publishes a scheduled review when its time comes, not before', async () => {
    const client = await signedIn()
    const csrf = await client.csrfFrom('/admin/reviews/new')
    const at = new Date(Date.now() + 3_600_000).toISOString().slice(0, 16)
    const res = await client.post('/admin/reviews', reviewFields(csrf, { status: 'scheduled', publishAt: at }))
    expect(res.status).toBe(303)
    expect(await publishScheduled(site)).toEqual([])
    expect((await app.request('/reviews/moon-ferry-season-1')).status).toBe(404)
    expect(await publishScheduled(site, new Date(Date.now() + 2 * 3_600_000))).toEqual(['moon-ferry-season-1'])
    expect((await app.request('/reviews/moon-ferry-season-1')).status).toBe(200)
  })

  it('keeps a history with diffs and restores an old revision as a new one', async () => {
    const client = await signedIn()
    const csrf = await client.csrfFrom('/admin/reviews/new')
    const created = await client.post('/admin/reviews', reviewFields(csrf))
    const id = /\/admin\/reviews\/(\d+)/.exec(created.headers.get('location')!)![1]
    await client.post(`/admin/reviews/${id}`, reviewFields(csrf, { revision: '1', intro: 'A rewritten intro.' }))
    const history = await (await client.request(`/admin/reviews/${id}/history`)).text()
    expect(history).toContain('<span class="diff-added">+ A rewritten intro.')
    expect(history).toContain('<span class="diff-removed">− A calm *little* show.')
    const restored = await client.post(`/admin/reviews/${id}/restore/1`, { _csrf: csrf, revision: '2' })
    expect(restored.status).toBe(303)
    const record = await findReviewById(site.db, Number(id))
    expect(record!.revision).toBe(3)
    expect(record!.doc.intro).toBe('A calm *little* show.')
  })
})

describe('site settings', () => {
  it('lets the owner change rubric and meter without breaking existing reviews', async () => {
    await loadDemo(site)
    const client = await signedIn()
    const csrf = await client.csrfFrom('/admin/settings')
    const res = await client.post('/admin/settings', {
      _csrf: csrf, name: 'Rain Reviews', description: 'Dramas, rated in umbrellas.', author: 'Mira', baseUrl: 'https://rain.example/',
      dateOrder: 'dmy', perPage: '10', rubric: 'Plot\nActing\nMood', meterName: 'Umbrella Meter', meterSymbol: '☂️', meterMax: '10',
      meterDirection: 'higher-is-better', meterUnit: 'umbrellas',
    })
    expect(res.status).toBe(303)
    const home = await (await app.request('/')).text()
    expect(home).toContain('<span class="brand-name">Rain Reviews</span>')
    expect(home).toContain('<link rel="canonical" href="https://rain.example/"/>')
    const review = await app.request('/reviews/paper-lanterns-season-1')
    expect(review.status).toBe(200)
    const html = await review.text()
    // The review keeps its sections and the maximum it was rated on.
    expect(html).toContain('aria-label="2 of 5 umbrellas"')
    expect([...html.matchAll(/<span class="aspect-name">([^<]+)/g)].map((m) => m[1])).toEqual(['Story / Writing', 'Acting', 'Originality', 'Vibes', 'Impact'])
    // The editor offers the new rubric plus the review's own aspects, and the new meter.
    const csrf2 = await client.csrfFrom('/admin/reviews/new')
    const fresh = await (await client.request('/admin/reviews/new')).text()
    expect(fresh).toContain('<option value="Mood"')
    expect(fresh).toContain('10 of 10 umbrellas')
    expect(csrf2).toBeTruthy()
  })

  it('refuses bad settings with field messages and changes nothing', async () => {
    const client = await signedIn()
    const csrf = await client.csrfFrom('/admin/settings')
    const res = await client.post('/admin/settings', {
      _csrf: csrf, name: '', description: '', author: '', baseUrl: 'not a url', dateOrder: 'auto', perPage: '12', rubric: 'Acting\nacting',
      meterName: 'M', meterSymbol: '🤦', meterMax: '0', meterDirection: 'lower-is-better', meterUnit: 'facepalms',
    })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('id="meterMax-error"')
    expect(html).toContain('rubric aspects must be unique')
    expect(await (await app.request('/')).text()).toContain('<span class="brand-name">Dramalog</span>')
  })

  it('is for the owner only', async () => {
    await addUser(site, { username: 'ed', displayName: 'Ed', role: 'editor', password: PASSWORD })
    const editor = await signedIn('ed')
    expect((await editor.request('/admin/settings')).status).toBe(403)
    const csrf = await editor.csrfFrom('/admin')
    expect((await editor.post('/admin/settings', { _csrf: csrf, name: 'Taken over' })).status).toBe(403)
  })
})
