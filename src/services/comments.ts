import { createHmac, randomBytes } from 'node:crypto'
import {
  canModerateComment, checkFormStamp, COMMENT_LIMITS, COMMENT_RULES, CommentInput, countLinks, normalizeWebsite, parseCommentForm, rateLimitWait, signFormStamp, trustKey,
  type CommentFieldErrors, type CommentFormValues, type CommentStatus, type ModerationQueue,
} from '../domain/comments.ts'
import { DramalogError, NotFoundError } from '../domain/errors.ts'
import { translatorFor } from '../domain/i18n.ts'
import type { SessionUser } from '../domain/user.ts'
import type { Tx } from '../store/db.ts'
import {
  addTrust, countCommentsByStatus, deleteComment, findCommentRef, findRecentDuplicate, findReviewForComments, getOrCreateSecret, insertComment,
  isTrusted, listCommentSources, listCommentsForModeration, listRecentPosts, recordPost, setCommentStatus, type CommentRef,
} from '../store/comments.ts'
import { bumpContentVersion } from '../store/settings.ts'
import type { Site } from './site.ts'

/** The settings key of the secret that signs comment forms and hashes addresses. */
export const COMMENT_SECRET_KEY = 'comment_secret'

/** What readers are told when the form is refused, by reason. */
const EN = translatorFor('en').t

/** Why a comment was refused, in the words of the English catalogue; pages show them in the site's language. */
export const REFUSAL_MESSAGES = {
  honeypot: EN('form.comment.honeypot'),
  too_fast: EN('form.comment.tooFast'),
  stale: EN('form.comment.stale'),
  invalid_stamp: EN('form.comment.invalidStamp'),
  invalid: EN('form.comment.invalid'),
  too_many_links: EN('form.comment.tooManyLinks', { max: COMMENT_RULES.maxLinks }),
  rate_limited: EN('form.comment.rateLimited'),
  reply_refused: EN('form.comment.replyRefused'),
} as const
export type RefusalReason = keyof typeof REFUSAL_MESSAGES

/** Thrown by `postComment` when the form is refused; carries per-field messages and, for the rate limit, when to retry. */
export class CommentRefusedError extends DramalogError {
  override name = 'CommentRefusedError' as const
  constructor(readonly reason: RefusalReason, readonly errors: CommentFieldErrors, readonly retryAfterSeconds: number | null = null) {
    super(reason === 'rate_limited' ? 'forbidden' : 'invalid_input', errors.form ?? Object.values(errors)[0] ?? REFUSAL_MESSAGES[reason])
  }
}

const secrets = new WeakMap<object, string>()

/** The site's comment secret, created on first use and kept in the settings table so every server shares it. */
export async function commentSecret(site: Site): Promise<string> {
  const known = secrets.get(site.db)
  if (known) return known
  const secret = await getOrCreateSecret(site.db, COMMENT_SECRET_KEY, () => randomBytes(32).toString('base64url'))
  secrets.set(site.db, secret)
  return secret
}

/** A fresh signed timestamp for a comment form served at `now`. */
export async function issueFormStamp(site: Site, now = new Date()): Promise<string> {
  return signFormStamp(now, await commentSecret(site))
}

/** A client address as the rate limits keep it: keyed by the site's secret, never the address itself. */
export const hashAddress = (secret: string, ip: string) => createHmac('sha256', secret).update(`address:${ip}`).digest('base64url').slice(0, 22)

export type PostedComment = { id: number; status: CommentStatus }

/**
 * Takes a comment from the public form at `now`. The spam checks run first (honeypot, form age,
 * links, rate per address); then the comment waits for moderation, or is approved at once when its
 * writer is trusted. Throws `CommentRefusedError` for anything a person can fix, `NotFoundError`
 * when the review is not published.
 */
export async function postComment(site: Site, slug: string, values: CommentFormValues, from: { ip: string }, now = new Date()): Promise<PostedComment> {
  const review = await findReviewForComments(site.db, slug)
  if (!review || review.status !== 'published') throw new NotFoundError('review', slug)
  if (values.url?.trim()) throw new CommentRefusedError('honeypot', { form: REFUSAL_MESSAGES.honeypot })
  const secret = await commentSecret(site)
  const stamp = checkFormStamp(values.stamp, secret, now)
  if (!stamp.ok) {
    const reason = stamp.reason === 'invalid' ? 'invalid_stamp' : stamp.reason
    throw new CommentRefusedError(reason, { form: REFUSAL_MESSAGES[reason] })
  }
  const parsed = parseCommentForm(values)
  if (!parsed.ok) throw new CommentRefusedError('invalid', parsed.errors)
  const input = parsed.value
  if (countLinks(input.body) > COMMENT_RULES.maxLinks) {
    throw new CommentRefusedError('too_many_links', { body: REFUSAL_MESSAGES.too_many_links })
  }
  const ipHash = hashAddress(secret, from.ip)
  const iso = now.toISOString()
  const windowStart = new Date(now.getTime() - COMMENT_RULES.rateWindowMs).toISOString()
  return site.db.transaction().execute(async (trx) => {
    if (input.parentId !== null) {
      const parent = await findCommentRef(trx, input.parentId)
      if (!parent || parent.reviewId !== review.id || parent.status !== 'approved' || parent.parentId !== null) {
        throw new CommentRefusedError('reply_refused', { form: REFUSAL_MESSAGES.reply_refused })
      }
    }
    // A double click (or a resend) of the same text is the same comment, not a second one.
    const duplicate = await findRecentDuplicate(trx, review.id, input.body, ipHash, windowStart)
    if (duplicate) return { id: duplicate.id, status: duplicate.status as CommentStatus }
    const wait = rateLimitWait(await listRecentPosts(trx, ipHash, windowStart), now)
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60)
      const message = EN('form.comment.rateLimitedWait', { count: minutes })
      throw new CommentRefusedError('rate_limited', { form: message }, wait)
    }
    const key = trustKey(input)
    const status: CommentStatus = key !== null && (await isTrusted(trx, key)) ? 'approved' : 'pending'
    const id = await insertComment(trx, {
      reviewId: review.id, parentId: input.parentId, status, name: input.name, email: input.email, website: input.website, body: input.body,
      trustKey: key, byAuthor: false, userId: null, ipHash, now: iso,
    })
    await recordPost(trx, ipHash, iso, new Date(now.getTime() - COMMENT_RULES.maxFormAgeMs).toISOString())
    if (status === 'approved') await bumpContentVersion(trx)
    return { id, status }
  })
}

/** A reply from the fediverse as the inbox read it: plain text, and who wrote it. */
export type FediverseReply = { name: string; handle: string; website: string; body: string; sourceId: string }

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

/**
 * Takes a reply to a review from the fediverse as a comment: waiting for moderation unless its
 * writer is trusted, like any comment, with the account's name and profile address. The same
 * reply delivered again is the same comment. Null when the review is not published.
 */
export async function postFediverseReply(site: Site, slug: string, reply: FediverseReply, now = new Date()): Promise<PostedComment | null> {
  const review = await findReviewForComments(site.db, slug)
  if (!review || review.status !== 'published') return null
  const sourceId = `activitypub:${reply.sourceId}`
  // A display name is free text on the fediverse; the comment rules keep links out of names.
  const name = clip(/:\/\/|www\./i.test(reply.name) || !reply.name.trim() ? reply.handle : reply.name.trim(), COMMENT_LIMITS.name)
  const website = normalizeWebsite(reply.website)
  const body = clip(reply.body.trim() || '…', COMMENT_LIMITS.body)
  const iso = now.toISOString()
  return site.db.transaction().execute(async (trx) => {
    const known = (await listCommentSources(trx, review.id)).get(sourceId)
    if (known !== undefined) {
      const ref = await findCommentRef(trx, known)
      return { id: known, status: ref?.status ?? 'pending' }
    }
    const key = trustKey({ name, email: null, website })
    const status: CommentStatus = key !== null && (await isTrusted(trx, key)) ? 'approved' : 'pending'
    const id = await insertComment(trx, {
      reviewId: review.id, parentId: null, status, name, email: null, website, body, trustKey: key, byAuthor: false, userId: null, ipHash: null, now: iso,
      sourceId,
    })
    if (status === 'approved') await bumpContentVersion(trx)
    return { id, status }
  })
}

/** What a moderator may do with a comment. `trust` approves it and approves its writer's future comments at once. */
export const MODERATION_ACTIONS = ['approve', 'trust', 'spam', 'delete'] as const
export type ModerationAction = (typeof MODERATION_ACTIONS)[number]

/** Loads a comment and checks that `user` may moderate it. */
async function moderatable(trx: Tx, user: SessionUser, id: number): Promise<CommentRef> {
  const ref = await findCommentRef(trx, id)
  if (!ref) throw new NotFoundError('comment', String(id))
  if (!canModerateComment(user, ref.reviewAuthorId)) {
    throw new DramalogError('forbidden', 'You can moderate only the comments on your own reviews.')
  }
  return ref
}

/**
 * Approves, trusts, marks as spam or deletes a comment. Bumps the content version whenever what
 * readers see changes, so cached review pages update.
 */
export async function moderateComment(site: Site, user: SessionUser, id: number, action: ModerationAction, now = new Date()): Promise<void> {
  const iso = now.toISOString()
  await site.db.transaction().execute(async (trx) => {
    const ref = await moderatable(trx, user, id)
    const wasShown = ref.status === 'approved'
    let isShown = wasShown
    if (action === 'approve' || action === 'trust') {
      if (action === 'trust') {
        if (!ref.trustKey) throw new DramalogError('invalid_input', 'This comment has neither an email nor a website, so its writer cannot be recognised again.')
        await addTrust(trx, ref.trustKey, user.id, iso)
      }
      await setCommentStatus(trx, id, 'approved', user.id, iso)
      isShown = true
    } else if (action === 'spam') {
      await setCommentStatus(trx, id, 'spam', user.id, iso)
      isShown = false
    } else {
      await deleteComment(trx, id)
      isShown = false
    }
    if (wasShown !== isShown) await bumpContentVersion(trx)
  })
}

/**
 * Publishes a reply by a signed-in user under a top-level comment, approved at once and marked as
 * the site's; a comment still waiting is approved with it. Returns the reply's id.
 */
export async function replyAsAuthor(site: Site, user: SessionUser, parentId: number, text: string, now = new Date()): Promise<number> {
  const body = CommentInput.shape.body.safeParse(text)
  if (!body.success) throw new DramalogError('invalid_input', body.error.issues[0]?.message ?? 'Please write a reply.')
  const iso = now.toISOString()
  return site.db.transaction().execute(async (trx) => {
    const parent = await moderatable(trx, user, parentId)
    if (parent.parentId !== null) throw new DramalogError('invalid_input', REFUSAL_MESSAGES.reply_refused)
    if (parent.status === 'spam') throw new DramalogError('invalid_input', 'This comment is marked as spam; approve it before replying.')
    if (parent.status === 'pending') await setCommentStatus(trx, parent.id, 'approved', user.id, iso)
    const id = await insertComment(trx, {
      reviewId: parent.reviewId, parentId: parent.id, status: 'approved', name: user.displayName, email: null, website: null,
      body: body.data, trustKey: null, byAuthor: true, userId: user.id, ipHash: null, now: iso,
    })
    await bumpContentVersion(trx)
    return id
  })
}

/** Comments shown per page of the moderation queue. */
export const MODERATION_PER_PAGE = 50

// Authors see the comments on their own reviews; owners and editors see them all.
const scopeOf = (user: SessionUser) => ({ authorId: user.role === 'author' ? user.id : null })

/** One page of the moderation queue in a state (newest first), with the count of every state. */
export async function loadModerationQueue(site: Site, user: SessionUser, status: CommentStatus, page: number): Promise<ModerationQueue> {
  const scope = scopeOf(user)
  const counts = await countCommentsByStatus(site.db, scope)
  const pageCount = Math.max(1, Math.ceil(counts[status] / MODERATION_PER_PAGE))
  if (page > pageCount) throw new NotFoundError('page', String(page))
  const items = await listCommentsForModeration(site.db, status, scope, page, MODERATION_PER_PAGE)
  return { status, items, counts, page, pageCount }
}

/** How many comments wait for this user's decision (shown in the admin navigation). */
export async function countPendingComments(site: Site, user: SessionUser): Promise<number> {
  return (await countCommentsByStatus(site.db, scopeOf(user))).pending
}
