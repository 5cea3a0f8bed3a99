import { createHash } from 'node:crypto'
import type { Server } from 'node:http'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addUser } from '../../src/services/accounts.ts'
import { issueFormStamp, postComment } from '../../src/services/comments.ts'
import { recordDiaryEntry } from '../../src/services/diary.ts'
import { addListEntry, createList } from '../../src/services/lists.ts'
import { importFiles } from '../../src/services/import-files.ts'
import { openSite, type Site } from '../../src/services/site.ts'
import { insertSubscriber } from '../../src/store/newsletter.ts'
import { findReviewBySlug } from '../../src/store/reviews.ts'
import { SESSION_COOKIE } from '../../src/web/auth.ts'
import { createApp } from '../../src/web/app.tsx'
import { startServer } from '../../src/web/server.ts'
import { AdminClient } from '../helpers/admin-client.ts'
import { tempDataDir } from '../helpers/server.ts'

// Walks the app's own route table, so a route added later is checked without anyone listing it:
// every admin route refuses visitors and the wrong roles, every state change wants its CSRF token,
// and none of the refusals changes a byte of the database.
const PASSWORD = 'correct horse battery'
const data = tempDataDir('dramalog-access-')
let site: Site
let app: ReturnType<typeof createApp>
let reviewId: number
let commentId: number
let diaryId: number
let listId: number
let entryId: number
let subscriberId: number
const SLUG = 'guarded-review'

/** Who may use an admin route. `own`: any signed-in user, but authors only on their own reviews, diary entries and comments. */
type Access = 'anyone' | 'user' | 'own' | 'owner' | 'owner-or-editor'

// Routes that need more than a signed-in user, or less. Every other /admin route is for signed-in users.
const ACCESS: Record<string, Access> = {
  'GET /admin/login': 'anyone',
  'POST /admin/login': 'anyone',
  'POST /admin/logout': 'anyone',
  'GET /admin/settings': 'owner',
  'POST /admin/settings': 'owner',
  'GET /admin/import': 'owner-or-editor',
  'POST /admin/import': 'owner-or-editor',
  'GET /admin/reviews/:id{[0-9]+}': 'own',
  'POST /admin/reviews/:id{[0-9]+}': 'own',
  'GET /admin/reviews/:id{[0-9]+}/history': 'own',
  'POST /admin/reviews/:id{[0-9]+}/restore/:rev{[0-9]+}': 'own',
  'POST /admin/comments/:id{[0-9]+}/:action{approve|trust|spam|delete}': 'own',
  'POST /admin/comments/:id{[0-9]+}/reply': 'own',
  'GET /admin/diary/:id{[0-9]+}': 'own',
  'POST /admin/diary/:id{[0-9]+}': 'own',
  'POST /admin/diary/:id{[0-9]+}/delete': 'own',
  'GET /admin/newsletter': 'owner-or-editor',
  'POST /admin/newsletter/test': 'owner-or-editor',
  'POST /admin/newsletter/subscribers/:id{[0-9]+}/delete': 'owner-or-editor',
  'GET /admin/fediverse': 'owner',
  'POST /admin/fediverse/follow': 'owner',
}

// The only state-changing routes outside /admin: readers' comments and newsletter sign-ups, guarded
// by their origin; unsubscribing, guarded by the token in its address (mail programs post it from
// their own servers, RFC 8058); the fediverse inbox, guarded by HTTP signatures
// (test/e2e/fediverse.test.ts sends it forged ones).
const PUBLIC_WRITES = ['POST /reviews/:slug/comments', 'POST /newsletter', 'POST /newsletter/unsubscribe', 'POST /ap/inbox']

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

type Route = { method: string; path: string; key: string }

/** Every route the app answers (middleware excluded), once each. */
function routeTable(): Route[] {
  const seen = new Map<string, Route>()
  for (const r of app.routes) {
    if (r.method === 'ALL') continue
    const key = `${r.method} ${r.path}`
    seen.set(key, { method: r.method, path: r.path, key })
  }
  return [...seen.values()]
}

const isAdmin = (r: Route) => r.path === '/admin' || r.path.startsWith('/admin/')
const accessOf = (r: Route): Access => ACCESS[r.key] ?? 'user'

/** A real address for a route pattern: parameters filled with things that exist (or, with `missing`, that do not). */
function concrete(path: string, missing = false): string {
  return path.replace(/:(\w+)(\{[^}]*\})?/g, (_, name: string, pattern: string | undefined) => {
    if (name === 'slug') return SLUG
    if (name === 'rev' || name === 'n') return '1'
    if (name === 'entry') return missing ? '999999' : String(entryId)
    if (name === 'year') return '2025'
    if (name === 'action') return pattern!.slice(1, -1).split('|')[0]!
    // Browse values (a tag, a country…) need not exist: a refusal would come before the lookup.
    if (name !== 'id') return 'sample'
    if (missing) return '999999'
    if (path.startsWith('/admin/reviews/')) return String(reviewId)
    if (path.startsWith('/admin/comments/')) return String(commentId)
    if (path.startsWith('/admin/diary/')) return String(diaryId)
    if (path.startsWith('/admin/lists/')) return String(listId)
    if (path.startsWith('/admin/newsletter/')) return String(subscriberId)
    throw new Error(`no sample id for ${path}`)
  }).replace(/\*$/, 'x')
}

/** A form the route would accept from someone allowed to send it. */
function validBody(r: Route, csrf: string): Record<string, string> {
  const review = {
    _action: 'save', revision: '1', title: 'Guarded Review', year: '2024', origin: 'Japan', season: '1', platform: 'Netflix', meter: '1',
    intro: 'Changed.', status: 'published', 'sections.0.aspect': 'Acting', 'sections.0.verdict': 'Fine', 'sections.0.body': 'Text.',
  }
  if (r.path.startsWith('/admin/reviews')) return { _csrf: csrf, ...review }
  if (r.path === '/admin/settings') {
    return {
      _csrf: csrf, name: 'Taken Over', description: '', author: '', rubric: 'Acting', meterName: 'M', meterSymbol: '*', meterMax: '5',
      meterDirection: 'lower-is-better', meterUnit: 'stars', dateOrder: 'auto', baseUrl: '', perPage: '10',
    }
  }
  if (r.path.startsWith('/admin/diary')) return { _csrf: csrf, title: 'Sneaky', status: 'planned' }
  if (r.path.includes('/entries')) return { _csrf: csrf, title: 'Sneaky Entry', to: 'up' }
  if (r.path.startsWith('/admin/lists')) return { _csrf: csrf, title: 'Sneaky List', status: 'published' }
  if (r.path === '/admin/fediverse/follow') return { _csrf: csrf, account: '@someone@example.com' }
  if (r.path === '/admin/newsletter/test') return { _csrf: csrf, to: 'someone@example.com' }
  if (r.path.endsWith('/reply')) return { _csrf: csrf, body: 'Sneaky reply' }
  return { _csrf: csrf }
}

/** Sends a route a form (multipart with a file in it for the import page, unless `bare`). */
function send(client: AdminClient, r: Route, path: string, fields: Record<string, string>, headers: Record<string, string> = {}, bare = false): Promise<Response> {
  if (SAFE.has(r.method)) return client.request(path, { method: r.method, headers })
  if (r.path === '/admin/import' && !bare) {
    const file = new Blob([JSON.stringify([{ title: 'Imported Over', status: 'published' }])], { type: 'application/json' })
    return client.post(path, { ...fields, files: new File([file], 'x.json') }, { headers })
  }
  return client.post(path, fields, { headers })
}

/** A digest of every row of every table: equal digests mean nothing was written. */
async function fingerprint(): Promise<string> {
  const tables = await site.db.introspection.getTables()
  const hash = createHash('sha256')
  for (const t of tables.map((t) => t.name).sort()) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const rows = await site.db.selectFrom(t as any).selectAll().execute()
    hash.update(`${t}:${JSON.stringify(rows.map((r) => JSON.stringify(r)).sort())}\n`)
  }
  return hash.digest('hex')
}

async function signedIn(username: string): Promise<AdminClient> {
  const client = new AdminClient(app)
  const res = await client.login(username, PASSWORD)
  expect(res.status, `sign-in of ${username}`).toBe(303)
  return client
}

/** A visitor with a valid pre-session CSRF token (from the login form), so only the missing sign-in can refuse them. */
async function visitor(): Promise<{ client: AdminClient; csrf: string }> {
  const client = new AdminClient(app)
  return { client, csrf: await client.csrfFrom('/admin/login') }
}

beforeAll(async () => {
  site = await openSite({ dataDir: data.dir, databaseUrl: null })
  app = createApp(site)
  await addUser(site, { username: 'olive', displayName: 'Olive Owner', role: 'owner', password: PASSWORD })
  await addUser(site, { username: 'eddie', displayName: 'Eddie Editor', role: 'editor', password: PASSWORD })
  await addUser(site, { username: 'ana', displayName: 'Ana Author', role: 'author', password: PASSWORD })
  const file = join(data.dir, 'review.json')
  writeFileSync(file, JSON.stringify([{ slug: SLUG, title: 'Guarded Review', intro: 'Mine.', status: 'published' }]))
  await importFiles(site, [file])
  reviewId = (await findReviewBySlug(site.db, SLUG))!.id
  const stamp = await issueFormStamp(site, new Date(Date.now() - 60_000))
  commentId = (await postComment(site, SLUG, { name: 'Reader', body: 'Nice.', stamp }, { ip: '192.0.2.1' })).id
  diaryId = await recordDiaryEntry(site, { title: 'Watched', status: 'finished', finishedOn: '2025-01-01' }, null)
  listId = (await createList(site, { title: 'Guarded List', status: 'published' }, null)).id
  entryId = await addListEntry(site, listId, { review: SLUG, note: 'Mine.' })
  subscriberId = await site.db.transaction().execute((trx) =>
    insertSubscriber(trx, { email: 'reader@example.org', confirmTokenHash: 'h', confirmExpiresAt: '2099-01-01T00:00:00Z', unsubscribeToken: 'u'.repeat(43), now: new Date().toISOString() }),
  )
})

afterAll(async () => {
  await site?.close()
  data.remove()
})

describe('the route table', () => {
  it('has the admin routes this test knows how to reach, and no unguarded writes outside /admin', () => {
    const routes = routeTable()
    const admin = routes.filter(isAdmin)
    expect(admin.length).toBeGreaterThanOrEqual(20)
    for (const key of Object.keys(ACCESS)) expect(routes.map((r) => r.key), key).toContain(key)
    const publicWrites = routes.filter((r) => !isAdmin(r) && !SAFE.has(r.method)).map((r) => r.key)
    expect(publicWrites).toEqual(PUBLIC_WRITES)
    // Every admin address can be filled in.
    for (const r of admin) expect(() => concrete(r.path)).not.toThrow()
  })
})

describe('admin routes', () => {
  it('send visitors to the login page, or refuse their writes with 401, changing nothing', async () => {
    const before = await fingerprint()
    const checked: string[] = []
    for (const r of routeTable().filter((r) => isAdmin(r) && accessOf(r) !== 'anyone')) {
      const { client, csrf } = await visitor()
      const path = concrete(r.path)
      const res = await send(client, r, path, validBody(r, csrf))
      if (SAFE.has(r.method)) {
        expect(res.status, r.key).toBe(303)
        expect(res.headers.get('location'), r.key).toBe(`/admin/login?next=${encodeURIComponent(path)}`)
      } else {
        expect(res.status, r.key).toBe(401)
      }
      checked.push(r.key)
    }
    expect(checked.length).toBeGreaterThanOrEqual(18)
    expect(await fingerprint()).toBe(before)
  })

  it('refuse the wrong role with 403, changing nothing, while the right role gets through', async () => {
    const owner = await signedIn('olive')
    const editor = await signedIn('eddie')
    const author = await signedIn('ana')
    const tokens = new Map<AdminClient, string>()
    for (const c of [owner, editor, author]) tokens.set(c, await c.csrfFrom('/admin'))
    const before = await fingerprint()
    const refusedBy: Record<Exclude<Access, 'anyone' | 'user'>, AdminClient[]> = {
      owner: [editor, author], 'owner-or-editor': [author], own: [author],
    }
    let refusals = 0
    const changedBy: string[] = []
    for (const r of routeTable().filter(isAdmin)) {
      const access = accessOf(r)
      if (access === 'anyone') continue
      for (const client of access === 'user' ? [] : refusedBy[access]) {
        const who = `${r.key} as ${client === editor ? 'editor' : 'author'}`
        const res = await send(client, r, concrete(r.path), validBody(r, tokens.get(client)!))
        expect(res.status, who).toBe(403)
        if ((await fingerprint()) !== before) changedBy.push(who)
        refusals++
      }
      // The owner reaches the route: a missing object or an empty form is answered, never refused.
      if (r.key !== 'POST /admin/logout') {
        const res = await send(owner, r, concrete(r.path, true), { _csrf: tokens.get(owner)! }, {}, true)
        expect([401, 403], `${r.key} as owner`).not.toContain(res.status)
        if ((await fingerprint()) !== before) changedBy.push(`${r.key} as owner (${res.status})`)
      }
    }
    expect(refusals).toBeGreaterThanOrEqual(12)
    expect(changedBy).toEqual([])
  })
})

describe('CSRF', () => {
  it('refuses every state change without the token, with a wrong one, or from another site, changing nothing', async () => {
    const owner = await signedIn('olive')
    const csrf = await owner.csrfFrom('/admin')
    const before = await fingerprint()
    const writes = routeTable().filter((r) => isAdmin(r) && !SAFE.has(r.method))
    expect(writes.length).toBeGreaterThanOrEqual(10)
    for (const r of writes) {
      const path = concrete(r.path)
      const { _csrf: _, ...withoutToken } = validBody(r, csrf)
      const attempts: [string, Record<string, string>, Record<string, string>][] = [
        ['no token', withoutToken, {}],
        ['a wrong token', { ...withoutToken, _csrf: csrf.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A')) }, {}],
        ['an empty token', { ...withoutToken, _csrf: '' }, {}],
        ['a token in the header but from another site', withoutToken, { 'x-csrf-token': csrf, origin: 'https://evil.example' }],
        ['the right token from another site', validBody(r, csrf), { origin: 'https://evil.example' }],
      ]
      for (const [what, fields, headers] of attempts) {
        const res = await send(owner, r, path, fields, headers)
        expect(res.status, `${r.key} with ${what}`).toBe(403)
      }
    }
    // The session survived the refused logouts.
    expect((await owner.request('/admin')).status).toBe(200)
    expect(await fingerprint()).toBe(before)
  })

  it('refuses a sign-in form without its token', async () => {
    const client = new AdminClient(app)
    await client.request('/admin/login')
    const res = await client.post('/admin/login', { username: 'olive', password: PASSWORD })
    expect(res.status).toBe(403)
    expect(client.cookies.has(SESSION_COOKIE)).toBe(false)
  })

  it('refuses newsletter sign-ups with no origin or another site’s, changing nothing', async () => {
    const before = await fingerprint()
    const attempts: Record<string, string>[] = [{}, { origin: 'https://evil.example' }, { referer: 'https://evil.example/page' }, { origin: 'null' }]
    for (const headers of attempts) {
      const res = await app.request('/newsletter', { method: 'POST', body: new URLSearchParams({ email: 'victim@example.org' }), headers })
      expect(res.status, JSON.stringify(headers)).toBe(403)
    }
    expect(await fingerprint()).toBe(before)
  })

  it('refuses public comments with no origin or another site’s, changing nothing', async () => {
    const before = await fingerprint()
    const stamp = await issueFormStamp(site, new Date(Date.now() - 60_000))
    const fields = { name: 'Forger', body: 'Forged comment.', stamp }
    const attempts: Record<string, string>[] = [{}, { origin: 'https://evil.example' }, { referer: 'https://evil.example/page' }, { origin: 'null' }]
    for (const headers of attempts) {
      const res = await app.request(`/reviews/${SLUG}/comments`, { method: 'POST', body: new URLSearchParams(fields), headers })
      expect(res.status, JSON.stringify(headers)).toBe(403)
    }
    expect(await fingerprint()).toBe(before)
  })
})

describe('sessions', () => {
  it('never keep a session id chosen before sign-in (no fixation)', async () => {
    const client = new AdminClient(app)
    const planted = 'planted-by-an-attacker-0123456789abcdef'
    client.cookies.set(SESSION_COOKIE, planted)
    const preCsrf = await client.csrfFrom('/admin/login')
    expect((await client.login('olive', PASSWORD)).status).toBe(303)
    const issued = client.cookies.get(SESSION_COOKIE)!
    expect(issued).not.toBe(planted)
    expect(issued.length).toBeGreaterThanOrEqual(40)
    // The planted id signs nobody in.
    const attacker = new AdminClient(app)
    attacker.cookies.set(SESSION_COOKIE, planted)
    expect((await attacker.request('/admin')).status).toBe(303)
    // The token of the login form is not the session's: a form made before sign-in is refused after it.
    const sessionCsrf = await client.csrfFrom('/admin')
    expect(sessionCsrf).not.toBe(preCsrf)
    expect((await client.post('/admin/diary', { _csrf: preCsrf, title: 'Fixed', status: 'planned' })).status).toBe(403)
  })

  it('give every sign-in a new session id', async () => {
    const a = await signedIn('olive')
    const b = await signedIn('olive')
    expect(a.cookies.get(SESSION_COOKIE)).not.toBe(b.cookies.get(SESSION_COOKIE))
  })

  it('end on the server at sign-out: the old cookie and token no longer work', async () => {
    const client = await signedIn('olive')
    const cookie = client.cookies.get(SESSION_COOKIE)!
    const csrf = await client.csrfFrom('/admin')
    const res = await client.post('/admin/logout', { _csrf: csrf })
    expect(res.status).toBe(303)
    expect(res.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=;`))).toBe(true)
    // Someone who kept a copy of the cookie replays it.
    const replay = new AdminClient(app)
    replay.cookies.set(SESSION_COOKIE, cookie)
    const page = await replay.request('/admin')
    expect(page.status).toBe(303)
    expect(page.headers.get('location')).toBe('/admin/login?next=%2Fadmin')
    const before = await fingerprint()
    expect((await replay.post('/admin/diary', { _csrf: csrf, title: 'After logout', status: 'planned' })).status).toBe(403)
    expect(await fingerprint()).toBe(before)
  })
})

describe('sign-in throttling over a real socket', () => {
  it('locks the address after five failures, even for the right password, and says when to retry', async () => {
    const { port, server } = await startServer(site, 0, '127.0.0.1')
    try {
      const client = new AdminClient(`http://127.0.0.1:${port}`)
      // Five different accounts: the address is what gets locked.
      for (const name of ['u1', 'u2', 'u3', 'u4', 'u5']) expect((await client.login(name, 'wrong password')).status).toBe(401)
      const locked = await client.login('eddie', PASSWORD)
      expect(locked.status).toBe(429)
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(50)
      expect(client.cookies.has(SESSION_COOKIE)).toBe(false)
      // Another address (the in-process client has none) still signs in.
      expect((await signedIn('eddie')).cookies.has(SESSION_COOKIE)).toBe(true)
    } finally {
      ;(server as Server).closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
