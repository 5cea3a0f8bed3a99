import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AdminClient } from '../helpers/admin-client.ts'
import { freePort, runCli, startServer, tempDataDir, type RunningServer } from '../helpers/server.ts'
import { startMailServer, type TestMailServer } from '../helpers/smtp.ts'

// The newsletter end to end on a real `dramalog serve` process and a real SMTP server: a reader
// signs up through the form, follows the link in the email, gets the review the editor publishes,
// and leaves with the one-click POST a mail program sends. Then the server restarts.
const PASSWORD = 'correct horse battery'
const data = tempDataDir('dramalog-newsletter-')
let smtp: TestMailServer
let server: RunningServer
let port: number
let env: Record<string, string>

beforeAll(async () => {
  smtp = await startMailServer()
  port = await freePort()
  env = {
    SMTP_URL: smtp.url, NEWSLETTER_FROM: 'Rain Diaries <reviews@example.com>', DRAMALOG_BASE_URL: `http://127.0.0.1:${port}/`, DRAMALOG_NEWSLETTER_INTERVAL: '1',
  }
  expect((await runCli(['user', 'add', 'mira', '--name', 'Mira Chen'], data.dir, `${PASSWORD}\n`)).code).toBe(0)
  server = await startServer(data.dir, env, port)
}, 180_000)

afterAll(async () => {
  await server?.stop()
  await smtp?.stop()
  data.remove()
})

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/newsletter`, { method: 'POST', body: new URLSearchParams(fields), headers: { origin: `http://127.0.0.1:${port}`, ...headers }, redirect: 'manual' })

function subscribers(): { email: string; state: string; unsubscribe_token: string }[] {
  const db = new Database(join(data.dir, 'dramalog.sqlite'), { readonly: true })
  try {
    return db.prepare('SELECT email, state, unsubscribe_token FROM newsletter_subscribers ORDER BY id').all() as never
  } finally {
    db.close()
  }
}

async function confirmFromEmail(email: string): Promise<Response> {
  const [mail] = await smtp.waitFor(email)
  const link = /http:\/\/127\.0\.0\.1:\d+\/newsletter\/confirm\?token=[\w-]+/.exec(mail!.parsed.text ?? '')![0]
  return fetch(link)
}

describe('signing up', () => {
  it('shows the form in every page footer', async () => {
    const html = await (await fetch(`${server.url}/`)).text()
    expect(html).toMatch(/<form class="newsletter-form compact" method="post" action="\/newsletter">/)
    expect((await fetch(`${server.url}/newsletter`)).status).toBe(200)
  })

  it('refuses an invalid address with a clear message and stores nothing', async () => {
    const res = await form({ email: 'not-an-address', url: '' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('This does not look like an email address (name@example.com).')
    expect(html).toContain('value="not-an-address"')
    expect(subscribers()).toEqual([])
  })

  it('refuses a sign-up sent from another site', async () => {
    const res = await form({ email: 'forged@example.org' }, { origin: 'https://evil.example' })
    expect(res.status).toBe(403)
    expect(subscribers()).toEqual([])
  })

  it('sends a confirmation link; following it over HTTP confirms the address, once', async () => {
    const res = await form({ email: 'Ana@Example.org', url: '' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/newsletter/check')
    const confirmed = await confirmFromEmail('ana@example.org')
    expect(confirmed.status).toBe(200)
    expect(await confirmed.text()).toContain('New reviews will arrive at ana@example.org.')
    expect(subscribers()).toMatchObject([{ email: 'ana@example.org', state: 'confirmed' }])
    const [mail] = smtp.to('ana@example.org')
    const link = /http:\/\/\S+confirm\?token=[\w-]+/.exec(mail!.parsed.text ?? '')![0]
    const again = await fetch(link)
    expect(again.status).toBe(404)
    expect(await again.text()).toContain('This link does not work any more')
  })

  it('answers an address already on the list exactly as a new one', async () => {
    const res = await form({ email: 'ana@example.org' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/newsletter/check')
  })
})

describe('a published review', () => {
  it('reaches each confirmed subscriber once, with one-click unsubscribe; pending addresses get nothing', async () => {
    expect((await form({ email: 'ben@example.org' })).status).toBe(303)
    expect((await confirmFromEmail('ben@example.org')).status).toBe(200)
    expect((await form({ email: 'waiting@example.org' })).status).toBe(303)
    await smtp.waitFor('waiting@example.org')

    const editor = new AdminClient(server.url)
    expect((await editor.login('mira', PASSWORD)).status).toBe(303)
    const csrf = await editor.csrfFrom('/admin/reviews/new')
    const saved = await editor.post('/admin/reviews', {
      _csrf: csrf, _action: 'save', title: 'Moon Ferry', headline: 'A Gentle Crossing', hook: 'Would you ride it twice?', year: '2025', origin: 'Japan',
      platform: 'Netflix', meter: '1', intro: 'A calm show.', status: 'published', 'sections.0.aspect': 'Story / Writing', 'sections.0.verdict': 'Slow And Sure',
      'sections.0.body': 'It takes its time.',
    }, { multipart: true })
    expect(saved.status).toBe(303)

    const [toAna] = (await smtp.waitFor('ana@example.org', 2)).filter((m) => m.parsed.subject === 'Moon Ferry – A Gentle Crossing')
    const [toBen] = (await smtp.waitFor('ben@example.org', 2)).filter((m) => m.parsed.subject === 'Moon Ferry – A Gentle Crossing')
    expect(toAna!.parsed.html).toContain(`http://127.0.0.1:${port}/reviews/moon-ferry`)
    expect(toAna!.parsed.text).toContain('Story / Writing: Slow And Sure')
    expect(toBen!.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click')
    // Nothing for the address that never confirmed.
    await new Promise((r) => setTimeout(r, 1500))
    expect(smtp.to('waiting@example.org')).toHaveLength(1)

    // A mail scanner opening the unsubscribe link changes nothing; the mail program's POST unsubscribes.
    const unsubscribe = /<([^>]+)>/.exec(toBen!.header('list-unsubscribe')!)![1]!
    const asked = await fetch(unsubscribe)
    expect(asked.status).toBe(200)
    expect(await asked.text()).toContain('Stop sending new reviews to ben@example.org?')
    expect(subscribers().find((s) => s.email === 'ben@example.org')!.state).toBe('confirmed')
    const posted = await fetch(unsubscribe, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(posted.status).toBe(200)
    expect(await posted.text()).toContain('You are unsubscribed')
    expect(subscribers().find((s) => s.email === 'ben@example.org')!.state).toBe('unsubscribed')
  })

  it('is not sent again by a new server process on the same database', async () => {
    const before = smtp.messages.length
    await server.stop()
    server = await startServer(data.dir, env, port)
    await new Promise((r) => setTimeout(r, 2500))
    expect(smtp.messages.length).toBe(before)
    expect(await (await fetch(`${server.url}/`)).text()).toContain('newsletter-form')
  })
})

describe('without a mail server', () => {
  it('hides the form and says so on the sign-up page', async () => {
    await server.stop()
    server = await startServer(data.dir, { DRAMALOG_BASE_URL: `http://127.0.0.1:${port}/` }, port)
    expect(await (await fetch(`${server.url}/`)).text()).not.toContain('newsletter-form')
    expect(await (await fetch(`${server.url}/newsletter`)).text()).toContain('The newsletter is not available on this site at the moment.')
    const res = await form({ email: 'late@example.org' })
    expect(res.status).toBe(404)
    expect(subscribers().some((s) => s.email === 'late@example.org')).toBe(false)
  })
})
