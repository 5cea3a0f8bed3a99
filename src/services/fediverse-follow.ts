import { randomBytes } from 'node:crypto'
import { ACTIVITY_JSON, parseAcct } from '../domain/activitypub.ts'
import { DramalogError } from '../domain/errors.ts'
import { followActivity } from '../formats/activitystreams.ts'
import { cacheActor, upsertFollowing } from '../store/activitypub.ts'
import { fetchRemoteActor, loadFederation, signedGetJson, type Federation } from './fediverse-actor.ts'
import { queueActivityFor } from './fediverse-delivery.ts'
import { isLoopbackName } from './remote-request.ts'
import type { Site } from './site.ts'

/** Finds an account's actor address through WebFinger on its server. */
async function resolveAccount(site: Site, account: string, fed: Federation): Promise<string> {
  if (/^https?:\/\//i.test(account)) return account
  const acct = parseAcct(account)
  if (!acct) throw new DramalogError('invalid_input', `"${account}" is not a fediverse account: write it as @name@example.social`)
  // Servers on this machine (development, tests) answer over http when loopback is allowed.
  const local = site.fediverseLoopback && isLoopbackName(new URL(`http://${acct.host}/`).hostname)
  const url = `${local ? 'http' : 'https'}://${acct.host}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${acct.username}@${acct.host}`)}`
  const jrd = (await signedGetJson(site, fed, url, 'application/jrd+json, application/json')) as { links?: { rel?: string; type?: string; href?: string }[] }
  const self = jrd.links?.find((l) => l.rel === 'self' && (l.type === ACTIVITY_JSON || l.type?.startsWith('application/ld+json')) && l.href)
  if (!self?.href) throw new DramalogError('invalid_input', `${acct.username}@${acct.host} has no ActivityPub actor`)
  return self.href
}

/**
 * Follows a fediverse account from the site: finds its actor (WebFinger for `@name@host`), records
 * the follow as pending and queues a signed Follow to its inbox. Its server's Accept, arriving at
 * the inbox, makes the follow accepted; from then on what it publishes arrives in the inbox log.
 */
export async function followAccount(site: Site, account: string, now = new Date()): Promise<{ actorId: string; handle: string; followId: string }> {
  const fed = await loadFederation(site)
  if (!fed) throw new DramalogError('invalid_input', 'the site needs a public address (DRAMALOG_BASE_URL or Settings) before it can follow anyone')
  const actorUrl = await resolveAccount(site, account.trim(), fed)
  const actor = await fetchRemoteActor(site, fed, actorUrl)
  if (actor.id === fed.urls.actor) throw new DramalogError('invalid_input', 'the site cannot follow itself')
  const followId = `${fed.urls.base}ap/follows/${randomBytes(12).toString('hex')}`
  await cacheActor(site.db, actor, now.toISOString())
  await site.db.transaction().execute((trx) => upsertFollowing(trx, { actorId: actor.id, handle: actor.handle, inbox: actor.inbox, followId, createdAt: now.toISOString() }))
  await queueActivityFor(site, actor.inbox, followActivity(fed.urls, actor.id, followId), `follow:${followId}`, now)
  return { actorId: actor.id, handle: actor.handle, followId }
}
