import type { ReviewComments } from '../domain/comments.ts'
import { NotFoundError } from '../domain/errors.ts'
import type { Page, ReviewRecord, ReviewSummary } from '../domain/records.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { listApprovedComments, listApprovedCommentsOf } from '../store/comments.ts'
import { findReviewBySlug, findReviewRows, listPublishedReviews, loadRecords } from '../store/reviews.ts'
import { getSiteSettings } from '../store/settings.ts'
import type { Site } from './site.ts'

export type HomePageData = { settings: SiteSettings; list: Page<ReviewSummary> }
export type ReviewPageData = { settings: SiteSettings; record: ReviewRecord; comments: ReviewComments }

/** Data for the home page: published reviews, newest first; pages past the last are not found. */
export async function loadHomePage(site: Site, page: number): Promise<HomePageData> {
  const settings = await getSiteSettings(site.db)
  const list = await listPublishedReviews(site.db, page, settings.perPage)
  if (page > list.pageCount) throw new NotFoundError('page', String(page))
  return { settings, list }
}

/** Data for one review page with its approved comments; drafts and unpublished reviews are not found by readers. */
export async function loadReviewPage(site: Site, slug: string): Promise<ReviewPageData> {
  const [settings, record] = await Promise.all([getSiteSettings(site.db), findReviewBySlug(site.db, slug)])
  if (!record || record.doc.status !== 'published') throw new NotFoundError('review', slug)
  return { settings, record, comments: await listApprovedComments(site.db, record.id) }
}

/**
 * Data for many review pages at once (the static build's), by review id: what `loadReviewPage`
 * gives for each, read in batches. Reviews not published (any more) are left out.
 */
export async function loadReviewPages(site: Site, ids: number[]): Promise<Map<number, ReviewPageData>> {
  const settings = await getSiteSettings(site.db)
  const records = (await loadRecords(site.db, await findReviewRows(site.db, ids))).filter((r) => r.doc.status === 'published')
  const comments = await listApprovedCommentsOf(site.db, records.map((r) => r.id))
  return new Map(records.map((record) => [record.id, { settings, record, comments: comments.get(record.id)! }]))
}
