import type { Selectable } from 'kysely'
import type { CommentStatus, ModerationComment, PublicComment, ReviewComments } from '../domain/comments.ts'
import { insertRow, type Conn, type Tx } from './db.ts'
import type { CommentsTable } from './schema.ts'

/** What inserting a comment sets; the id is the database's. */
export type NewComment = {
  reviewId: number
  parentId: number | null
  status: CommentStatus
  name: string
  email: string | null
  website: string | null
  body: string
  trustKey: string | null
  byAuthor: boolean
  userId: number | null
  ipHash: string | null
  now: string
  /** The comment's id on the site it was imported from. */
  sourceId?: string | null
}

/** A stored comment with the review it belongs to, as services check it before changing it. */
export type CommentRef = {
  id: number
  reviewId: number
  reviewAuthorId: number | null
  reviewStatus: string
  parentId: number | null
  status: CommentStatus
  trustKey: string | null
}

export async function insertComment(trx: Tx, c: NewComment): Promise<number> {
  return insertRow(trx, 'comments', {
    review_id: c.reviewId, parent_id: c.parentId, status: c.status, author_name: c.name, author_email: c.email,
    author_url: c.website, body: c.body, trust_key: c.trustKey, by_author: c.byAuthor ? 1 : 0, user_id: c.userId,
    ip_hash: c.ipHash, created_at: c.now, moderated_at: c.byAuthor ? c.now : null, moderated_by: c.byAuthor ? c.userId : null,
    source_id: c.sourceId ?? null,
  })
}

/** The imported comments of a review by their source id (what a re-import matches them by). */
export async function listCommentSources(db: Conn, reviewId: number): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('comments')
    .select(['id', 'source_id'])
    .where('review_id', '=', reviewId)
    .where('source_id', 'is not', null)
    .execute()
  return new Map(rows.map((r) => [r.source_id!, r.id]))
}

/** Finds a comment with its review's owner and status. */
export async function findCommentRef(db: Conn, id: number): Promise<CommentRef | undefined> {
  const r = await db
    .selectFrom('comments')
    .innerJoin('reviews', 'reviews.id', 'comments.review_id')
    .select(['comments.id', 'comments.review_id', 'reviews.author_id', 'reviews.status as review_status', 'comments.parent_id', 'comments.status', 'comments.trust_key'])
    .where('comments.id', '=', id)
    .executeTakeFirst()
  return r && {
    id: r.id, reviewId: r.review_id, reviewAuthorId: r.author_id, reviewStatus: r.review_status, parentId: r.parent_id,
    status: r.status as CommentStatus, trustKey: r.trust_key,
  }
}

/** Sets a comment's status; returns false when it no longer exists. */
export async function setCommentStatus(trx: Tx, id: number, status: CommentStatus, by: number | null, now: string): Promise<boolean> {
  const r = await trx.updateTable('comments').set({ status, moderated_at: now, moderated_by: by }).where('id', '=', id).executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

/** Deletes a comment (and, through the foreign key, its replies). */
export async function deleteComment(trx: Tx, id: number): Promise<boolean> {
  const r = await trx.deleteFrom('comments').where('id', '=', id).executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

/** The approved comments of a review, oldest first, replies under their (approved) comment. */
export async function listApprovedComments(db: Conn, reviewId: number): Promise<ReviewComments> {
  return (await listApprovedCommentsOf(db, [reviewId])).get(reviewId)!
}

/** The approved comments of many reviews at once (the static build's), by review id; every id has an entry. */
export async function listApprovedCommentsOf(db: Conn, reviewIds: number[]): Promise<Map<number, ReviewComments>> {
  const out = new Map<number, ReviewComments>(reviewIds.map((id) => [id, { items: [], count: 0 }]))
  for (let i = 0; i < reviewIds.length; i += 500) {
    const rows = await db
      .selectFrom('comments')
      .select(['id', 'review_id', 'parent_id', 'author_name', 'author_url', 'body', 'created_at', 'by_author'])
      .where('review_id', 'in', reviewIds.slice(i, i + 500))
      .where('status', '=', 'approved')
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    const toPublic = (r: (typeof rows)[number]): PublicComment => ({
      id: r.id, name: r.author_name, website: r.author_url, body: r.body, createdAt: r.created_at, byAuthor: r.by_author === 1, replies: [],
    })
    const top = new Map<number, PublicComment>()
    for (const r of rows) {
      if (r.parent_id !== null) continue
      const c = toPublic(r)
      top.set(r.id, c)
      const of = out.get(r.review_id)!
      of.items.push(c)
      of.count++
    }
    for (const r of rows) {
      if (r.parent_id === null) continue
      // A reply under a comment that is not (or no longer) approved stays hidden with it.
      const parent = top.get(r.parent_id)
      if (!parent) continue
      parent.replies.push(toPublic(r))
      out.get(r.review_id)!.count++
    }
  }
  return out
}

/** Limits a query to the reviews a moderator may see: everything, or one author's own. */
type Scope = { authorId: number | null }

/** How many comments wait in each state, within a moderator's scope. */
export async function countCommentsByStatus(db: Conn, scope: Scope): Promise<Record<CommentStatus, number>> {
  let q = db
    .selectFrom('comments')
    .innerJoin('reviews', 'reviews.id', 'comments.review_id')
    .select(['comments.status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('comments.status')
  if (scope.authorId !== null) q = q.where('reviews.author_id', '=', scope.authorId)
  const counts: Record<CommentStatus, number> = { pending: 0, approved: 0, spam: 0 }
  for (const r of await q.execute()) if (r.status in counts) counts[r.status as CommentStatus] = Number(r.n)
  return counts
}

type ModerationRow = Selectable<CommentsTable> & { slug: string; title: string; author_id: number | null; parent_name: string | null }

/** One page of comments in a state, newest first, within a moderator's scope. */
export async function listCommentsForModeration(db: Conn, status: CommentStatus, scope: Scope, page: number, perPage: number): Promise<ModerationComment[]> {
  let q = db
    .selectFrom('comments')
    .innerJoin('reviews', 'reviews.id', 'comments.review_id')
    .leftJoin('comments as parent', 'parent.id', 'comments.parent_id')
    .selectAll('comments')
    .select(['reviews.slug', 'reviews.title', 'reviews.author_id', 'parent.author_name as parent_name'])
    .where('comments.status', '=', status)
    .orderBy('comments.created_at', 'desc')
    .orderBy('comments.id', 'desc')
    .limit(perPage)
    .offset((page - 1) * perPage)
  if (scope.authorId !== null) q = q.where('reviews.author_id', '=', scope.authorId)
  return ((await q.execute()) as ModerationRow[]).map((r) => ({
    id: r.id,
    status: r.status as CommentStatus,
    name: r.author_name,
    email: r.author_email,
    website: r.author_url,
    body: r.body,
    createdAt: r.created_at,
    byAuthor: r.by_author === 1,
    parentId: r.parent_id,
    parentName: r.parent_name,
    review: { id: r.review_id, slug: r.slug, title: r.title, authorId: r.author_id },
    trustable: r.trust_key !== null,
  }))
}

export async function isTrusted(db: Conn, key: string): Promise<boolean> {
  return (await db.selectFrom('comment_trust').select('key').where('key', '=', key).executeTakeFirst()) !== undefined
}

export async function addTrust(trx: Tx, key: string, by: number | null, now: string): Promise<void> {
  await trx.insertInto('comment_trust').values({ key, created_at: now, created_by: by }).onConflict((oc) => oc.column('key').doNothing()).execute()
}

/** When an address sent its comments since `since` (ISO time). */
export async function listRecentPosts(db: Conn, ipHash: string, since: string): Promise<string[]> {
  const rows = await db
    .selectFrom('comment_posts')
    .select('posted_at')
    .where('ip_hash', '=', ipHash)
    .where('posted_at', '>', since)
    .execute()
  return rows.map((r) => r.posted_at)
}

/** Remembers a post for the rate limit and forgets posts older than `forgetBefore`. */
export async function recordPost(trx: Tx, ipHash: string, now: string, forgetBefore: string): Promise<void> {
  await trx.deleteFrom('comment_posts').where('posted_at', '<', forgetBefore).execute()
  await trx.insertInto('comment_posts').values({ ip_hash: ipHash, posted_at: now }).execute()
}

/** A named secret of the site, created with `make()` by whichever process asks first. */
export async function getOrCreateSecret(db: Conn, key: string, make: () => string): Promise<string> {
  // Insert-or-ignore, then read: two processes racing both end up with the one value that won.
  await db.insertInto('settings').values({ key, value: make() }).onConflict((oc) => oc.column('key').doNothing()).execute()
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow()
  return row.value
}

/** A comment with this exact text sent from the same address to the same review since `since` (a double submit). */
export async function findRecentDuplicate(db: Conn, reviewId: number, body: string, ipHash: string, since: string) {
  return db
    .selectFrom('comments')
    .select(['id', 'status'])
    .where('review_id', '=', reviewId)
    .where('ip_hash', '=', ipHash)
    .where('body', '=', body)
    .where('created_at', '>', since)
    .executeTakeFirst()
}

/** The review a comment is sent to, by slug: its id, status and owner. */
export async function findReviewForComments(db: Conn, slug: string) {
  return db.selectFrom('reviews').select(['id', 'status', 'author_id']).where('slug', '=', slug).executeTakeFirst()
}

/**
 * A stamp of each review's approved comments, by review id (reviews without any are absent): it
 * changes whenever a comment is approved, hidden or deleted, so the static build knows the page did.
 */
export async function listCommentStamps(db: Conn): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom('comments')
    .select([
      'review_id',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.sum<number>('id').as('ids'),
      (eb) => eb.fn.max(eb.fn.coalesce('moderated_at', 'created_at')).as('latest'),
    ])
    .where('status', '=', 'approved')
    .groupBy('review_id')
    .execute()
  return new Map(rows.map((r) => [r.review_id, `${r.n}:${r.ids}:${r.latest}`]))
}
