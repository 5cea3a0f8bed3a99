import { writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDataDir } from '../../test/helpers/server.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import { digestHeader, parseSignatureHeader, verifySignature } from '../domain/http-signatures.ts'
import type { SessionUser } from '../domain/user.ts'
import { claimDelivery, listDeliveries, upsertFollower } from '../store/activitypub.ts'
import { findReviewBySlug } from '../store/reviews.ts'
import { addUser } from './accounts.ts'
import { publishScheduled, saveFromEditor } from './edit-review.ts'
import { loadFederation } from './fediverse-actor.ts'
import { deliverDue, RETRY_DELAYS_S } from './fediverse-delivery.ts'
import { importFiles } from './import-files.ts'
import { checkRemoteUrl } from './remote-request.ts'
import type { Site } from './site.ts'

// The delivery queue on a real database (SQLite or PostgreSQL) with a real inbox: an HTTP server
// on 127.0.0.1 that records what arrives and answers with the statuses it is told. Time is passed in.
type Received = { path: string; headers: Record<string, string>; body: string }
let data: ReturnType<typeof tempDataDir>
let site: Site
let owner: SessionUser
let inbox: Server
let inboxUrl: string
let received: Received[]
let answers: number[]

const T0 = new Date('2030-01-01T12:00:00Z')
const at = (s: number) => new Date(T0.getTime() + s * 1000)

beforeEach(async () => {
  data = tempDataDir()
  site = await openTestSite(data.dir, { baseUrl: 'https://reviews.example.com/', fediverseLoopback: true })
  const u = await addUser(site, { username: 'mira', displayName: 'Mira', role: 'owner', password: 'correct horse battery' })
  owner = { id: u.id, username: u.username, displayName: u.displayName, role: u.role }
  received = []
  answers = []
  inbox = createServer((req: IncomingMessage, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers as Record<string, string>, body })
      res.statusCode = answers.shift() ?? 202
      res.end()
    })
  })
  await new Promise<void>((r) => inbox.listen(0, '127.0.0.1', r))
  inboxUrl = `http://127.0.0.1:${(inbox.address() as AddressInfo).port}`
})
afterEach(async () => {
  await new Promise((r) => inbox.close(r))
  await site.close()
  data.remove()
})

async function follower(name: string, inboxPath: string, shared: string | null) {
  await site.db.transaction().execute((trx) =>
    upsertFollower(trx, {
      actorId: `${inboxUrl}/users/${name}`, inbox: `${inboxUrl}${inboxPath}`, sharedInbox: shared && `${inboxUrl}${shared}`, handle: `${name}@127.0.0.1`,
      name, profileUrl: `${inboxUrl}/@${name}`, followId: `${inboxUrl}/follows/${name}`, createdAt: T0.toISOString(),
    }),
  )
}

/** Imports a draft, then publishes it from the editor (the path that announces it); returns its slug. */
async function publish(title: string, now = T0): Promise<string> {
  const file = join(data.dir, `${title}.json`)
  writeFileSync(file, JSON.stringify({ title, year: 2025, status: 'draft', hook: 'Worth it?', intro: 'Intro.', sections: [], tags: ['slow burn'] }))
  const slug = (await importFiles(site, [file])).created[0]!
  const record = (await findReviewBySlug(site.db, slug))!
  await saveFromEditor(site, owner, { id: record.id, baseRevision: record.revision, doc: { ...record.doc, status: 'published' } }, now)
  return slug
}

describe('the delivery queue', () => {
  it('queues a newly published review once per inbox, followers of one server sharing its shared inbox', async () => {
    await follower('ana', '/users/ana/inbox', '/inbox')
    await follower('ben', '/users/ben/inbox', '/inbox')
    await follower('cy', '/users/cy/inbox', null)
    const slug = await publish('Moon Ferry')
    expect((await listDeliveries(site.db, 10)).map((d) => d.inbox).sort()).toEqual([`${inboxUrl}/inbox`, `${inboxUrl}/users/cy/inbox`])
    // Saved again while published: nothing new to announce.
    const record = (await findReviewBySlug(site.db, slug))!
    await saveFromEditor(site, owner, { id: record.id, baseRevision: record.revision, doc: { ...record.doc, intro: 'Edited.' } }, at(5))
    expect(await listDeliveries(site.db, 10)).toHaveLength(2)
  })

  it('announces a scheduled review when the server publishes it', async () => {
    await follower('ana', '/users/ana/inbox', '/inbox')
    const file = join(data.dir, 'later.json')
    writeFileSync(file, JSON.stringify({ title: 'Later Show', year: 2025, status: 'scheduled', publishedAt: at(60).toISOString(), intro: 'Soon.', sections: [] }))
    await importFiles(site, [file])
    expect(await listDeliveries(site.db, 10)).toHaveLength(0)
    expect(await publishScheduled(site, at(61))).toEqual(['later-show'])
    expect(await listDeliveries(site.db, 10)).toMatchObject([{ inbox: `${inboxUrl}/inbox`, status: 'pending' }])
  })

  it('sends a signed Create, retries a failure after the first delay, and sends it once', async () => {
    await follower('ana', '/users/ana/inbox', '/inbox')
    await publish('Moon Ferry')
    answers.push(503)
    expect(await deliverDue(site, at(1))).toEqual({ delivered: 0, retrying: 1, failed: 0 })
    const [retrying] = await listDeliveries(site.db, 1)
    expect(retrying).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: at(1 + RETRY_DELAYS_S[0]).toISOString(), lastError: '503' })
    expect(await deliverDue(site, at(RETRY_DELAYS_S[0]))).toEqual({ delivered: 0, retrying: 0, failed: 0 })
    expect(await deliverDue(site, at(2 + RETRY_DELAYS_S[0]))).toEqual({ delivered: 1, retrying: 0, failed: 0 })
    expect(await deliverDue(site, at(3600))).toEqual({ delivered: 0, retrying: 0, failed: 0 })
    expect(received).toHaveLength(2)
    expect((await listDeliveries(site.db, 1))[0]).toMatchObject({ status: 'delivered', attempts: 2, lastError: null })

    const fed = (await loadFederation(site))!
    const last = received[1]!
    expect(last.path).toBe('/inbox')
    expect(last.headers.digest).toBe(digestHeader(last.body))
    const signature = parseSignatureHeader(last.headers.signature)!
    expect(signature).toMatchObject({ keyId: 'https://reviews.example.com/ap/actor#main-key', algorithm: 'rsa-sha256', headers: ['(request-target)', 'host', 'date', 'digest'] })
    expect(verifySignature({ method: 'POST', path: last.path, headers: last.headers }, signature, fed.publicKeyPem)).toBe(true)
    const create = JSON.parse(last.body) as { type: string; object: { type: string; name: string; summary: string; tag: unknown[] } }
    expect(create).toMatchObject({ type: 'Create', object: { type: 'Article', name: 'Moon Ferry', summary: 'Worth it?', tag: [{ type: 'Hashtag', name: '#SlowBurn' }] } })
  })

  it('lets exactly one app server claim a delivery', async () => {
    await follower('ana', '/users/ana/inbox', '/inbox')
    await publish('Moon Ferry')
    const [d] = await listDeliveries(site.db, 1)
    const lease = at(120).toISOString()
    const claims = await Promise.all([0, 1, 2, 3].map(() => claimDelivery(site.db, d!.id, at(1).toISOString(), lease)))
    expect(claims.filter(Boolean)).toHaveLength(1)
    // The holder's lease keeps the others away until it runs out (a server that died mid-send).
    expect(await deliverDue(site, at(60))).toEqual({ delivered: 0, retrying: 0, failed: 0 })
    expect(await deliverDue(site, at(121))).toEqual({ delivered: 1, retrying: 0, failed: 0 })
  })

  it('gives up on a refusal that will not change, and on a review no longer published', async () => {
    await follower('ana', '/users/ana/inbox', '/inbox')
    const slug = await publish('Moon Ferry')
    answers.push(410)
    expect(await deliverDue(site, at(1))).toEqual({ delivered: 0, retrying: 0, failed: 1 })
    await follower('cy', '/users/cy/inbox', null)
    await publish('Glass City')
    const record = (await findReviewBySlug(site.db, 'glass-city'))!
    await saveFromEditor(site, owner, { id: record.id, baseRevision: record.revision, doc: { ...record.doc, status: 'draft' } }, at(2))
    expect(await deliverDue(site, at(3))).toEqual({ delivered: 0, retrying: 0, failed: 2 })
    expect(received).toHaveLength(1)
    expect(slug).toBe('moon-ferry')
  })

  it('does not post to this machine unless loopback is allowed', async () => {
    await follower('ana', '/users/ana/inbox', '/inbox')
    await publish('Moon Ferry')
    // The same site, opened by a server without DRAMALOG_FEDIVERSE_LOOPBACK.
    const guarded = await openTestSite(data.dir, { baseUrl: 'https://reviews.example.com/', fediverseLoopback: false })
    try {
      expect(await deliverDue(guarded, at(1))).toEqual({ delivered: 0, retrying: 0, failed: 1 })
    } finally {
      await guarded.close()
    }
    expect((await listDeliveries(site.db, 1))[0]!.lastError).toMatch(/only https addresses are fetched/)
    expect(received).toHaveLength(0)
  })
})

describe('which remote addresses are reached', () => {
  const refused = (url: string, allowLoopback: boolean) => () => checkRemoteUrl(url, { allowLoopback })
  it('takes public https addresses, and http only to this machine when loopback is allowed', () => {
    expect(checkRemoteUrl('https://mastodon.example/users/a', { allowLoopback: false }).host).toBe('mastodon.example')
    expect(checkRemoteUrl('http://127.0.0.1:4000/ap/inbox', { allowLoopback: true }).port).toBe('4000')
    expect(refused('http://mastodon.example/inbox', false)).toThrow(/only https/)
    expect(refused('http://mastodon.example/inbox', true)).toThrow(/only https/)
    expect(refused('https://127.0.0.1/inbox', false)).toThrow(/this machine/)
    expect(refused('https://localhost/inbox', false)).toThrow(/this machine/)
    expect(refused('https://[::1]/inbox', false)).toThrow(/this machine/)
    expect(refused('https://10.1.2.3/inbox', true)).toThrow(/private address/)
    expect(refused('https://192.168.0.4/inbox', false)).toThrow(/private address/)
    expect(refused('https://169.254.169.254/latest', false)).toThrow(/private address/)
    expect(refused('https://[::ffff:10.0.0.1]/x', false)).toThrow(/private address/)
    expect(refused('https://user:pw@mastodon.example/', false)).toThrow(/credentials/)
  })
})
