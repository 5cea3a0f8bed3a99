// The site as ActivityStreams JSON: its actor, each review as an Article inside a Create, the
// collections, and the documents that find the actor (WebFinger, host-meta, NodeInfo). Pure
// writers: the services give them stored data and the site's addresses.
import { ACTIVITY_JSON, ACTIVITY_STREAMS, articleId, createId, PUBLIC_AUDIENCE, type ActorUrls } from '../domain/activitypub.ts'
import { translatorFor } from '../domain/i18n.ts'
import type { ReviewRecord } from '../domain/records.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { absoluteUrl, reviewPath, reviewPublishedAt, reviewTitle } from '../domain/structured-data.ts'
import { slugify } from '../domain/slug.ts'
import { escapeHtml, reviewFeedHtml, type FeedSettings } from './feeds.ts'

const SECURITY = 'https://w3id.org/security/v1'
type Json = Record<string, unknown>

const IMAGE_TYPES: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', avif: 'image/avif', gif: 'image/gif' }

/** The site's actor document: a Service named after the site, with its public key. */
export function actorDocument(urls: ActorUrls, settings: Pick<SiteSettings, 'name' | 'description'>, username: string, publicKeyPem: string): Json {
  return {
    '@context': [ACTIVITY_STREAMS, SECURITY],
    id: urls.actor,
    type: 'Service',
    preferredUsername: username,
    name: settings.name,
    summary: settings.description ? `<p>${escapeHtml(settings.description)}</p>` : '',
    url: urls.base,
    inbox: urls.inbox,
    outbox: urls.outbox,
    followers: urls.followers,
    following: urls.following,
    endpoints: { sharedInbox: urls.inbox },
    manuallyApprovesFollowers: false,
    discoverable: true,
    publicKey: { id: urls.keyId, owner: urls.actor, publicKeyPem },
  }
}

/** A hashtag's name: words joined in capitals (`slow burn` → `#SlowBurn`), as fediverse hashtags cannot hold spaces. */
export function hashtagName(tag: string): string {
  const words = tag.split(/[^\p{L}\p{N}_]+/u).filter(Boolean)
  const joined = words.length > 1 ? words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') : (words[0] ?? '')
  return `#${joined}`
}

/**
 * A published review as an Article: the headline line as its name, the hook as its summary, the
 * body as feed readers get it, the poster as an image attachment with its alt text, and the tags as
 * hashtags pointing at the site's tag pages.
 */
export function reviewArticle(record: ReviewRecord, urls: ActorUrls, settings: FeedSettings): Json {
  const d = record.doc
  // Mastodon reads the language of a post from its contentMap; the review's own, else the site's.
  const language = d.language ?? settings.language ?? 'en'
  const content = reviewFeedHtml(record, settings, urls.base)
  const attachment: Json[] = []
  if (d.poster?.src) {
    const url = absoluteUrl(urls.base, d.poster.src)
    const ext = /\.([a-z\d]+)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase() ?? ''
    const image: Json = { type: 'Image', mediaType: IMAGE_TYPES[ext] ?? 'image/jpeg', url, name: d.poster.alt ?? translatorFor(settings.language).t('review.posterAlt', { title: d.title }) }
    if (record.posterImage) Object.assign(image, { width: record.posterImage.width, height: record.posterImage.height })
    attachment.push(image)
  }
  const tag = d.tags
    .map((t) => ({ type: 'Hashtag', name: hashtagName(t), href: absoluteUrl(urls.base, `/tag/${encodeURIComponent(slugify(t))}`) }))
    .filter((t) => t.name.length > 1)
  return {
    id: articleId(urls, d.slug),
    type: 'Article',
    attributedTo: urls.actor,
    name: reviewTitle(d),
    summary: d.hook ?? null,
    content,
    contentMap: { [language]: content },
    mediaType: 'text/html',
    url: absoluteUrl(urls.base, reviewPath(d.slug)),
    published: new Date(reviewPublishedAt(record)).toISOString(),
    updated: new Date(record.updatedAt).toISOString(),
    to: [PUBLIC_AUDIENCE],
    cc: [urls.followers],
    attachment,
    tag,
  }
}

/** The Create that announces a review to followers; its id is stable, so a repeated delivery is recognised. */
export function createActivity(record: ReviewRecord, urls: ActorUrls, settings: FeedSettings): Json {
  const object = reviewArticle(record, urls, settings)
  return {
    '@context': ACTIVITY_STREAMS,
    id: createId(urls, record.doc.slug),
    type: 'Create',
    actor: urls.actor,
    published: object.published,
    to: object.to,
    cc: object.cc,
    object,
  }
}

/** The Accept of a Follow, embedding the Follow as received (Mastodon matches it by id). */
export function acceptActivity(urls: ActorUrls, follow: { id: string; actor: string }, acceptId: string): Json {
  return {
    '@context': ACTIVITY_STREAMS,
    id: acceptId,
    type: 'Accept',
    actor: urls.actor,
    object: { id: follow.id, type: 'Follow', actor: follow.actor, object: urls.actor },
  }
}

/** A Follow of a remote actor by the site. */
export function followActivity(urls: ActorUrls, target: string, id: string): Json {
  return { '@context': ACTIVITY_STREAMS, id, type: 'Follow', actor: urls.actor, object: target }
}

/** An ordered collection; items are left out when only the count is public. */
export function orderedCollection(id: string, totalItems: number, orderedItems?: unknown[]): Json {
  return { '@context': ACTIVITY_STREAMS, id, type: 'OrderedCollection', totalItems, ...(orderedItems ? { orderedItems } : {}) }
}

/** The WebFinger answer (JRD) for the site's account. */
export function webfingerDocument(urls: ActorUrls): Json {
  return {
    subject: `acct:${urls.handle}`,
    aliases: [urls.actor, urls.base],
    links: [
      { rel: 'self', type: ACTIVITY_JSON, href: urls.actor },
      { rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: urls.base },
    ],
  }
}

/** host-meta (XRD): where WebFinger lives, for clients that look there first. */
export function hostMetaXml(base: string): string {
  const template = `${base.replace(/\/?$/, '/')}.well-known/webfinger?resource={uri}`
  return `<?xml version="1.0" encoding="UTF-8"?>\n<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n  <Link rel="lrdd" template="${escapeHtml(template)}"/>\n</XRD>\n`
}

/** The NodeInfo discovery document and the NodeInfo 2.1 document. */
export function nodeInfoLinks(base: string): Json {
  return { links: [{ rel: 'http://nodeinfo.diaspora.software/ns/schema/2.1', href: `${base.replace(/\/?$/, '/')}nodeinfo/2.1` }] }
}

export function nodeInfoDocument(input: { version: string; name: string; localPosts: number }): Json {
  return {
    version: '2.1',
    software: { name: 'dramalog', version: input.version },
    protocols: ['activitypub'],
    services: { inbound: [], outbound: ['atom1.0', 'rss2.0'] },
    openRegistrations: false,
    usage: { users: { total: 1, activeMonth: 1, activeHalfyear: 1 }, localPosts: input.localPosts },
    metadata: { nodeName: input.name },
  }
}
