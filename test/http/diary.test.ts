import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addUser } from '../../src/services/accounts.ts'
import { recordDiaryEntry } from '../../src/services/diary.ts'
import { importFiles } from '../../src/services/import-files.ts'
import { openSite, type Site } from '../../src/services/site.ts'
import { createApp } from '../../src/web/app.tsx'
import { tempDataDir } from '../helpers/server.ts'

// The whole app in-process on a real SQLite file: requests go through the same middleware
// (security headers, sessions, CSRF) as on a live server.
const data = tempDataDir()
let site: Site
let app: ReturnType<typeof createApp>
let session = ''
let csrf = ''

const buildApp = (s: Site) => createApp(s)

const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers })
const text = async (path: string) => {
  const res = await get(path)
  expect(res.status, path).toBe(200)
  return res.text()
}
const cookieValue = (res: Response, name: string) =>
  res.headers.getSetCookie().map((c) => new RegExp(`^${name}=([^;]*)`).exec(c)?.[1]).find((v) => v !== undefined)

/** Posts a form as a browser would, signed in unless told otherwise. */
function post(path: string, fields: Record<string, string>, opts: { signedIn?: boolean; csrf?: string | null } = {}) {
  const body = new URLSearchParams(fields)
  const token = opts.csrf === undefined ? csrf : opts.csrf
  if (token !== null) body.set('_csrf', token)
  return app.request(path, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(opts.signedIn === false ? {} : { cookie: `dramalog_session=${session}` }) },
  })
}
const admin = (path: string) => get(path, { cookie: `dramalog_session=${session}` })

let reviewSlug = ''
let draftSlug = ''

beforeAll(async () => {
  site = await openSite({ dataDir: data.dir, databaseUrl: null })
  app = buildApp(site)
  for (const [title, status] of [['Paper Lanterns', 'published'], ['Secret Draft', 'draft']] as const) {
    const file = join(data.dir, `${title}.json`)
    writeFileSync(file, JSON.stringify({ title, year: 2025, status, intro: 'Intro.', sections: [] }))
    await importFiles(site, [file])
  }
  reviewSlug = 'paper-lanterns'
  draftSlug = 'secret-draft'
})

afterAll(async () => {
  await site?.close()
  data.remove()
})

describe('public diary', () => {
  it('shows an empty diary before anything is recorded', async () => {
    const html = await text('/diary')
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toContain('<h1>Watch diary</h1>')
    expect(html).toContain('0 watches')
    expect(html).toContain('Nothing in the diary yet.')
  })

  it('lists watches newest first with status, dates, progress, meter and review link', async () => {
    await recordDiaryEntry(site, { title: 'Paper Lanterns', origin: 'Korea', platform: 'Netflix', startedOn: '2025-03-03', finishedOn: '2025-03-20', episodesWatched: '16', episodesTotal: '16', meter: '2', reviewSlug, note: 'Slow, then wonderful.' }, null)
    await recordDiaryEntry(site, { title: 'Moonlit Ledger', origin: 'China', platform: 'iQIYI', startedOn: '2025-10-01', episodesWatched: '9', episodesTotal: '36', status: 'watching' }, null)
    await recordDiaryEntry(site, { title: 'Draft Linked', finishedOn: '2025-01-05', reviewSlug: draftSlug, rewatch: 'on' }, null)
    await recordDiaryEntry(site, { title: '<script>alert(1)</script>', finishedOn: '2024-06-01', status: 'dropped' }, null)
    await recordDiaryEntry(site, { title: 'Queen of Tears', status: 'planned', platform: 'Netflix' }, null)

    const html = await text('/diary')
    const titles = [...html.matchAll(/<h3 class="diary-title">(?:<a [^>]*>)?([^<]+)/g)].map((m) => m[1])
    expect(titles).toEqual(['Moonlit Ledger', 'Paper Lanterns', 'Draft Linked', '&lt;script&gt;alert(1)&lt;/script&gt;'])
    expect(html).not.toContain('<script>alert(1)</script>')
    expect(html).toContain('4 watches · 1 up next')
    expect(html).toContain(`<h3 class="diary-title"><a href="/reviews/${reviewSlug}">Paper Lanterns</a></h3>`)
    // A draft review is not linked for readers.
    expect(html).toContain('<h3 class="diary-title">Draft Linked</h3>')
    expect(html).not.toContain(draftSlug)
    expect(html).toContain('<span class="status-badge status-watching">Watching</span>')
    expect(html).toContain('<span class="status-badge status-rewatch">Rewatch</span>')
    expect(html).toContain('<span class="diary-dates">3–20 March 2025</span>')
    expect(html).toContain('<span class="progress-fill" style="width:25.0%"></span>')
    expect(html).toContain('9 of 36 episodes')
    expect(html).toContain('aria-label="2 of 5 facepalms"')
    expect(html).toContain('<h2 id="m-2025-10" class="diary-month-h">October 2025</h2>')
    expect(html).toMatch(/<section class="watchlist"[\s\S]*Queen of Tears/)
    expect(html).toContain('<a href="/diary/2025">2025</a>')
    expect(html).toContain('<a href="/diary/2024">2024</a>')
  })

  it('paginates like the home page, and refuses pages that do not exist', async () => {
    for (const path of ['/diary?page=1', '/diary/page/1']) {
      const one = await get(path)
      expect(one.status, path).toBe(301)
      expect(one.headers.get('location'), path).toBe('/diary')
    }
    for (const path of ['/diary?page=2', '/diary/page/2', '/diary?page=abc', '/diary/page/abc']) expect((await get(path)).status, path).toBe(404)
  })

  it('answers 304 for an unchanged page and refreshes after a write', async () => {
    const first = await get('/diary')
    const etag = first.headers.get('etag')!
    expect((await get('/diary', { 'if-none-match': etag })).status).toBe(304)
    await recordDiaryEntry(site, { title: 'Fresh Entry', finishedOn: '2025-12-01' }, null)
    const again = await get('/diary', { 'if-none-match': etag })
    expect(again.status).toBe(200)
    expect(await again.text()).toContain('Fresh Entry')
  })

  it('draws the year in review as accessible SVG charts', async () => {
    const html = await text('/diary/2025')
    expect(html).toContain('<h1>2025 in dramas</h1>')
    expect(html).toContain('<span class="yir-stat-value">4</span><span class="yir-stat-label">watches</span>')
    expect(html).not.toContain('<script')
    for (const id of ['by-month-chart', 'by-country-chart', 'by-platform-chart', 'meter-chart']) {
      expect(html).toContain(`role="img" aria-labelledby="${id}-t ${id}-d"`)
      expect(html).toMatch(new RegExp(`<title id="${id}-t">[^<]+</title><desc id="${id}-d">[^<]+</desc>`))
    }
    expect(html).toContain('<desc id="by-month-chart-d">January: 1, February: 0, March: 1, April: 0, May: 0, June: 0, July: 0, August: 0, September: 0, October: 1, November: 0, December: 1</desc>')
    expect(html).toContain('<desc id="by-country-chart-d">China: 1, South Korea: 1, Unknown: 2</desc>')
    expect(html).toContain('<span class="yir-average-value">2.0</span>')
    expect(html).toContain('<span aria-current="page">2025</span>')
  })

  it('finds only four-digit years that have watches', async () => {
    expect((await get('/diary/2024')).status).toBe(200)
    expect((await get('/diary/2023')).status).toBe(404)
    expect((await get('/diary/20255')).status).toBe(404)
    expect((await get('/diary/abcd')).status).toBe(404)
  })
})

describe('diary admin', () => {
  beforeAll(async () => {
    await addUser(site, { username: 'mina', displayName: 'Mina', role: 'owner', password: 'correct horse battery' })
    const page = await get('/admin/login')
    const pre = cookieValue(page, 'dramalog_csrf')!
    expect(pre).toBeTruthy()
    const res = await app.request('/admin/login', {
      method: 'POST',
      body: new URLSearchParams({ username: 'mina', password: 'correct horse battery', _csrf: pre }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `dramalog_csrf=${pre}` },
    })
    expect(res.status).toBe(303)
    session = cookieValue(res, 'dramalog_session')!
    expect(session).toBeTruthy()
    const form = await (await admin('/admin/diary/new')).text()
    csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!
  })

  const count = async () => (await site.db.selectFrom('diary_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n

  it('sends visitors to the login page and refuses their writes', async () => {
    const res = await get('/admin/diary')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2Fdiary')
    const before = await count()
    expect((await post('/admin/diary', { title: 'Sneaky' }, { signedIn: false, csrf: null })).status).toBe(403)
    expect((await post('/admin/diary', { title: 'No token' }, { csrf: null })).status).toBe(403)
    expect(await count()).toBe(before)
  })

  it('lists watches and the watchlist', async () => {
    const res = await admin('/admin/diary')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<h1>Diary</h1>')
    expect(html).toContain('aria-current="page">Diary</a>')
    expect(html).toMatch(/<h2 id="wl-h">Watchlist<\/h2>[\s\S]*Queen of Tears[\s\S]*<h2 id="w-h">Watches<\/h2>[\s\S]*Moonlit Ledger/)
  })

  it('offers a form with a label for every field and the CSRF token', async () => {
    const html = await (await admin('/admin/diary/new')).text()
    expect(html).toContain('<form method="post" action="/admin/diary" class="diary-form">')
    expect(html).toContain(`<input type="hidden" name="_csrf" value="${csrf}"/>`)
    for (const f of ['title', 'origin', 'platform', 'reviewSlug', 'startedOn', 'finishedOn', 'episodesWatched', 'episodesTotal', 'rewatch', 'meter', 'note']) {
      expect(html, f).toContain(`<label for="f-${f}">`)
      expect(html, f).toMatch(new RegExp(`id="f-${f}" name="${f}"`))
    }
    expect(html).toContain('<legend class="dlabel">Status</legend>')
    expect(html).toMatch(/<input type="radio" name="status" value="finished" checked=""/)
    const planned = await (await admin('/admin/diary/new?status=planned')).text()
    expect(planned).toMatch(/<input type="radio" name="status" value="planned" checked=""/)
    expect(planned).toContain('<h1>Add to the watchlist</h1>')
  })

  it('shows errors beside the fields with the submitted values, and saves nothing', async () => {
    const before = await count()
    const res = await post('/admin/diary', { title: 'Half Baked', startedOn: '2025-05-10', finishedOn: '2025-05-01', episodesWatched: '20', episodesTotal: '16', meter: '9', origin: 'Atlantis', note: 'kept <b>' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('value="Half Baked"')
    expect(html).toContain('value="Atlantis"')
    expect(html).toContain('kept &lt;b&gt;</textarea>')
    expect(html).toContain('<input id="f-finishedOn" name="finishedOn" aria-invalid="true" aria-describedby="f-finishedOn-error" type="date" value="2025-05-01"/>')
    expect(html).toContain('<p class="field-error" id="f-finishedOn-error">Finished cannot be before the start date</p>')
    expect(html).toContain('<p class="field-error" id="f-episodesWatched-error">Episodes watched cannot be more than the 16 episodes in total</p>')
    expect(html).toContain('<p class="field-error" id="f-meter-error">Meter must be between 0 and 5</p>')
    expect(html).toContain('<p class="field-error" id="f-origin-error">Country &quot;Atlantis&quot; is not a country this site knows</p>')
    expect(html).toContain('<div class="form-error" role="alert">')
    expect(await count()).toBe(before)
  })

  it('records, edits and deletes an entry, redirecting to the list each time', async () => {
    const created = await post('/admin/diary', {
      title: 'Glass City', origin: 'Japan', platform: 'Prime Video', status: 'finished', startedOn: '2025-08-28', finishedOn: '2025-09-06',
      episodesWatched: '10', episodesTotal: '10', meter: '1', rewatch: 'on', reviewSlug: `/reviews/${reviewSlug}`, note: 'Sharp.',
    })
    expect(created.status).toBe(303)
    expect(created.headers.get('location')).toBe('/admin/diary')
    const flash = cookieValue(created, 'dramalog_diary_flash')
    expect(flash).toBe('added')
    const row = await site.db.selectFrom('diary_entries').selectAll().where('title', '=', 'Glass City').executeTakeFirstOrThrow()
    expect(row).toMatchObject({ origin_code: 'JP', platform: 'Prime Video', rewatch: 1, meter_value: 1, meter_max: 5, status: 'finished' })

    const list = await app.request('/admin/diary', { headers: { cookie: `dramalog_session=${session}; dramalog_diary_flash=${flash}` } })
    expect(await list.text()).toContain('<p class="notice" role="status">Watch recorded.</p>')

    const edit = await (await admin(`/admin/diary/${row.id}`)).text()
    expect(edit).toContain(`<form method="post" action="/admin/diary/${row.id}" class="diary-form">`)
    expect(edit).toContain('value="Glass City"')
    expect(edit).toContain(`value="${reviewSlug}"`)
    expect(edit).toMatch(/<option value="1" selected="">/)
    expect(edit).toContain(`action="/admin/diary/${row.id}/delete"`)
    const version = /name="version" value="([^"]+)"/.exec(edit)![1]!
    expect(version).toBe(row.updated_at)

    const bad = await post(`/admin/diary/${row.id}`, { title: '' })
    expect(bad.status).toBe(422)
    expect(await bad.text()).toContain('<p class="field-error" id="f-title-error">Title is required</p>')

    const saved = await post(`/admin/diary/${row.id}`, { version, title: 'Glass City', status: 'dropped', startedOn: '2025-08-28', episodesWatched: '3', episodesTotal: '10' })
    expect(saved.status).toBe(303)
    expect(saved.headers.get('location')).toBe('/admin/diary')
    const after = await site.db.selectFrom('diary_entries').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow()
    expect(after).toMatchObject({ status: 'dropped', finished_on: null, episodes_watched: 3, meter_value: null, rewatch: 0, review_id: null })

    const deleted = await post(`/admin/diary/${row.id}/delete`, {})
    expect(deleted.status).toBe(303)
    expect(deleted.headers.get('location')).toBe('/admin/diary')
    expect(await site.db.selectFrom('diary_entries').select('id').where('id', '=', row.id).executeTakeFirst()).toBeUndefined()
    expect((await admin(`/admin/diary/${row.id}`)).status).toBe(404)
    expect((await post(`/admin/diary/${row.id}`, { title: 'Ghost' })).status).toBe(404)
    expect((await post(`/admin/diary/${row.id}/delete`, {})).status).toBe(404)
  })
})
