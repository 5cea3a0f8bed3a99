import { generateKeyPairSync } from 'node:crypto'
import { ACTIVITY_JSON, actorUrls, RemoteActor, type ActorUrls } from '../domain/activitypub.ts'
import { DramalogError, NotFoundError } from '../domain/errors.ts'
import { signRequest } from '../domain/http-signatures.ts'
import type { SiteSettings } from '../domain/settings.ts'
import {
  actorDocument, createActivity, nodeInfoDocument, nodeInfoLinks, orderedCollection, reviewArticle, webfingerDocument,
} from '../formats/activitystreams.ts'
import { countFollowers, listFollowing } from '../store/activitypub.ts'
import { getOrCreateSecret } from '../store/comments.ts'
import { listFeedReviewIds } from '../store/feeds.ts'
import { findReviewBySlug, findReviewRows, listPublishedReviews, loadRecords } from '../store/reviews.ts'
import { getSiteSettings } from '../store/settings.ts'
import { remoteRequest } from './remote-request.ts'
import type { Site } from './site.ts'

/** The settings key of the site's RSA key pair (JSON of two PEM strings), made once per site. */
export const ACTOR_KEY_SETTING = 'activitypub_key'

/** Everything the fediverse side needs of a site: its addresses, settings and key pair. */
export type Federation = { urls: ActorUrls; settings: SiteSettings; username: string; publicKeyPem: string; privateKeyPem: string }

const keyPairs = new WeakMap<object, { publicKeyPem: string; privateKeyPem: string }>()

/** The site's key pair: generated on first use and kept in the settings, so every app server signs with the same key. */
async function siteKeyPair(site: Site): Promise<{ publicKeyPem: string; privateKeyPem: string }> {
  const known = keyPairs.get(site.db)
  if (known) return known
  const stored = await getOrCreateSecret(site.db, ACTOR_KEY_SETTING, () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    })
    return JSON.stringify({ publicKeyPem: publicKey, privateKeyPem: privateKey })
  })
  const pair = JSON.parse(stored) as { publicKeyPem: string; privateKeyPem: string }
  keyPairs.set(site.db, pair)
  return pair
}

/**
 * The site as a fediverse actor, or null when it has no public address (DRAMALOG_BASE_URL or the
 * one in Settings): every address an actor hands out must be absolute and stable.
 */
export async function loadFederation(site: Site): Promise<Federation | null> {
  const settings = await getSiteSettings(site.db)
  const base = site.baseUrl ?? settings.baseUrl
  if (!base) return null
  const username = settings.fediverseName
  return { urls: actorUrls(base, username), settings, username, ...(await siteKeyPair(site)) }
}

/** Like `loadFederation`, for routes: a site without a public address has no actor (404). */
export async function requireFederation(site: Site): Promise<Federation> {
  const fed = await loadFederation(site)
  if (!fed) throw new NotFoundError('fediverse actor', 'the site has no public address')
  return fed
}

export const actorJson = (fed: Federation) => actorDocument(fed.urls, fed.settings, fed.username, fed.publicKeyPem)

/** The WebFinger answer for `resource` (`acct:name@host` or the actor's address); not found for anyone else. */
export function webfingerJson(fed: Federation, resource: string) {
  const wanted = resource.trim().replace(/^acct:@?/i, '').toLowerCase()
  if (wanted !== fed.urls.handle.toLowerCase() && resource !== fed.urls.actor && resource !== fed.urls.base) throw new NotFoundError('account', resource)
  return webfingerDocument(fed.urls)
}

/** How many Creates the outbox lists (newest first). */
export const OUTBOX_SIZE = 20

export async function outboxJson(site: Site, fed: Federation) {
  const ids = await listFeedReviewIds(site.db, {}, OUTBOX_SIZE)
  const records = (await loadRecords(site.db, await findReviewRows(site.db, ids))).filter((r) => r.doc.status === 'published')
  const { total } = await listPublishedReviews(site.db, 1, 1)
  return orderedCollection(fed.urls.outbox, total, records.map((r) => createActivity(r, fed.urls, fed.settings)))
}

/** The followers collection shows how many there are, not who: followers did not agree to be listed. */
export async function followersJson(site: Site, fed: Federation) {
  return orderedCollection(fed.urls.followers, await countFollowers(site.db))
}

export async function followingJson(site: Site, fed: Federation) {
  const accepted = (await listFollowing(site.db, 1000)).filter((f) => f.state === 'accepted')
  return orderedCollection(fed.urls.following, accepted.length, accepted.map((f) => f.actorId))
}

/** A published review as its Article. */
export async function articleJson(site: Site, fed: Federation, slug: string) {
  const record = await findReviewBySlug(site.db, slug)
  if (!record || record.doc.status !== 'published') throw new NotFoundError('review', slug)
  return { '@context': 'https://www.w3.org/ns/activitystreams', ...reviewArticle(record, fed.urls, fed.settings) }
}

export async function nodeInfoJson(site: Site, fed: Federation) {
  const { total } = await listPublishedReviews(site.db, 1, 1)
  return nodeInfoDocument({ version: '0.1.0', name: fed.settings.name, localPosts: total })
}

export const nodeInfoLinksJson = (fed: Federation) => nodeInfoLinks(fed.urls.base)

/** Gets a JSON document from another server, signed as the site (servers in "secure mode" want that). */
export async function signedGetJson(site: Site, fed: Federation, url: string, accept: string = ACTIVITY_JSON): Promise<unknown> {
  const headers = signRequest({ method: 'GET', url, keyId: fed.urls.keyId, privateKeyPem: fed.privateKeyPem })
  const res = await remoteRequest(url, { method: 'GET', headers: { ...headers, accept } }, { allowLoopback: site.fediverseLoopback })
  if (res.status !== 200) throw new DramalogError('invalid_input', `${url} answered ${res.status}`)
  try {
    return JSON.parse(res.body) as unknown
  } catch (err) {
    throw new DramalogError('invalid_input', `${url} did not answer with JSON`, { cause: err })
  }
}

/** Fetches a remote actor by its id or key id (the caller keeps it with `cacheActor` once it is trusted). */
export async function fetchRemoteActor(site: Site, fed: Federation, id: string): Promise<RemoteActor> {
  const url = id.replace(/#.*$/, '')
  const parsed = RemoteActor.safeParse(await signedGetJson(site, fed, url))
  if (!parsed.success) throw new DramalogError('invalid_input', `${url} is not an actor with a public key: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`)
  if (parsed.data.id.replace(/#.*$/, '') !== url && parsed.data.keyId.replace(/#.*$/, '') !== url) {
    throw new DramalogError('invalid_input', `${url} describes another actor (${parsed.data.id})`)
  }
  return parsed.data
}
