import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { DramalogError, NotFoundError } from '../domain/errors.ts'
import type { Page, PosterImage, ReviewRecord } from '../domain/records.ts'
import type { ReviewDocument } from '../domain/review.ts'
import { reviewSlugBase } from '../domain/slug.ts'
import { canEditReview, type SessionUser } from '../domain/user.ts'
import { POSTER_FORMATS, POSTER_WIDTHS, posterKey, posterVariantPath } from '../domain/media-paths.ts'
import { storeUploadedPoster } from '../media/upload.ts'
import { type AdminReviewRow, findIdentityBySlug, findReviewById, listReviewsForAdmin, publishDue, saveReview, StaleRevisionError } from '../store/reviews.ts'
import { tryTransactionLock } from '../store/dialect.ts'
import { bumpContentVersion } from '../store/settings.ts'
import { queueReviewForFollowers } from './fediverse-delivery.ts'
import { queueReviewForSubscribers } from './newsletter-delivery.ts'
import { renderReview } from './render-review.ts'
import { resolveSlug } from './slugs.ts'
import type { Site } from './site.ts'

/** Thrown when a save started from an older revision than the stored one; carries the newer version. */
export class ConflictError extends DramalogError {
  override name = 'ConflictError' as const
  constructor(readonly current: ReviewRecord) {
    super('conflict', `"${current.doc.title}" was saved by someone else since you opened it (now revision ${current.revision})`)
  }
}

/** Loads a review for the editor, checking the user may edit it. */
/** Reviews on a page of the admin's list. */
export const DASHBOARD_PER_PAGE = 50

/**
 * One page of the reviews the user may edit (an author's own, everyone's for editors and the
 * owner), most recently changed first; a page past the last is `NotFoundError`.
 */
export async function listEditableReviews(site: Site, user: SessionUser, page: number): Promise<Page<AdminReviewRow>> {
  const list = await listReviewsForAdmin(site.db, page, DASHBOARD_PER_PAGE, user.role === 'author' ? user.id : undefined)
  if (page > list.pageCount) throw new NotFoundError('page', String(page))
  return list
}

export async function loadForEditing(site: Site, user: SessionUser, id: number): Promise<ReviewRecord> {
  const record = await findReviewById(site.db, id)
  if (!record) throw new NotFoundError('review', String(id))
  if (!canEditReview(user, record)) throw new DramalogError('forbidden', 'You can edit only your own reviews.')
  return record
}

export type EditorSave = {
  /** null for a new review. */
  id: number | null
  /** The revision the editor loaded; the save is refused if the review moved on since. */
  baseRevision: number | null
  doc: ReviewDocument
  poster?: { bytes: Uint8Array; name: string } | null
}

/**
 * Saves a review from the editor in one transaction: permission, revision check, slug, rendered
 * Markdown, the new revision. A published review without a date gets the time of this save.
 */
export async function saveFromEditor(site: Site, user: SessionUser, input: EditorSave, now = new Date()): Promise<{ id: number; slug: string; revision: number }> {
  let doc = input.doc
  let uploaded: { src: string; image: PosterImage } | null = null
  if (input.poster && input.poster.bytes.length > 0) {
    uploaded = await storeUploadedPoster(site.mediaDir, reviewSlugBase(doc.title, doc.season), input.poster.bytes, input.poster.name)
    doc = { ...doc, poster: { src: uploaded.src, credit: doc.poster?.credit ?? null, alt: doc.poster?.alt ?? null } }
  }
  if (doc.status === 'published' && !doc.publishedAt) doc = { ...doc, publishedAt: now.toISOString() }
  if (!doc.author) doc = { ...doc, author: user.displayName }
  try {
    return await site.db.transaction().execute(async (trx) => {
      let existing: ReviewRecord | undefined
      if (input.id !== null) {
        existing = await findReviewById(trx, input.id)
        if (!existing) throw new NotFoundError('review', String(input.id))
        if (!canEditReview(user, existing)) throw new DramalogError('forbidden', 'You can edit only your own reviews.')
        if (input.baseRevision !== existing.revision) throw new ConflictError(existing)
      }
      let slug: string
      if (existing && (!doc.slug || doc.slug === existing.doc.slug)) slug = existing.doc.slug
      else if (doc.slug) {
        const taken = await findIdentityBySlug(trx, doc.slug)
        if (taken && taken.id !== existing?.id) throw new DramalogError('invalid_input', `the address /reviews/${doc.slug} is taken by "${taken.title}"`)
        slug = doc.slug
      } else slug = (await resolveSlug(trx, doc, new Set())).slug
      // A derived slug may match an existing review with the same title; a new review never takes it over.
      if (!existing && (await findIdentityBySlug(trx, slug))) slug = (await resolveSlug(trx, { ...doc, year: null, title: `${doc.title} ${now.getTime()}` }, new Set())).slug
      const posterImage = uploaded?.image ?? (existing && existing.doc.poster?.src === doc.poster?.src ? existing.posterImage : null)
      try {
        const saved = await saveReview(trx, renderReview({ ...doc, slug }, posterImage), existing?.id ?? null, now.toISOString(), {
          expectedRevision: existing?.revision, authorId: user.id, savedBy: user.id,
        })
        await bumpContentVersion(trx)
        // Followers on the fediverse and newsletter subscribers get a review when it goes live, once.
        if (doc.status === 'published' && existing?.doc.status !== 'published') {
          await queueReviewForFollowers(trx, saved.id, now)
          await queueReviewForSubscribers(site, trx, saved.id, now)
        }
        return { id: saved.id, slug, revision: saved.revision }
      } catch (err) {
        if (err instanceof StaleRevisionError && existing) throw new ConflictError((await findReviewById(trx, existing.id)) ?? existing)
        throw err
      }
    })
  } catch (err) {
    if (uploaded) await removePosterFiles(site, uploaded.src)
    throw err
  }
}

/** Deletes the files of a poster that never made it into a saved review. */
async function removePosterFiles(site: Site, src: string): Promise<void> {
  const key = posterKey(src)
  if (!key) return
  for (const w of POSTER_WIDTHS) {
    for (const f of POSTER_FORMATS) await rm(join(site.mediaDir, posterVariantPath(key, w, f).slice('/media/'.length)), { force: true })
  }
}

/** Restores an old revision as a new save (history keeps everything). */
export async function restoreRevision(site: Site, user: SessionUser, id: number, doc: ReviewDocument, baseRevision: number, now = new Date()) {
  return saveFromEditor(site, user, { id, baseRevision, doc }, now)
}

/**
 * Publishes scheduled reviews whose time has come; returns their slugs. Every app server runs this
 * on a timer; on PostgreSQL the first to take the lock does the work and the others skip this
 * round (the update itself would not publish a review twice either: it picks rows still scheduled).
 */
export async function publishScheduled(site: Site, now = new Date()): Promise<string[]> {
  return site.db.transaction().execute(async (trx) => {
    if (!(await tryTransactionLock(trx, 'publish-scheduled'))) return []
    const slugs = await publishDue(trx, now.toISOString())
    if (slugs.length) await bumpContentVersion(trx)
    for (const slug of slugs) {
      const published = await findIdentityBySlug(trx, slug)
      if (!published) continue
      await queueReviewForFollowers(trx, published.id, now)
      await queueReviewForSubscribers(site, trx, published.id, now)
    }
    return slugs
  })
}
