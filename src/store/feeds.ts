import type { Conn } from './db.ts'

/** What narrows a feed: reviews with one tag (by slug) or from one country (ISO alpha-2, upper case). */
export type FeedFilter = { tagSlug?: string; originCode?: string }

/**
 * Ids of the newest published reviews, in home page order (review date, then id), optionally
 * only those with a tag or from a country. Drafts, scheduled and unpublished reviews never match.
 */
export async function listFeedReviewIds(db: Conn, filter: FeedFilter, limit: number): Promise<number[]> {
  let q = db
    .selectFrom('reviews')
    .select('reviews.id')
    .where('reviews.status', '=', 'published')
    .orderBy('reviews.sort_date', 'desc')
    .orderBy('reviews.id', 'desc')
    .limit(limit)
  if (filter.originCode !== undefined) q = q.where('reviews.origin_code', '=', filter.originCode)
  if (filter.tagSlug !== undefined) {
    // The tag's reviews first, then the newest of them: a rare tag does not walk every review.
    q = q.where(
      'reviews.id',
      'in',
      db.selectFrom('review_tags').innerJoin('tags', 'tags.id', 'review_tags.tag_id').select('review_tags.review_id').where('tags.slug', '=', filter.tagSlug),
    )
  }
  return (await q.execute()).map((r) => r.id)
}

/** A tag's display name by its slug. */
export async function findTagNameBySlug(db: Conn, slug: string): Promise<string | undefined> {
  const row = await db.selectFrom('tags').select('name').where('slug', '=', slug).executeTakeFirst()
  return row?.name
}

/** Slug and last change of every published review, newest first: the review part of the sitemap. */
export async function listPublishedForSitemap(db: Conn): Promise<{ slug: string; updatedAt: string }[]> {
  const rows = await db
    .selectFrom('reviews')
    .select(['slug', 'updated_at'])
    .where('status', '=', 'published')
    .orderBy('sort_date', 'desc')
    .orderBy('id', 'desc')
    .execute()
  return rows.map((r) => ({ slug: r.slug, updatedAt: r.updated_at }))
}

/** When the diary last changed, or null when it has no entries. */
export async function latestDiaryChange(db: Conn): Promise<string | null> {
  const row = await db
    .selectFrom('diary_entries')
    .select((eb) => eb.fn.max('updated_at').as('latest'))
    .executeTakeFirst()
  return row?.latest ?? null
}
