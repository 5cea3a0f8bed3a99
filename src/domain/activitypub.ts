import { isIP } from 'node:net'
import { z } from 'zod'

// The rules of following from the fediverse that need no I/O: the site's actor addresses, what a
// remote actor and an incoming activity must look like, which remote addresses may be fetched,
// and how a reply's HTML becomes a comment's plain text.

export const ACTIVITY_STREAMS = 'https://www.w3.org/ns/activitystreams'
export const PUBLIC_AUDIENCE = 'https://www.w3.org/ns/activitystreams#Public'
export const ACTIVITY_JSON = 'application/activity+json'
/** The media types an ActivityPub client asks for; both mean the same JSON. */
export const ACTIVITY_TYPES = [ACTIVITY_JSON, 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'] as const

/** Every address of the site's actor, from the public address (ending in `/`). */
export type ActorUrls = {
  base: string
  actor: string
  keyId: string
  inbox: string
  outbox: string
  followers: string
  following: string
  /** `name@host` (the host with its port, if any). */
  handle: string
}

export function actorUrls(baseUrl: string, username: string): ActorUrls {
  const base = baseUrl.replace(/\/?$/, '/')
  const actor = `${base}ap/actor`
  return {
    base, actor, keyId: `${actor}#main-key`, inbox: `${base}ap/inbox`, outbox: `${base}ap/outbox`, followers: `${base}ap/followers`,
    following: `${base}ap/following`, handle: `${username}@${new URL(base).host}`,
  }
}

/** The id of a review as an ActivityPub object (an Article), and of the Create that announced it. */
export const articleId = (urls: Pick<ActorUrls, 'base'>, slug: string) => `${urls.base}ap/reviews/${encodeURIComponent(slug)}`
export const createId = (urls: Pick<ActorUrls, 'base'>, slug: string) => `${articleId(urls, slug)}/create`

/**
 * A fediverse account as written by people: `@name@host`, `name@host` or `acct:name@host`.
 * @example parseAcct('@mira@example.social') // { username: 'mira', host: 'example.social' }
 */
export function parseAcct(text: string): { username: string; host: string } | null {
  const m = /^(?:acct:)?@?([^@\s/:]+)@([a-z0-9.-]+(?::\d{1,5})?)$/i.exec(text.trim())
  return m ? { username: m[1]!, host: m[2]!.toLowerCase() } : null
}

const Url = z.string().url()
const IdOf = z.union([Url, z.object({ id: Url }).transform((o) => o.id)])

/** A remote actor as fetched: what following, delivering and checking signatures need of it. */
export const RemoteActor = z
  .object({
    id: Url,
    type: z.string(),
    inbox: Url,
    endpoints: z.object({ sharedInbox: Url.optional() }).partial().optional(),
    preferredUsername: z.string().optional(),
    name: z.string().nullish(),
    url: z.union([Url, z.array(z.unknown()), z.object({ href: Url })]).nullish(),
    publicKey: z.object({ id: Url, owner: Url.optional(), publicKeyPem: z.string().min(100) }),
  })
  .transform((a) => {
    const host = new URL(a.id).host
    const username = a.preferredUsername ?? new URL(a.id).pathname.split('/').filter(Boolean).at(-1) ?? 'unknown'
    const url = typeof a.url === 'string' ? a.url : a.url && !Array.isArray(a.url) ? a.url.href : a.id
    return {
      id: a.id, inbox: a.inbox, sharedInbox: a.endpoints?.sharedInbox ?? null, handle: `${username}@${host}`,
      name: (a.name ?? '').trim() || username, profileUrl: /^https?:\/\//.test(url) ? url : a.id,
      keyId: a.publicKey.id, keyOwner: a.publicKey.owner ?? a.id, publicKeyPem: a.publicKey.publicKeyPem,
    }
  })
export type RemoteActor = z.output<typeof RemoteActor>

/** The outer shape every incoming activity must have; the object is read by type. */
export const IncomingActivity = z.object({
  id: Url.optional(),
  type: z.string().min(1),
  actor: IdOf,
  object: z.unknown(),
})
export type IncomingActivity = z.output<typeof IncomingActivity>

/** A Follow, Undo or Accept refers to its object by id or embeds it. */
export const EmbeddedActivity = z.object({ id: Url.optional(), type: z.string(), actor: IdOf.optional(), object: IdOf.optional() })

/** A reply from the fediverse: a Note answering something. */
export const IncomingNote = z.object({
  id: Url,
  type: z.literal('Note'),
  attributedTo: IdOf.optional(),
  inReplyTo: z.union([Url, z.object({ id: Url }).transform((o) => o.id)]),
  content: z.string().max(100_000),
  sensitive: z.boolean().nullish(),
  summary: z.string().nullish(),
})

/**
 * The slug of the review a reply answers: `inReplyTo` is the review's page or its Article id on
 * this site. Null for anything else.
 */
export function repliedReviewSlug(inReplyTo: string, urls: Pick<ActorUrls, 'base'>): string | null {
  let url: URL
  try {
    url = new URL(inReplyTo)
  } catch {
    return null
  }
  const base = new URL(urls.base)
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) return null
  const m = /^(?:ap\/)?reviews\/([^/]+)\/?$/.exec(url.pathname.slice(base.pathname.length))
  if (!m) return null
  try {
    return decodeURIComponent(m[1]!)
  } catch {
    return null
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" }

function decodeEntities(text: string): string {
  return text.replace(/&(#x[\da-f]+|#\d+|[a-z]+\d*);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : ''
    }
    return ENTITIES[name.toLowerCase()] ?? whole
  })
}

/**
 * A reply's HTML as a comment's plain text: paragraphs and line breaks kept, every tag dropped.
 * A link keeps its text; its address follows in brackets when the text does not show it and it is
 * an http(s) address (mentions and hashtags, whose text is `@name` or `#tag`, stay as they read).
 * Anything else a link pointed at is dropped, so no unsafe address reaches the page.
 */
export function replyPlainText(html: string): string {
  const withLinks = html.replace(/<(script|style|template)\b[\s\S]*?(<\/\1\s*>|$)/gi, '').replace(/<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi, (_, attrs: string, inner: string) => {
    const text = decodeEntities(inner.replace(/<[^>]*>/g, '')).trim()
    const href = decodeEntities(/\bhref\s*=\s*("([^"]*)"|'([^']*)')/i.exec(attrs)?.slice(2).find((v) => v !== undefined) ?? '')
    const safe = /^https?:\/\/[^\s<>"]+$/i.test(href) ? href : null
    if (!safe || /^[@#]/.test(text)) return encodeText(text)
    const shown = text.replace(/^https?:\/\//i, '').replace(/…$/, '')
    if (!text || safe.replace(/^https?:\/\//i, '').startsWith(shown)) return encodeText(safe)
    return encodeText(`${text} (${safe})`)
  })
  const text = withLinks
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|blockquote|li|h[1-6])\s*>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
  return decodeEntities(text)
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

// Link text is put back as escaped HTML, so the pass that removes tags cannot take parts of it.
const encodeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/**
 * Whether an IP address is one a server must not be sent to fetch on a stranger's say-so: loopback,
 * private networks, link-local, shared (CGNAT), unspecified, multicast and reserved ranges, for
 * IPv4 and IPv6 (IPv4-mapped addresses judged as IPv4).
 */
export function isNonPublicAddress(ip: string): boolean {
  const kind = isIP(ip)
  if (kind === 4) {
    const [a, b] = ip.split('.').map(Number) as [number, number]
    return (
      a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) || (a === 192 && b === 0) || (a === 198 && (b === 18 || b === 19)) || a >= 224
    )
  }
  if (kind === 6) {
    const lower = ip.toLowerCase()
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)
    if (mapped) return isNonPublicAddress(mapped[1]!)
    // URL parsing writes an IPv4-mapped address in hex: ::ffff:10.0.0.1 becomes ::ffff:a00:1.
    const hex = /^::ffff:([\da-f]{1,4}):([\da-f]{1,4})$/.exec(lower)
    if (hex) {
      const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)]
      return isNonPublicAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`)
    }
    return lower === '::' || lower === '::1' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower) || /^ff/.test(lower) || /^64:ff9b:1:/.test(lower) || /^2001:db8:/.test(lower)
  }
  return true
}

/** Whether an IP address is this machine's (127.0.0.0/8, ::1, or IPv4-mapped loopback). */
export function isLoopbackAddress(ip: string): boolean {
  const lower = ip.toLowerCase().replace(/^::ffff:(?=\d+\.)/, '')
  return lower === '::1' || (isIP(lower) === 4 && lower.startsWith('127.'))
}
