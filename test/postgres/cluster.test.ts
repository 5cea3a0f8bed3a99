import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AdminClient } from '../helpers/admin-client.ts'
import { ROOT, runCli, startServer, tempDataDir, type RunningServer } from '../helpers/server.ts'
import { newTestDatabase } from '../helpers/sites.ts'

// Two real app servers (`dramalog serve` processes on two ports) on one real PostgreSQL database,
// sharing one media folder, as deploy/ describes. Each has its own data folder, which holds
// nothing they share. Both check for scheduled reviews every second.
let url: string
const dirs: ReturnType<typeof tempDataDir>[] = []
let media: string
let a: RunningServer
let b: RunningServer
let env: Record<string, string>
const PASSWORD = 'correct horse battery'

beforeAll(async () => {
  url = await newTestDatabase()
  const [dataA, dataB, shared] = [tempDataDir(), tempDataDir(), tempDataDir()]
  dirs.push(dataA, dataB, shared)
  media = join(shared.dir, 'media')
  env = { DATABASE_URL: url, DRAMALOG_MEDIA_DIR: media, DRAMALOG_PUBLISH_INTERVAL: '1' }
  // Started together on an empty database: one migrates (and loads the demo), the other waits.
  ;[a, b] = await Promise.all([startServer(dataA.dir, env), startServer(dataB.dir, env)])
  const added = await runCli(['user', 'add', 'mira', '--name', 'Mira Chen'], dataA.dir, PASSWORD, env)
  expect(added.code, added.stderr).toBe(0)
}, 240_000)

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
  for (const d of dirs) d.remove()
})

async function signedIn(server: RunningServer): Promise<AdminClient> {
  const client = new AdminClient(server.url)
  expect((await client.login('mira', PASSWORD)).status).toBe(303)
  return client
}

/** The fields of a valid review as the editor posts them. */
function reviewFields(csrf: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    _csrf: csrf, _action: 'save', title: 'Moon Ferry', headline: 'A Gentle Crossing', hook: 'Would you ride it twice?', year: '2025',
    origin: 'Japan', season: '1', platform: 'Netflix', firstWatch: 'yes', reviewedOn: '2030-10-02', meter: '1', intro: 'A calm show.',
    status: 'published', tags: 'ferries', 'sections.0.aspect': 'Story / Writing', 'sections.0.verdict': 'Slow And Sure',
    'sections.0.body': 'It takes its time.', ...extra,
  }
}

const idOf = (res: Response) => Number(/\/admin\/reviews\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1])

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<T>(text, values)).rows
  } finally {
    await client.end()
  }
}

describe('two app servers on one PostgreSQL', () => {
  it('migrated the database once and loaded the demo once, while the other server waited', async () => {
    const outputs = [a.output(), b.output()]
    expect(outputs.filter((o) => /loaded 14 demo reviews/.test(o))).toHaveLength(1)
    const migrations = readdirSync(join(ROOT, 'src', 'store', 'migrations')).filter((f) => /^\d{4}-.*\.ts$/.test(f)).map((f) => f.slice(0, -3))
    expect((await query<{ name: string }>(`SELECT name FROM kysely_migration ORDER BY name`)).map((r) => r.name)).toEqual(migrations.sort())
    for (const server of [a, b]) {
      const home = await fetch(`${server.url}/`)
      expect(home.status).toBe(200)
      expect(await home.text()).toContain('Paper Lanterns')
    }
  })

  it('shows a review published through A on B at once, home page included', async () => {
    const before = await fetch(`${b.url}/`)
    expect(await before.text()).not.toContain('Moon Ferry')
    expect((await fetch(`${b.url}/reviews/moon-ferry-season-1`)).status).toBe(404)
    const client = await signedIn(a)
    const saved = await client.post('/admin/reviews', reviewFields(await client.csrfFrom('/admin/reviews/new')))
    expect(saved.status).toBe(303)
    // No waiting: B's page cache hears of the change from PostgreSQL.
    const review = await fetch(`${b.url}/reviews/moon-ferry-season-1`)
    expect(review.status).toBe(200)
    expect(await review.text()).toContain('A Gentle Crossing')
    const home = await fetch(`${b.url}/`, { headers: { 'If-None-Match': before.headers.get('etag')! } })
    expect(home.status).toBe(200)
    expect(await home.text()).toContain('Moon Ferry')
  })

  it('takes a session made on A on B, CSRF token included', async () => {
    const onA = await signedIn(a)
    const onB = new AdminClient(b.url)
    for (const [k, v] of onA.cookies) onB.cookies.set(k, v)
    const dashboard = await onB.request('/admin')
    expect(dashboard.status).toBe(200)
    expect(await dashboard.text()).toContain('Mira Chen')
    // A form served by A is accepted by B.
    const csrf = await onA.csrfFrom('/admin/reviews/new')
    const saved = await onB.post('/admin/reviews', reviewFields(csrf, { title: 'Harbour Lights', status: 'draft' }))
    expect(saved.status).toBe(303)
    // Signing out on B ends the session on A too.
    expect((await onB.post('/admin/logout', { _csrf: csrf })).status).toBe(303)
    expect((await onA.request('/admin')).status).toBe(303)
  })

  it('serves a poster uploaded through A from B', async () => {
    const client = await signedIn(a)
    const jpeg = await sharp({ create: { width: 800, height: 1200, channels: 3, background: '#3355aa' } }).jpeg().toBuffer()
    const csrf = await client.csrfFrom('/admin/reviews/new')
    const saved = await client.post('/admin/reviews', {
      ...reviewFields(csrf, { title: 'Poster Ferry', posterCredit: 'Photo by Mira' }), posterFile: new File([new Uint8Array(jpeg)], 'poster.jpg'),
    })
    expect(saved.status).toBe(303)
    const html = await (await fetch(`${b.url}/reviews/poster-ferry-season-1`)).text()
    expect(html).toContain('<figcaption>Photo by Mira</figcaption>')
    const src = /<img src="(\/media\/posters\/[^"]+\.w900\.jpg)"/.exec(html)![1]!
    const image = await fetch(b.url + src)
    expect(image.status).toBe(200)
    expect((await sharp(Buffer.from(await image.arrayBuffer())).metadata()).width).toBe(900)
  })

  it('lets one of two concurrent edits on A and B win and refuses the other, every time', async () => {
    const [onA, onB] = [await signedIn(a), await signedIn(b)]
    const created = await onA.post('/admin/reviews', reviewFields(await onA.csrfFrom('/admin/reviews/new'), { title: 'Tug Of War' }))
    const id = idOf(created)
    const [csrfA, csrfB] = [await onA.csrfFrom(`/admin/reviews/${id}`), await onB.csrfFrom(`/admin/reviews/${id}`)]
    for (let revision = 1; revision <= 6; revision++) {
      const [fromA, fromB] = await Promise.all([
        onA.post(`/admin/reviews/${id}`, reviewFields(csrfA, { title: 'Tug Of War', revision: String(revision), headline: `A at ${revision}` })),
        onB.post(`/admin/reviews/${id}`, reviewFields(csrfB, { title: 'Tug Of War', revision: String(revision), headline: `B at ${revision}` })),
      ])
      expect([fromA.status, fromB.status].sort()).toEqual([303, 409])
      const loser = fromA.status === 409 ? fromA : fromB
      // The refused editor keeps what was typed and shows the other version.
      expect(await loser.text()).toContain(`${fromA.status === 409 ? 'A' : 'B'} at ${revision}`)
      const winner = fromA.status === 303 ? 'A' : 'B'
      const [row] = await query<{ revision: number; headline: string }>(`SELECT revision, headline FROM reviews WHERE id = $1`, [id])
      expect(row).toEqual({ revision: revision + 1, headline: `${winner} at ${revision}` })
    }
    // Every save that succeeded is in the history; nothing else is.
    const revisions = await query<{ revision: number }>(`SELECT revision FROM revisions WHERE review_id = $1 ORDER BY revision`, [id])
    expect(revisions.map((r) => r.revision)).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('publishes scheduled reviews once, on one of the servers', async () => {
    // Far enough ahead that the import (a CLI start on a busy machine) is over well before it.
    const at = new Date(Date.now() + 10_000).toISOString()
    const docs = ['Clock One', 'Clock Two', 'Clock Three'].map((title) => ({ title, status: 'scheduled', publishedAt: at, intro: 'Tick.' }))
    const file = join(dirs[0]!.dir, 'scheduled.json')
    writeFileSync(file, JSON.stringify(docs))
    const imported = await runCli(['import', file], dirs[0]!.dir, undefined, env)
    expect(imported.code, imported.stderr).toBe(0)
    const slugs = ['clock-one', 'clock-two', 'clock-three']
    expect((await fetch(`${b.url}/reviews/${slugs[0]}`)).status).toBe(404)
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline) {
      const rows = await query<{ status: string }>(`SELECT status FROM reviews WHERE slug = ANY($1)`, [slugs])
      if (rows.every((r) => r.status === 'published')) break
      await new Promise((r) => setTimeout(r, 200))
    }
    // Give the other server's timer a few more rounds to publish anything a second time.
    await new Promise((r) => setTimeout(r, 2500))
    for (const slug of slugs) {
      const lines = [a.output(), b.output()].join('').split('\n').filter((l) => l === `Published scheduled review ${slug}`)
      expect(lines, slug).toHaveLength(1)
      for (const server of [a, b]) expect((await fetch(`${server.url}/reviews/${slug}`)).status).toBe(200)
    }
    const rows = await query<{ published_at: string }>(`SELECT published_at FROM reviews WHERE slug = ANY($1)`, [slugs])
    expect(rows.map((r) => r.published_at)).toEqual([at, at, at])
  })
})
