import { createHmac } from 'node:crypto'
import { z } from 'zod'
import { translatorFor } from './i18n.ts'
import type { Role } from './user.ts'

// Messages to readers come from the English catalogue; pages show them in the site's language.
const EN = translatorFor('en').t

/** Where a comment stands: every new one waits (`pending`) unless its writer is trusted. */
export const COMMENT_STATUSES = ['pending', 'approved', 'spam'] as const
export const CommentStatus = z.enum(COMMENT_STATUSES)
export type CommentStatus = z.infer<typeof CommentStatus>

/** The spam rules of the public comment form, in one place so tests and messages agree. */
export const COMMENT_RULES = Object.freeze({
  /** A person needs at least this long to read a form and write something. */
  minFillMs: 3_000,
  /** A form older than this was left open (or harvested); it is refused. */
  maxFormAgeMs: 86_400_000,
  /** Links allowed in a comment's text; more are refused. */
  maxLinks: 2,
  /** Comments one address may send per window. */
  ratePerWindow: 5,
  rateWindowMs: 10 * 60_000,
})

export const COMMENT_LIMITS = Object.freeze({ name: 80, email: 254, website: 300, body: 5000 })

/** The public form's fields as the browser sends them. `url` is the honeypot; `stamp` the signed time the form was served. */
export const COMMENT_FORM_FIELDS = ['name', 'email', 'website', 'body', 'parentId', 'url', 'stamp'] as const
export type CommentFormValues = Partial<Record<(typeof COMMENT_FORM_FIELDS)[number], string>>
/** The fields a person fills in; errors point at one of them, or at the form as a whole. */
export type CommentField = 'name' | 'email' | 'website' | 'body' | 'form'
export type CommentFieldErrors = Partial<Record<CommentField, string>>

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)

/**
 * A website as written by a person: `example.com/me` gets `https://`; only http(s) addresses are
 * kept, so `javascript:` and friends never reach an href.
 */
export function normalizeWebsite(text: string): string | null {
  const trimmed = text.trim()
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : `https://${trimmed}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    return null
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname.includes('.') || url.username || url.password) return null
  return url.href
}

/** What a valid comment holds after checking. */
export const CommentInput = z.object({
  name: z
    .string({ message: EN('form.comment.nameMissing') })
    .trim()
    .min(1, EN('form.comment.nameMissing'))
    .max(COMMENT_LIMITS.name, EN('form.comment.nameTooLong', { max: COMMENT_LIMITS.name }))
    .refine((n) => !/:\/\/|www\./i.test(n), EN('form.comment.nameLinks')),
  email: z.preprocess(
    blank,
    z
      .string()
      .trim()
      .toLowerCase()
      .max(COMMENT_LIMITS.email, EN('form.comment.emailTooLong'))
      .regex(/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/, EN('form.comment.emailInvalid'))
      .nullable()
      .default(null),
  ),
  website: z.preprocess(
    blank,
    z
      .string()
      .max(COMMENT_LIMITS.website, EN('form.comment.websiteTooLong'))
      .transform((w, ctx) => {
        const url = normalizeWebsite(w)
        if (url) return url
        ctx.addIssue({ code: 'custom', message: EN('form.comment.websiteInvalid') })
        return z.NEVER
      })
      .nullable()
      .default(null),
  ),
  body: z
    .string({ message: EN('form.comment.bodyMissing') })
    .transform((b) => b.replace(/\r\n?/g, '\n').trim())
    .pipe(
      z
        .string()
        .min(1, EN('form.comment.bodyMissing'))
        .max(COMMENT_LIMITS.body, EN('form.comment.bodyTooLong', { max: COMMENT_LIMITS.body })),
    ),
  parentId: z.preprocess(blank, z.coerce.number().int().positive().nullable().default(null)),
})
export type CommentInput = z.infer<typeof CommentInput>

/** Checks the fields of a submitted form; every field's first problem is reported. */
export function parseCommentForm(values: CommentFormValues):
    { ok: true; value: CommentInput } | { ok: false; errors: CommentFieldErrors } {
  const r = CommentInput.safeParse(values)
  if (r.success) return { ok: true, value: r.data }
  const errors: CommentFieldErrors = {}
  for (const i of r.error.issues) {
    const key = String(i.path[0] ?? 'form')
    const field: CommentField = key === 'name' || key === 'email' || key === 'website' || key === 'body' ? key : 'form'
    errors[field] ??= field === 'form' ? EN('form.comment.replyUnmatched') : i.message
  }
  return { ok: false, errors }
}

/** A piece of comment text: plain text, or an http(s) link to show with its own words. */
export type TextSegment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string }

// Stops at whitespace and at characters that would end an attribute or tag if they were ever unescaped.
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`]+/gi

/** Trailing punctuation belongs to the sentence, not the link; a closing bracket stays when the link opened one. */
function trimUrl(raw: string): string {
  let url = raw
  for (;;) {
    const last = url.at(-1)!
    if ('.,;:!?*'.includes(last)) url = url.slice(0, -1)
    else if (last === ')' && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0)) url = url.slice(0, -1)
    else if (last === ']' && (url.match(/\[/g)?.length ?? 0) < (url.match(/\]/g)?.length ?? 0)) url = url.slice(0, -1)
    else return url
  }
}

/**
 * Splits text into plain runs and http(s) links. Only absolute http(s) addresses become links, so
 * no other scheme can be smuggled into an href; the view escapes both kinds.
 * @example linkify('see https://a.example/x.') // [text 'see ', link 'https://a.example/x', text '.']
 */
export function linkify(text: string): TextSegment[] {
  const out: TextSegment[] = []
  let at = 0
  for (const m of text.matchAll(URL_IN_TEXT)) {
    const raw = trimUrl(m[0])
    let href: string
    try {
      const url = new URL(raw)
      if (!url.hostname) continue
      href = url.href
    } catch {
      continue
    }
    if (m.index > at) out.push({ kind: 'text', text: text.slice(at, m.index) })
    out.push({ kind: 'link', text: raw, href })
    at = m.index + raw.length
  }
  if (at < text.length) out.push({ kind: 'text', text: text.slice(at) })
  return out
}

/** Paragraphs (split on blank lines) of lines of segments: how a comment's line breaks are kept. */
export function commentParagraphs(text: string): TextSegment[][][] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => p.split('\n').map(linkify))
}

// Anything a spammer uses to make a link: addresses, bare www. names, HTML anchors, BBCode.
const LINKISH = /\bhttps?:\/\/|(?<![\w/.@-])www\.[a-z0-9-]+\.[a-z]|<a\s|\[url/gi

/** How many links (or link attempts) a text holds. */
export function countLinks(text: string): number {
  return text.match(LINKISH)?.length ?? 0
}

/**
 * Who a comment's writer is, for "approve and trust": the email when given, else the name with the
 * website. Null when there is neither email nor website: a name alone is anyone's to type.
 * @example trustKey({ name: 'Ana', email: 'Ana@X.org', website: null }) // 'email:ana@x.org'
 */
export function trustKey(c: { name: string; email: string | null; website: string | null }): string | null {
  if (c.email) return `email:${c.email.trim().toLowerCase()}`
  if (!c.website) return null
  const name = c.name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase()
  const site = normalizeWebsite(c.website)
  if (!site) return null
  const url = new URL(site)
  const where = `${url.host.replace(/^www\./, '')}${url.pathname.replace(/\/+$/, '')}`.toLowerCase()
  return `name:${name}|${where}`
}

/** Owners and editors moderate every comment; authors only the comments on their own reviews. */
export function canModerateComment(user: { id: number; role: Role }, reviewAuthorId: number | null): boolean {
  return user.role === 'owner' || user.role === 'editor' || (reviewAuthorId !== null && reviewAuthorId === user.id)
}

function stampSignature(issuedAt: number, secret: string): string {
  return createHmac('sha256', secret).update(`dramalog-comment-form:${issuedAt}`).digest('base64url').slice(0, 32)
}

/** The signed time a form was served: `issuedAtMs.signature`. */
export function signFormStamp(issuedAt: Date, secret: string): string {
  const t = issuedAt.getTime()
  return `${t}.${stampSignature(t, secret)}`
}

export type StampCheck = { ok: true } | { ok: false; reason: 'invalid' | 'too_fast' | 'stale' }

/** Checks a form's stamp at `now`: genuine, at least `minFillMs` old and at most `maxFormAgeMs`. */
export function checkFormStamp(stamp: string | undefined, secret: string, now: Date): StampCheck {
  const m = /^(\d{1,15})\.([\w-]{32})$/.exec(stamp ?? '')
  if (!m) return { ok: false, reason: 'invalid' }
  const issuedAt = Number(m[1])
  const expected = stampSignature(issuedAt, secret)
  // Both are 32 base64url characters; a plain comparison leaks nothing useful about an HMAC of a public value.
  if (expected !== m[2]) return { ok: false, reason: 'invalid' }
  const age = now.getTime() - issuedAt
  if (age < COMMENT_RULES.minFillMs) return { ok: false, reason: 'too_fast' }
  if (age > COMMENT_RULES.maxFormAgeMs) return { ok: false, reason: 'stale' }
  return { ok: true }
}

/**
 * Seconds until an address may comment again, given when its recent comments were sent (ISO
 * times); 0 when it may comment now.
 */
export function rateLimitWait(recent: readonly string[], now: Date): number {
  const windowStart = now.getTime() - COMMENT_RULES.rateWindowMs
  const inWindow = recent.map((t) => Date.parse(t)).filter((t) => t > windowStart).sort((a, b) => a - b)
  if (inWindow.length < COMMENT_RULES.ratePerWindow) return 0
  // The oldest post that keeps the count at the limit has to leave the window first.
  const leaving = inWindow[inWindow.length - COMMENT_RULES.ratePerWindow]!
  return Math.max(1, Math.ceil((leaving + COMMENT_RULES.rateWindowMs - now.getTime()) / 1000))
}

/** One approved comment as readers see it (no email, ever), with its approved replies. */
export type PublicComment = {
  id: number
  name: string
  website: string | null
  body: string
  createdAt: string
  /** Written by the site's people from the moderation page. */
  byAuthor: boolean
  replies: PublicComment[]
}

/** The approved comments of a review: top-level ones oldest first, each with its replies; `count` counts both. */
export type ReviewComments = { items: PublicComment[]; count: number }

/** One comment in the moderation queue, with what a moderator needs to decide. */
export type ModerationComment = {
  id: number
  status: CommentStatus
  name: string
  email: string | null
  website: string | null
  body: string
  createdAt: string
  byAuthor: boolean
  parentId: number | null
  parentName: string | null
  review: { id: number; slug: string; title: string; authorId: number | null }
  /** Whether "approve and trust" can remember this person (an email, or a name with a website). */
  trustable: boolean
}

/** One page of the moderation queue in one state, with the count of every state. */
export type ModerationQueue = {
  status: CommentStatus
  items: ModerationComment[]
  counts: Record<CommentStatus, number>
  page: number
  pageCount: number
}

/** What the public form shows: the stamp to send back, what was typed, and what went wrong or right. */
export type CommentFormState = {
  stamp: string
  values?: CommentFormValues
  /** The comment a refused reply was meant for; its reply form opens with the values and errors. */
  parentId?: number | null
  errors?: CommentFieldErrors
  notice?: string | null
}

/** "3 comments", "1 comment", "No comments yet". */
export function commentCountLabel(n: number): string {
  return n === 0 ? 'No comments yet' : `${n} comment${n === 1 ? '' : 's'}`
}
