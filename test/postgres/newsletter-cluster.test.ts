import { afterAll, beforeAll, expect, it } from 'vitest'
import pg from 'pg'
import { AdminClient } from '../helpers/admin-client.ts'
import { freePort, runCli, startServer, tempDataDir, type RunningServer } from '../helpers/server.ts'
import { newTestDatabase } from '../helpers/sites.ts'
import { startMailServer, type TestMailServer } from '../helpers/smtp.ts'

// Two real app servers on one PostgreSQL database, both working the newsletter queue every second
// against one real SMTP server: each subscriber gets the review exactly once.
const PASSWORD = 'correct horse battery'
const READERS = ['ana', 'ben', 'cy', 'dee', 'eve'].map((n) => `${n}@example.org`)
const dirs: ReturnType<typeof tempDataDir>[] = []
let smtp: TestMailServer
let a: RunningServer
let b: RunningServer
let url: string

beforeAll(async () => {
  url = await newTestDatabase()
  smtp = await startMailServer()
  const [dataA, dataB] = [tempDataDir(), tempDataDir()]
  dirs.push(dataA, dataB)
  const portA = await freePort()
  const env = {
    DATABASE_URL: url, SMTP_URL: smtp.url, NEWSLETTER_FROM: 'reviews@example.com', DRAMALOG_BASE_URL: `http://127.0.0.1:${portA}/`, DRAMALOG_NEWSLETTER_INTERVAL: '1',
  }
  a = await startServer(dataA.dir, env, portA)
  b = await startServer(dataB.dir, env)
  const added = await runCli(['user', 'add', 'mira', '--name', 'Mira Chen'], dataA.dir, PASSWORD, env)
  expect(added.code, added.stderr).toBe(0)
}, 240_000)

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
  await smtp?.stop()
  for (const d of dirs) d.remove()
})

it('sends a published review once to each subscriber while two servers work the queue', async () => {
  // Sign-ups land on either server; the links (the public address) lead to the first.
  for (const [i, email] of READERS.entries()) {
    const server = i % 2 ? b : a
    const res = await fetch(`${server.url}/newsletter`, { method: 'POST', body: new URLSearchParams({ email }), headers: { origin: server.url }, redirect: 'manual' })
    expect(res.status, email).toBe(303)
    const [mail] = await smtp.waitFor(email)
    const link = /http:\/\/\S+\/newsletter\/confirm\?token=[\w-]+/.exec(mail!.parsed.text ?? '')![0]
    expect((await fetch(link)).status).toBe(200)
  }
  smtp.messages.length = 0

  const editor = new AdminClient(b.url)
  expect((await editor.login('mira', PASSWORD)).status).toBe(303)
  const csrf = await editor.csrfFrom('/admin/reviews/new')
  const saved = await editor.post('/admin/reviews', {
    _csrf: csrf, _action: 'save', title: 'Moon Ferry', headline: 'A Gentle Crossing', year: '2025', origin: 'Japan', meter: '1', intro: 'A calm show.',
    status: 'published', 'sections.0.aspect': 'Acting', 'sections.0.verdict': 'Quietly Good', 'sections.0.body': 'Yes.',
  }, { multipart: true })
  expect(saved.status).toBe(303)

  for (const email of READERS) await smtp.waitFor(email)
  // Both servers have had several rounds since: still one each.
  await new Promise((r) => setTimeout(r, 3000))
  expect(smtp.messages.map((m) => m.to[0]).sort()).toEqual(READERS)
  expect(smtp.messages.every((m) => m.parsed.subject === 'Moon Ferry – A Gentle Crossing')).toBe(true)
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const rows = (await client.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM newsletter_sends GROUP BY status')).rows
    expect(rows).toEqual([{ status: 'sent', n: READERS.length }])
  } finally {
    await client.end()
  }
})
