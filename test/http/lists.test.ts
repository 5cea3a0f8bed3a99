import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addUser } from '../../src/services/accounts.ts'
import { importFiles } from '../../src/services/import-files.ts'
import { openSite, type Site } from '../../src/services/site.ts'
import { createApp } from '../../src/web/app.tsx'
import { AdminClient } from '../helpers/admin-client.ts'
import { tempDataDir } from '../helpers/server.ts'

// Lists through the whole app in-process on a real SQLite file: the admin forms (CSRF included,
// no JavaScript), then the public pages, feeds and sitemap.
const data = tempDataDir()
let site: Site
let app: ReturnType<typeof createApp>
let client: AdminClient
let csrf = ''
let listPath = ''

const PASSWORD = 'correct horse battery staple'

/** The titles on a list page, in order, with their rank when ranked. */
const entriesOn = (html: string) =>
  [...html.matchAll(/<li class="list-entry[^"]*">(?:<span class="list-rank" aria-hidden="true">(\d+)<\/span>)?[\s\S]*?<h2 class="list-entry-title">(?:<span class="visually-hidden">[^<]*<\/span>)?(?:<a href="([^"]*)">)?([^<]+)/g)].map(
    (m) => ({ rank: m[1] ?? null, href: m[2] ?? null, title: m[3] }),
  )

const post = (path: string, fields: Record<string, string>) => client.post(path, { _csrf: csrf, ...fields })

beforeAll(async () => {
  site = await openSite({ dataDir: data.dir, databaseUrl: null, baseUrl: 'https://drama.example/' })
  app = createApp(site)
  for (const [title, year, status] of [['Paper Lanterns', 2024, 'published'], ['Moonlit Ledger', 2023, 'published'], ['Secret Draft', 2024, 'draft']] as const) {
    const file = join(data.dir, `${title}.json`)
    writeFileSync(file, JSON.stringify({ title, year, status, origin: 'South Korea', headline: `${title} headline`, meter: { value: 2, max: 5 }, intro: 'Intro.', sections: [] }))
    await importFiles(site, [file])
  }
  await addUser(site, { username: 'mira', displayName: 'Mira Chen', role: 'owner', password: PASSWORD })
  client = new AdminClient(app)
  expect((await client.login('mira', PASSWORD)).status).toBe(303)
  csrf = await client.csrfFrom('/admin/lists/new')
})

afterAll(async () => {
  await site?.close()
  data.remove()
})

describe('lists in the admin, without JavaScript', () => {
  it('refuses a form without the CSRF token and creates nothing', async () => {
    const res = await client.post('/admin/lists', { title: 'Sneaky', status: 'published' })
    expect(res.status).toBe(403)
    expect(await (await client.request('/admin/lists')).text()).toContain('No lists yet.')
  })

  it('refuses a list without a title, keeping what was typed', async () => {
    const res = await post('/admin/lists', { title: '  ', description: 'Kept text', status: 'draft' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('<a href="#l-title">Title</a>: is required')
    expect(html).toContain('Kept text</textarea>')
  })

  it('creates a ranked draft list and opens its editor', async () => {
    const res = await post('/admin/lists', { title: 'Best Thrillers of 2024', description: 'The ones that kept me up.\n\nIn order.', ranked: 'on', status: 'draft' })
    expect(res.status).toBe(303)
    listPath = res.headers.get('location')!
    expect(listPath).toMatch(/^\/admin\/lists\/\d+$/)
    const html = await (await client.request(listPath)).text()
    expect(html).toContain('List created: now add its shows.')
    expect(html).toContain('value="best-thrillers-of-2024"')
    // A draft is not public.
    expect((await app.request('/lists/best-thrillers-of-2024')).status).toBe(404)
  })

  it('adds a picked review, a typed title and a review by its address', async () => {
    expect((await post(`${listPath}/entries`, { review: 'moonlit-ledger', note: 'Tense from the first scene.' })).status).toBe(303)
    expect((await post(`${listPath}/entries`, { title: 'Signal', year: '2016', origin: 'Korea', note: 'Not reviewed here, but essential.' })).status).toBe(303)
    expect((await post(`${listPath}/entries`, { review: 'https://drama.example/reviews/paper-lanterns', note: '' })).status).toBe(303)
    const html = await (await client.request(listPath)).text()
    expect([...html.matchAll(/<span class="entry-title">([^<]+)/g)].map((m) => m[1])).toEqual(['Moonlit Ledger', 'Signal', 'Paper Lanterns'])
    expect(html).toContain('2016 · South Korea')
  })

  it('refuses an entry naming a review that does not exist, and one with nothing at all', async () => {
    const bad = await post(`${listPath}/entries`, { review: 'no-such-review', note: 'x' })
    expect(bad.status).toBe(422)
    expect(await bad.text()).toContain('there is no review with the slug &quot;no-such-review&quot;')
    const empty = await post(`${listPath}/entries`, { review: '', title: '' })
    expect(empty.status).toBe(422)
    expect(await empty.text()).toContain('is required when no review is picked')
    const bogusYear = await post(`${listPath}/entries`, { title: 'Thing', year: '20x6' })
    expect(bogusYear.status).toBe(422)
    const html = await (await client.request(listPath)).text()
    expect([...html.matchAll(/<span class="entry-title">/g)]).toHaveLength(3)
  })

  it('moves entries up and down with plain forms', async () => {
    const html = await (await client.request(listPath)).text()
    const ids = [...html.matchAll(/data-entry-id="(\d+)"/g)].map((m) => m[1])
    // Paper Lanterns to the top: up twice.
    expect((await post(`${listPath}/entries/${ids[2]}/move`, { direction: 'up' })).status).toBe(303)
    expect((await post(`${listPath}/entries/${ids[2]}/move`, { direction: 'up' })).status).toBe(303)
    // Up from the top changes nothing.
    expect((await post(`${listPath}/entries/${ids[2]}/move`, { direction: 'up' })).status).toBe(303)
    // Moonlit Ledger (now second) down to the end.
    expect((await post(`${listPath}/entries/${ids[0]}/move`, { direction: 'down' })).status).toBe(303)
    const after = await (await client.request(listPath)).text()
    expect([...after.matchAll(/<span class="entry-title">([^<]+)/g)].map((m) => m[1])).toEqual(['Paper Lanterns', 'Signal', 'Moonlit Ledger'])
    // The first entry's up button and the last one's down button are disabled.
    expect(after).toMatch(/name="direction" value="up"\/><button type="submit" class="button small ghost" disabled="">/)
  })

  it('reorders the whole list at once (the drag-and-drop request), refusing an order that is not a permutation', async () => {
    const html = await (await client.request(listPath)).text()
    const ids = [...html.matchAll(/data-entry-id="(\d+)"/g)].map((m) => m[1]!)
    expect((await post(`${listPath}/order`, { order: [ids[0], ids[1]].join(',') })).status).toBe(422)
    const res = await client.post(`${listPath}/order`, { _csrf: csrf, order: [ids[1], ids[0], ids[2]].join(',') }, { headers: { accept: 'application/json' } })
    expect(res.status).toBe(200)
    const after = await (await client.request(listPath)).text()
    expect([...after.matchAll(/<span class="entry-title">([^<]+)/g)].map((m) => m[1])).toEqual(['Signal', 'Paper Lanterns', 'Moonlit Ledger'])
  })

  it('edits and removes an entry', async () => {
    const html = await (await client.request(listPath)).text()
    const ids = [...html.matchAll(/data-entry-id="(\d+)"/g)].map((m) => m[1]!)
    expect((await post(`${listPath}/entries/${ids[0]}`, { title: 'Signal', year: '2016', origin: 'South Korea', note: 'Still the best.' })).status).toBe(303)
    const refused = await post(`${listPath}/entries/${ids[0]}`, { title: 'Signal', origin: 'Atlantis' })
    expect(refused.status).toBe(422)
    expect(await refused.text()).toMatch(/<details class="entry-edit" open="">[\s\S]*&quot;Atlantis&quot; is not a country/)
    expect((await post(`${listPath}/entries/${ids[2]}/delete`, {})).status).toBe(303)
    const after = await (await client.request(listPath)).text()
    expect([...after.matchAll(/<span class="entry-title">([^<]+)/g)].map((m) => m[1])).toEqual(['Signal', 'Paper Lanterns'])
    expect(after).toContain('Still the best.')
  })
})

describe('public list pages', () => {
  it('publishes the list: it shows on /lists and at /lists/:slug, ranked and linked', async () => {
    // Moonlit Ledger back, at the end.
    await post(`${listPath}/entries`, { review: 'moonlit-ledger', note: 'Tense <b>from</b> the first scene.' })
    expect((await post(listPath, { title: 'Best Thrillers of 2024', slug: 'best-thrillers-of-2024', description: 'The ones that kept me up.\n\nIn order.', ranked: 'on', status: 'published' })).status).toBe(303)

    const index = await (await app.request('/lists')).text()
    expect(index).toContain('<h1>Lists</h1>')
    expect(index).toContain('<a class="list-card-link" href="/lists/best-thrillers-of-2024">')
    expect(index).toContain('Ranked · 3 shows')

    const res = await app.request('/lists/best-thrillers-of-2024')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<h1>Best Thrillers of 2024</h1>')
    expect(html).toContain('<p>The ones that kept me up.</p><p>In order.</p>')
    expect(html).toContain('<link rel="canonical" href="https://drama.example/lists/best-thrillers-of-2024"/>')
    expect(entriesOn(html)).toEqual([
      { rank: '1', href: null, title: 'Signal' },
      { rank: '2', href: '/reviews/paper-lanterns', title: 'Paper Lanterns' },
      { rank: '3', href: '/reviews/moonlit-ledger', title: 'Moonlit Ledger' },
    ])
    expect(html).toContain('<ol class="list-entries is-ranked">')
    expect(html).toContain('Tense &lt;b&gt;from&lt;/b&gt; the first scene.')
    expect(html).toContain('aria-label="2 of 5 facepalms"')
  })

  it('shows an unranked list as a bulleted list without numbers', async () => {
    expect((await post(listPath, { title: 'Best Thrillers of 2024', slug: 'best-thrillers-of-2024', description: '', status: 'published' })).status).toBe(303)
    const html = await (await app.request('/lists/best-thrillers-of-2024')).text()
    expect(html).toContain('<ul class="list-entries">')
    expect(entriesOn(html).map((e) => e.rank)).toEqual([null, null, null])
  })

  it('does not link a review that went back to draft, and redirects other spellings of the address', async () => {
    const html = await (await app.request('/lists/best-thrillers-of-2024')).text()
    expect(html).not.toContain('secret-draft')
    const upper = await app.request('/lists/Best-Thrillers-of-2024')
    expect(upper.status).toBe(301)
    expect(upper.headers.get('location')).toBe('/lists/best-thrillers-of-2024')
    expect((await app.request('/lists/nothing-here')).status).toBe(404)
  })

  it('lists the list in the sitemap and in the site feeds', async () => {
    const sitemap = await (await app.request('/sitemap.xml')).text()
    expect(sitemap).toContain('<loc>https://drama.example/lists</loc>')
    expect(sitemap).toContain('<loc>https://drama.example/lists/best-thrillers-of-2024</loc>')
    const atom = await (await app.request('/feed.xml')).text()
    expect(atom).toMatch(/<entry>\s*<title type="html"><!\[CDATA\[Best Thrillers of 2024\]\]><\/title>\s*<id>https:\/\/drama\.example\/lists\/best-thrillers-of-2024<\/id>/)
    const json = JSON.parse(await (await app.request('/feed.json')).text()) as { items: { id: string; content_html: string }[] }
    const item = json.items.find((i) => i.id === 'https://drama.example/lists/best-thrillers-of-2024')!
    expect(item.content_html).toContain('<a href="https://drama.example/reviews/paper-lanterns">Paper Lanterns</a>')
    expect(await (await app.request('/rss.xml')).text()).toContain('<link>https://drama.example/lists/best-thrillers-of-2024</link>')
  })

  it('deletes the list: its page is gone, the reviews stay', async () => {
    expect((await post(`${listPath}/delete`, {})).status).toBe(303)
    expect((await app.request('/lists/best-thrillers-of-2024')).status).toBe(404)
    expect((await app.request('/reviews/paper-lanterns')).status).toBe(200)
    expect(await (await app.request('/lists')).text()).toContain('No lists yet.')
  })
})
