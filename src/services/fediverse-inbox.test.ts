import { generateKeyPairSync } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDataDir } from '../../test/helpers/server.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import { signRequest } from '../domain/http-signatures.ts'
import { listDeliveries, listFollowers, listInboxLog } from '../store/activitypub.ts'
import { receiveActivity } from './fediverse-inbox.ts'
import { importFiles } from './import-files.ts'
import type { Site } from './site.ts'

// The inbox on a real database (SQLite or PostgreSQL), with a remote actor served by a real HTTP
// server on 127.0.0.1 whose key signs what the tests post.
let data: ReturnType<typeof tempDataDir>
let site: Site
let remote: Server
let actorId: string
const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } })
const BASE = 'https://reviews.example.com/'

beforeEach(async () => {
  data = tempDataDir()
  site = await openTestSite(data.dir, { baseUrl: BASE, fediverseLoopback: true })
  remote = createServer((req, res) => {
    if (req.url !== '/users/ana') return res.writeHead(404).end()
    res.setHeader('content-type', 'application/activity+json')
    res.end(JSON.stringify({
      id: actorId, type: 'Person', preferredUsername: 'ana', name: 'Ana Lima', inbox: `${actorId}/inbox`, url: `${actorId.replace('/users/', '/@')}`,
      endpoints: { sharedInbox: actorId.replace(/\/users\/ana$/, '/inbox') }, publicKey: { id: `${actorId}#main-key`, owner: actorId, publicKeyPem: keys.publicKey },
    }))
  })
  await new Promise<void>((r) => remote.listen(0, '127.0.0.1', r))
  actorId = `http://127.0.0.1:${(remote.address() as AddressInfo).port}/users/ana`
})
afterEach(async () => {
  await new Promise((r) => remote.close(r))
  await site.close()
  data.remove()
})

/** Posts `activity` to the inbox as the remote actor would, signed with its key (or as told otherwise). */
function deliver(activity: Record<string, unknown>, over: { privateKeyPem?: string; now?: Date } = {}) {
  const body = JSON.stringify({ '@context': 'https://www.w3.org/ns/activitystreams', actor: actorId, ...activity })
  const headers = signRequest({ method: 'POST', url: `${BASE}ap/inbox`, body, keyId: `${actorId}#main-key`, privateKeyPem: over.privateKeyPem ?? keys.privateKey, now: over.now })
  return receiveActivity(site, { method: 'POST', path: '/ap/inbox', headers }, new TextEncoder().encode(body))
}

const follow = { id: 'http://127.0.0.1/follows/1', type: 'Follow', object: `${BASE}ap/actor` }

describe('the inbox', () => {
  it('adds a follower and queues an Accept; an Undo removes the follower', async () => {
    expect(await deliver(follow)).toEqual({ status: 202, outcome: 'follower added; Accept queued' })
    expect(await listFollowers(site.db, 10)).toMatchObject([{ actorId, handle: `ana@${new URL(actorId).host}`, name: 'Ana Lima', sharedInbox: actorId.replace(/\/users\/ana$/, '/inbox') }])
    const [accept] = await listDeliveries(site.db, 10)
    expect(accept).toMatchObject({ inbox: `${actorId}/inbox`, status: 'pending', reviewId: null })
    // Following again (Mastodon resends a Follow) keeps one follower and one Accept.
    await deliver(follow)
    expect(await listFollowers(site.db, 10)).toHaveLength(1)
    expect(await listDeliveries(site.db, 10)).toHaveLength(1)
    expect(await deliver({ id: 'http://127.0.0.1/undo/1', type: 'Undo', object: { ...follow, actor: actorId } })).toEqual({ status: 202, outcome: 'follower removed' })
    expect(await listFollowers(site.db, 10)).toHaveLength(0)
    expect((await listInboxLog(site.db, 10)).map((e) => e.type)).toEqual(['Undo', 'Follow', 'Follow'])
  })

  it('makes a reply to a published review a pending comment, once, and ignores other notes', async () => {
    const file = join(data.dir, 'r.json')
    writeFileSync(file, JSON.stringify({ title: 'Moon Ferry', year: 2025, status: 'published', intro: 'Intro.', sections: [] }))
    const [slug] = (await importFiles(site, [file])).created
    const note = (id: string, inReplyTo: string) => ({ id: `${id}/activity`, type: 'Create', object: { id, type: 'Note', attributedTo: actorId, inReplyTo, content: '<p>So <b>good</b>.</p>' } })
    const first = await deliver(note('http://127.0.0.1/notes/1', `${BASE}reviews/${slug}`))
    expect(first).toMatchObject({ status: 202, outcome: expect.stringMatching(/^comment \d+ pending$/) })
    expect(await deliver(note('http://127.0.0.1/notes/1', `${BASE}ap/reviews/${slug}`))).toEqual(first)
    expect(await deliver(note('http://127.0.0.1/notes/2', 'https://elsewhere.example/notes/9'))).toEqual({ status: 202, outcome: 'ignored: not a reply to a review' })
    expect(await deliver(note('http://127.0.0.1/notes/3', `${BASE}reviews/no-such-review`))).toEqual({ status: 202, outcome: 'ignored: no published review "no-such-review"' })
    const comments = await site.db.selectFrom('comments').select(['status', 'author_name', 'author_url', 'body']).execute()
    expect(comments).toEqual([{ status: 'pending', author_name: 'Ana Lima', author_url: actorId.replace('/users/', '/@'), body: 'So good.' }])
  })

  it('refuses a post signed with another key or at a stale date, and changes nothing', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    expect(await deliver(follow, { privateKeyPem: other })).toMatchObject({ status: 401, problem: 'bad_signature' })
    expect(await deliver(follow, { now: new Date(Date.now() - 10 * 60_000) })).toMatchObject({ status: 401, problem: 'stale_date' })
    expect(await listFollowers(site.db, 10)).toHaveLength(0)
    expect(await listInboxLog(site.db, 10)).toHaveLength(0)
    expect(await site.db.selectFrom('ap_actors').selectAll().execute()).toHaveLength(0)
  })
})
