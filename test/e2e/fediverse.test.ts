import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signRequest } from '../../src/domain/http-signatures.ts'
import { AdminClient } from '../helpers/admin-client.ts'
import { describeViolations, launchBrowser, seriousViolations } from '../helpers/browser.ts'
import { freePort, ROOT, runCli, startServer, tempDataDir, type RunningServer } from '../helpers/server.ts'

// Two real Dramalog servers on 127.0.0.1, each its own site on SQLite, following each other over
// real HTTP with signed requests: B follows A, A publishes a review, B's inbox takes the Article;
// a reply signed with B's key becomes a comment waiting on A; forged posts are refused. Each
// server's inbox checks signatures, so every exchange that arrives also proves the sender signed it.
const PASSWORD = 'correct horse battery'
const dirs = [tempDataDir(), tempDataDir()]
let a: RunningServer
let b: RunningServer
let envA: Record<string, string>
let envB: Record<string, string>

beforeAll(async () => {
  const [portA, portB] = [await freePort(), await freePort()]
  const env = (port: number) => ({ DRAMALOG_BASE_URL: `http://127.0.0.1:${port}/`, DRAMALOG_FEDIVERSE_LOOPBACK: '1', DRAMALOG_DELIVERY_INTERVAL: '1' })
  envA = env(portA)
  envB = env(portB)
  // An account made first makes the site, so the servers start without the demo reviews.
  for (const [dir, e] of [[dirs[0]!.dir, envA], [dirs[1]!.dir, envB]] as const) {
    const added = await runCli(['user', 'add', 'mira', '--name', 'Mira Chen'], dir, PASSWORD, e)
    expect(added.code, added.stderr).toBe(0)
  }
  ;[a, b] = await Promise.all([startServer(dirs[0]!.dir, envA, portA), startServer(dirs[1]!.dir, envB, portB)])
}, 240_000)

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
  for (const d of dirs) d.remove()
})

/** Reads a site's SQLite file as it is now (the servers keep writing to it). */
function rows<T>(dir: string, query: string, ...params: unknown[]): T[] {
  const db = new Database(join(dir, 'dramalog.sqlite'), { readonly: true })
  try {
    return db.prepare(query).all(...params) as T[]
  } finally {
    db.close()
  }
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await probe()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

const activityJson = (res: Response) => {
  expect(res.headers.get('content-type')).toMatch(/^application\/activity\+json/)
  return res.json() as Promise<Record<string, any>>
}

describe('following between two Dramalog servers', () => {
  it('finds A through WebFinger, with an actor that carries its public key', async () => {
    const host = new URL(a.url).host
    const finger = await fetch(`${a.url}/.well-known/webfinger?resource=${encodeURIComponent(`acct:reviews@${host}`)}`)
    expect(finger.status).toBe(200)
    expect(finger.headers.get('content-type')).toMatch(/^application\/jrd\+json/)
    const jrd = (await finger.json()) as { subject: string; links: { rel: string; type?: string; href: string }[] }
    expect(jrd.subject).toBe(`acct:reviews@${host}`)
    const self = jrd.links.find((l) => l.rel === 'self')!
    expect(self).toEqual({ rel: 'self', type: 'application/activity+json', href: `${a.url}/ap/actor` })
    expect((await fetch(`${a.url}/.well-known/webfinger?resource=acct:someone@${host}`)).status).toBe(404)

    const actor = await activityJson(await fetch(self.href, { headers: { accept: 'application/activity+json' } }))
    expect(actor).toMatchObject({ id: `${a.url}/ap/actor`, type: 'Service', preferredUsername: 'reviews', inbox: `${a.url}/ap/inbox`, outbox: `${a.url}/ap/outbox` })
    expect(actor.publicKey).toMatchObject({ id: `${a.url}/ap/actor#main-key`, owner: `${a.url}/ap/actor` })
    expect(actor.publicKey.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/)
    // Made once per site and kept: asking again gives the same key.
    expect((await activityJson(await fetch(self.href))).publicKey.publicKeyPem).toBe(actor.publicKey.publicKeyPem)
    const nodeinfo = (await (await fetch(`${a.url}/.well-known/nodeinfo`)).json()) as { links: { href: string }[] }
    expect(((await (await fetch(nodeinfo.links[0]!.href)).json()) as { protocols: string[] }).protocols).toEqual(['activitypub'])
  })

  it('lets B follow A: a signed Follow, then a signed Accept back', async () => {
    const followed = await runCli(['follow', `@reviews@${new URL(a.url).host}`], dirs[1]!.dir, undefined, envB)
    expect(followed.code, followed.stderr).toBe(0)
    expect(followed.stdout).toContain(`Following reviews@${new URL(a.url).host}`)
    // A took the Follow (its inbox checked B's signature against B's published key) …
    const followers = await until('A to count B as a follower', async () => {
      const c = await activityJson(await fetch(`${a.url}/ap/followers`))
      return c.totalItems === 1 ? c : undefined
    })
    expect(followers.orderedItems).toBeUndefined()
    expect(rows<{ actor_id: string; shared_inbox: string }>(dirs[0]!.dir, 'SELECT actor_id, shared_inbox FROM ap_followers')).toEqual([
      { actor_id: `${b.url}/ap/actor`, shared_inbox: `${b.url}/ap/inbox` },
    ])
    // … and B got A's Accept.
    await until('B to see its follow accepted', () => rows<{ state: string }>(dirs[1]!.dir, 'SELECT state FROM ap_following')[0]?.state === 'accepted' || undefined)
    const following = await activityJson(await fetch(`${b.url}/ap/following`))
    expect(following.orderedItems).toEqual([`${a.url}/ap/actor`])
    expect(rows<{ type: string; outcome: string }>(dirs[1]!.dir, 'SELECT type, outcome FROM ap_inbox_log')).toEqual([{ type: 'Accept', outcome: 'follow accepted' }])
  })

  it('delivers a review A publishes to B as a Create of an Article with the poster and tags', async () => {
    const client = new AdminClient(a.url)
    expect((await client.login('mira', PASSWORD)).status).toBe(303)
    const csrf = await client.csrfFrom('/admin/reviews/new')
    const jpeg = await sharp({ create: { width: 800, height: 1200, channels: 3, background: '#aa3355' } }).jpeg().toBuffer()
    const saved = await client.post('/admin/reviews', {
      _csrf: csrf, _action: 'save', title: 'Moon Ferry', headline: 'A Gentle Crossing', hook: 'Would you ride it twice?', year: '2025', origin: 'Japan',
      season: '1', platform: 'Netflix', firstWatch: 'yes', reviewedOn: '2025-10-02', meter: '1', intro: 'A calm show about *night* boats.',
      status: 'published', tags: 'slow burn, ferries', 'sections.0.aspect': 'Acting', 'sections.0.verdict': 'Quietly Great', 'sections.0.body': 'Everyone whispers.',
      posterCredit: 'Still from the broadcaster', posterAlt: 'A ferry under a full moon', posterFile: new File([new Uint8Array(jpeg)], 'poster.jpg'),
    })
    expect(saved.status).toBe(303)

    const entry = await until('B to receive the Create', () =>
      rows<{ type: string; actor_id: string; outcome: string; body: string }>(dirs[1]!.dir, "SELECT type, actor_id, outcome, body FROM ap_inbox_log WHERE type = 'Create'")[0],
    )
    expect(entry.actor_id).toBe(`${a.url}/ap/actor`)
    expect(entry.outcome).toBe('kept: Create of Article')
    const create = JSON.parse(entry.body) as Record<string, any>
    expect(create).toMatchObject({ type: 'Create', id: `${a.url}/ap/reviews/moon-ferry-season-1/create`, actor: `${a.url}/ap/actor` })
    const article = create.object
    expect(article).toMatchObject({
      type: 'Article', id: `${a.url}/ap/reviews/moon-ferry-season-1`, url: `${a.url}/reviews/moon-ferry-season-1`, attributedTo: `${a.url}/ap/actor`,
      name: 'Moon Ferry – A Gentle Crossing', summary: 'Would you ride it twice?', to: ['https://www.w3.org/ns/activitystreams#Public'], cc: [`${a.url}/ap/followers`],
    })
    expect(article.content).toContain('<p>A calm show about <em>night</em> boats.</p>')
    expect(article.content).toContain('<h2>Acting – Quietly Great</h2>')
    expect(Number.isNaN(Date.parse(article.published))).toBe(false)
    expect(article.tag).toEqual([
      { type: 'Hashtag', name: '#SlowBurn', href: `${a.url}/tag/slow-burn` },
      { type: 'Hashtag', name: '#ferries', href: `${a.url}/tag/ferries` },
    ])
    expect(article.attachment).toHaveLength(1)
    const poster = article.attachment[0]
    expect(poster).toMatchObject({ type: 'Image', mediaType: 'image/jpeg', name: 'A ferry under a full moon' })
    const image = await fetch(poster.url)
    expect(image.status).toBe(200)
    expect((await sharp(Buffer.from(await image.arrayBuffer())).metadata()).format).toBe('jpeg')

    // One delivery, to B's shared inbox, done; saving the review again sends nothing new.
    const deliveries = () => rows<{ dedupe_key: string; status: string; attempts: number }>(dirs[0]!.dir, "SELECT dedupe_key, status, attempts FROM ap_deliveries WHERE review_id IS NOT NULL")
    expect(deliveries()).toEqual([{ dedupe_key: expect.stringMatching(new RegExp(`^create:\\d+:${b.url}/ap/inbox$`)), status: 'delivered', attempts: 1 }])
    const id = /\/admin\/reviews\/(\d+)/.exec(saved.headers.get('location')!)![1]
    const again = await client.post(`/admin/reviews/${id}`, {
      _csrf: csrf, _action: 'save', revision: '1', title: 'Moon Ferry', headline: 'A Gentle Crossing', hook: 'Would you ride it twice?', status: 'published',
      intro: 'Edited.', meter: '1',
    })
    expect(again.status).toBe(303)
    expect(deliveries()).toHaveLength(1)
    // The outbox lists it too.
    const outbox = await activityJson(await fetch(`${a.url}/ap/outbox`))
    expect(outbox.totalItems).toBe(1)
    expect(outbox.orderedItems[0].object.id).toBe(article.id)
  })

  /** A Create of a Note replying to `inReplyTo`, signed as B's actor with B's own key, as B's server would post it. */
  function replyFromB(noteId: string, inReplyTo: string, content: string) {
    const key = JSON.parse(rows<{ value: string }>(dirs[1]!.dir, "SELECT value FROM settings WHERE key = 'activitypub_key'")[0]!.value) as { privateKeyPem: string }
    const actor = `${b.url}/ap/actor`
    const body = JSON.stringify({
      '@context': 'https://www.w3.org/ns/activitystreams', id: `${noteId}/activity`, type: 'Create', actor, to: ['https://www.w3.org/ns/activitystreams#Public'],
      object: { id: noteId, type: 'Note', attributedTo: actor, inReplyTo, content, to: ['https://www.w3.org/ns/activitystreams#Public'] },
    })
    return { body, key: key.privateKeyPem, keyId: `${actor}#main-key` }
  }

  const post = (url: string, headers: Record<string, string>, body: string) =>
    fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/activity+json' }, body })

  it('takes a reply from B as a comment waiting for moderation on A', async () => {
    const note = replyFromB(
      `${b.url}/notes/1`,
      `${a.url}/ap/reviews/moon-ferry-season-1`,
      `<p><span class="h-card"><a href="${a.url}/ap/actor" class="u-url mention">@<span>reviews</span></a></span> Loved the <a href="javascript:alert(1)">ending</a> &amp; the boats.</p><p>More at <a href="https://example.com/ferries">example.com/ferries</a></p><script>alert(2)</script>`,
    )
    const send = () => post(`${a.url}/ap/inbox`, signRequest({ method: 'POST', url: `${a.url}/ap/inbox`, body: note.body, keyId: note.keyId, privateKeyPem: note.key }), note.body)
    const res = await send()
    expect(res.status, await res.clone().text()).toBe(202)
    expect(await res.text()).toMatch(/^comment \d+ pending$/)
    // The same reply delivered twice is one comment.
    expect((await send()).status).toBe(202)
    const comments = rows<{ status: string; author_name: string; author_url: string; body: string; source_id: string }>(
      dirs[0]!.dir, 'SELECT status, author_name, author_url, body, source_id FROM comments',
    )
    expect(comments).toEqual([{
      status: 'pending', author_name: 'Dramalog', author_url: `${b.url}/`, source_id: `activitypub:${b.url}/notes/1`,
      body: '@reviews Loved the ending & the boats.\n\nMore at https://example.com/ferries',
    }])
    // It waits in the moderation queue like any comment.
    const client = new AdminClient(a.url)
    await client.login('mira', PASSWORD)
    const queue = await (await client.request('/admin/comments')).text()
    expect(queue).toContain('Loved the ending &amp; the boats.')
  })

  it('refuses unsigned, forged, tampered and stale posts with 401 and changes nothing', async () => {
    const count = () => ({
      comments: rows<{ n: number }>(dirs[0]!.dir, 'SELECT count(*) AS n FROM comments')[0]!.n,
      log: rows<{ n: number }>(dirs[0]!.dir, 'SELECT count(*) AS n FROM ap_inbox_log')[0]!.n,
      followers: rows<{ n: number }>(dirs[0]!.dir, 'SELECT count(*) AS n FROM ap_followers')[0]!.n,
    })
    const before = count()
    const inbox = `${a.url}/ap/inbox`
    const note = replyFromB(`${b.url}/notes/2`, `${a.url}/reviews/moon-ferry-season-1`, '<p>Forged?</p>')
    const signed = (over: { body?: string; now?: Date; key?: string } = {}) =>
      signRequest({ method: 'POST', url: inbox, body: over.body ?? note.body, keyId: note.keyId, privateKeyPem: over.key ?? note.key, now: over.now })

    const impostor = JSON.stringify({ id: `${b.url}/follows/x`, type: 'Follow', actor: 'https://elsewhere.example/users/eve', object: `${a.url}/ap/actor` })
    const cases: [string, Promise<Response>, RegExp][] = [
      ['unsigned', post(inbox, {}, note.body), /no Signature header/],
      ['signed with another key under B\'s key id', post(inbox, signed({ key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }), note.body), /does not match the request/],
      ['a body other than the one signed', post(inbox, signed(), note.body.replace('Forged?', 'Changed!')), /Digest header does not match/],
      ['a digest recomputed for a changed body', post(inbox, { ...signed(), digest: signed({ body: note.body.replace('Forged?', 'Changed!') }).digest! }, note.body.replace('Forged?', 'Changed!')), /does not match the request/],
      ['a date an hour old', post(inbox, signed({ now: new Date(Date.now() - 3_600_000) }), note.body), /more than 5 minutes away/],
      ['a Follow signed by B for another actor', post(inbox, signed({ body: impostor }), impostor), /not the owner of the signing key/],
    ]
    for (const [what, response, message] of cases) {
      const res = await response
      expect(res.status, what).toBe(401)
      expect(await res.text(), what).toMatch(message)
    }
    expect(count()).toEqual(before)
  })

  it("shows B's follow and what arrived on its admin Fediverse page, on a phone and a desktop", async () => {
    mkdirSync(join(ROOT, 'test-results'), { recursive: true })
    for (const [width, height] of [[390, 844], [1280, 900]] as const) {
      // Injecting axe is an inline script; the site's CSP rightly forbids those, so the test bypasses it.
      const browser = await launchBrowser({ viewport: { width, height }, bypassCSP: true })
      try {
        const page = await browser.context.newPage()
        await page.goto(`${b.url}/admin/login`)
        await page.getByLabel('Username').fill('mira')
        await page.getByLabel('Password').fill(PASSWORD)
        await page.getByRole('button', { name: 'Sign in' }).click()
        await page.waitForURL(`${b.url}/admin`)
        await page.getByRole('link', { name: 'Fediverse' }).click()
        await page.waitForURL(`${b.url}/admin/fediverse`)
        const main = page.locator('main')
        await expect.poll(() => main.innerText()).toContain(`@reviews@${new URL(b.url).host}`)
        const text = await main.innerText()
        expect(text).toContain(`@reviews@${new URL(a.url).host} accepted`)
        expect(text).toMatch(/Create from http:\/\/127\.0\.0\.1:\d+\/ap\/actor: kept: Create of Article/)
        expect(text).toMatch(/Accept from .*: follow accepted/)
        await page.locator('summary', { hasText: 'Create' }).click()
        expect(await page.locator('.fedi-json').first().innerText()).toContain('"type": "Article"')
        expect(describeViolations(await seriousViolations(page))).toEqual([])
        // No sideways scrolling on a phone.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width)
        await page.screenshot({ path: join(ROOT, 'test-results', `fediverse-admin-${width}.png`), fullPage: true })
      } finally {
        await browser.close()
      }
    }
  })
})
