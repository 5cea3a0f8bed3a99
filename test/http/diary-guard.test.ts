import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ko } from '../../src/domain/messages/ko.ts'
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts'
import { addUser } from '../../src/services/accounts.ts'
import { recordDiaryEntry } from '../../src/services/diary.ts'
import { importFiles } from '../../src/services/import-files.ts'
import { openSite, type Site } from '../../src/services/site.ts'
import { putSiteSettings } from '../../src/store/settings.ts'
import { AdminClient } from '../helpers/admin-client.ts'
import { startServer, tempDataDir, type RunningServer } from '../helpers/server.ts'

// Who may change a diary entry, and two people saving one entry at once, on a real `dramalog serve`
// of a site whose interface is in Korean: the refusal and the conflict page are in Korean too.
const PASSWORD = 'correct horse battery'
const data = tempDataDir('dramalog-diary-guard-')
let site: Site
let server: RunningServer
let anas = 0
let bens = 0
let imported = 0

beforeAll(async () => {
  site = await openSite({ dataDir: data.dir, databaseUrl: null })
  await site.db.transaction().execute((trx) => putSiteSettings(trx, { ...DEFAULT_SETTINGS, language: 'ko' }))
  const ids: Record<string, number> = {}
  for (const [username, role] of [['olive', 'owner'], ['eddie', 'editor'], ['ana', 'author'], ['ben', 'author']] as const) {
    ids[username] = (await addUser(site, { username, displayName: username, role, password: PASSWORD })).id
  }
  anas = await recordDiaryEntry(site, { title: 'Ana Watched', status: 'finished', finishedOn: '2025-03-01', note: 'Mine.' }, ids.ana!)
  bens = await recordDiaryEntry(site, { title: 'Ben Watched', status: 'finished', finishedOn: '2025-03-02', note: 'His.' }, ids.ben!)
  imported = await recordDiaryEntry(site, { title: 'Imported Watch', status: 'planned' }, null)
  const reviews = join(data.dir, 'reviews.json')
  writeFileSync(reviews, JSON.stringify([{ slug: 'salt-road', title: 'Salt Road', intro: 'Imported, so no author of the site wrote it.' }]))
  await importFiles(site, [reviews])
  server = await startServer(data.dir)
}, 180_000)

afterAll(async () => {
  await server?.stop()
  await site?.close()
  data.remove()
})

const rowOf = (id: number) => site.db.selectFrom('diary_entries').selectAll().where('id', '=', id).executeTakeFirst()

async function signedIn(username: string): Promise<AdminClient> {
  const client = new AdminClient(server.url)
  expect((await client.login(username, PASSWORD)).status).toBe(303)
  return client
}

/** The edit form of an entry as a browser loads it: its CSRF token and the version it carries. */
async function openForm(client: AdminClient, id: number): Promise<{ csrf: string; version: string }> {
  const res = await client.request(`/admin/diary/${id}`)
  expect(res.status).toBe(200)
  const html = await res.text()
  return { csrf: /name="_csrf" value="([^"]+)"/.exec(html)![1]!, version: /name="version" value="([^"]+)"/.exec(html)![1]! }
}

const fields = (note: string) => ({ title: 'Ana Watched', status: 'finished', finishedOn: '2025-03-01', note })

describe('an author and the entries of others', () => {
  it('lists them without links to their edit and delete form', async () => {
    const ana = await signedIn('ana')
    const html = await (await ana.request('/admin/diary')).text()
    expect(html).toContain(`<a class="diary-row-title" href="/admin/diary/${anas}">Ana Watched</a>`)
    expect(html).toContain('<span class="diary-row-title">Ben Watched</span>')
    // Ben's and the imported entry say they are someone else's; Ana's own does not.
    expect(html.split(String(ko['diaryAdmin.notYours'])).length - 1).toBe(2)
    expect(html).toContain('<span class="diary-row-title">Imported Watch</span>')
    expect(html).not.toContain(`href="/admin/diary/${bens}"`)
    expect(html).not.toContain(`href="/admin/diary/${imported}"`)
    // An editor gets every link.
    const eddie = await signedIn('eddie')
    const all = await (await eddie.request('/admin/diary')).text()
    for (const id of [anas, bens, imported]) expect(all).toContain(`href="/admin/diary/${id}"`)
  })

  it('refuses to open, save or delete them with 403 in the site language, changing nothing', async () => {
    const ana = await signedIn('ana')
    const { csrf } = await openForm(ana, anas)
    for (const id of [bens, imported]) {
      const before = await rowOf(id)
      const version = before!.updated_at
      const opened = await ana.request(`/admin/diary/${id}`)
      expect(opened.status).toBe(403)
      expect(await opened.text()).toBe(ko['form.diaryNotYours'])
      const saved = await ana.post(`/admin/diary/${id}`, { _csrf: csrf, version, title: 'Taken Over', status: 'dropped' })
      expect(saved.status).toBe(403)
      expect(await saved.text()).toBe(ko['form.diaryNotYours'])
      const deleted = await ana.post(`/admin/diary/${id}/delete`, { _csrf: csrf })
      expect(deleted.status).toBe(403)
      expect(await rowOf(id)).toEqual(before)
    }
  })
})

describe('an author and the reviews of others', () => {
  it('refuses to open one with 403 in the site language', async () => {
    const ana = await signedIn('ana')
    const { id } = await site.db.selectFrom('reviews').select('id').where('slug', '=', 'salt-road').executeTakeFirstOrThrow()
    const opened = await ana.request(`/admin/reviews/${id}`)
    expect(opened.status).toBe(403)
    expect(await opened.text()).toBe(ko['form.reviewNotYours'])
  })
})

describe('the admin refusing a request', () => {
  it('says so in the site language: a role without the right, a form from elsewhere, an expired form', async () => {
    const ana = await signedIn('ana')
    const role = await ana.request('/admin/newsletter')
    expect(role.status).toBe(403)
    expect(await role.text()).toBe(ko['form.roleRefused'])
    const { csrf } = await openForm(ana, anas)
    const foreign = await ana.post(`/admin/diary/${anas}`, { _csrf: csrf, ...fields('From elsewhere.') }, { headers: { origin: 'https://elsewhere.example' } })
    expect(foreign.status).toBe(403)
    expect(await foreign.text()).toBe(ko['form.crossSite'])
    const expired = await ana.post(`/admin/diary/${anas}`, { _csrf: 'x'.repeat(32), ...fields('Stale token.') })
    expect(expired.status).toBe(403)
    expect(await expired.text()).toBe(ko['form.formExpired'])
    expect((await rowOf(anas))!.note).not.toMatch(/From elsewhere|Stale token/)
  })
})

describe('two saves from the same loaded form', () => {
  it('keeps the first with 303 and answers the second with 409, keeping what was typed', async () => {
    const olive = await signedIn('olive')
    const eddie = await signedIn('eddie')
    const forOlive = await openForm(olive, anas)
    const forEddie = await openForm(eddie, anas)
    expect(forEddie.version).toBe(forOlive.version)

    const [a, b] = await Promise.all([
      olive.post(`/admin/diary/${anas}`, { _csrf: forOlive.csrf, version: forOlive.version, ...fields('Olive was here.') }),
      eddie.post(`/admin/diary/${anas}`, { _csrf: forEddie.csrf, version: forEddie.version, ...fields('Eddie <was> here.') }),
    ])
    expect([a.status, b.status].sort()).toEqual([303, 409])
    const [won, lost, wonNote, lostNote] = a.status === 303 ? [a, b, 'Olive was here.', 'Eddie <was> here.'] : [b, a, 'Eddie <was> here.', 'Olive was here.']
    expect(won.headers.get('location')).toBe('/admin/diary')
    const stored = (await rowOf(anas))!
    expect(stored.note).toBe(wonNote)
    expect(stored.updated_at).not.toBe(forOlive.version)

    const page = await lost.text()
    expect(page).toContain(`<h2 id="conflict-h">${ko['diaryAdmin.conflict']}</h2>`)
    const typed = lostNote.replace('<', '&lt;').replace('>', '&gt;')
    expect(page).toContain(`${typed}</textarea>`)
    // The conflict page carries the stored version: saving from it again is a deliberate overwrite.
    expect(page).toContain(`name="version" value="${stored.updated_at}"`)
    const client = lost === a ? olive : eddie
    const again = await client.post(`/admin/diary/${anas}`, { _csrf: (lost === a ? forOlive : forEddie).csrf, version: stored.updated_at, ...fields(lostNote) })
    expect(again.status).toBe(303)
    expect((await rowOf(anas))!.note).toBe(lostNote)
  })
})
