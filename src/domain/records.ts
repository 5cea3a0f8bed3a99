import type { ReviewDocument } from './review.ts'

/** Pixel size and placeholder colour of a stored poster image. */
export type PosterImage = { width: number; height: number; color: string | null }

/** A stored review: its document plus what the store keeps beside it (rendered HTML, poster size). */
export type ReviewRecord = {
  id: number
  revision: number
  /** The account that owns the review (authors may edit only their own); null for imports. */
  authorId: number | null
  createdAt: string
  updatedAt: string
  doc: ReviewDocument & { slug: string }
  originCode: string | null
  introHtml: string
  sectionHtml: string[]
  posterImage: PosterImage | null
  /** URL slugs of `doc.tags`, index for index (`/tag/:slug`); absent on records not read from the store. */
  tagSlugs?: string[]
  /** URL slugs of `doc.people`, index for index (`/people/:slug`); absent on records not read from the store. */
  peopleSlugs?: string[]
}

/** What list pages show of a review. */
export type ReviewSummary = {
  slug: string
  title: string
  nativeTitle: string | null
  year: number | null
  origin: string | null
  originCode: string | null
  season: number | null
  platform: string | null
  firstWatch: boolean | null
  reviewedOn: string | null
  meter: { value: number; max: number } | null
  hook: string | null
  headline: string | null
  /** The review's language when it says one (BCP 47). */
  language: string | null
  poster: { src: string; alt: string | null; image: PosterImage | null } | null
}

/** One page of a list, with what pagination needs. */
export type Page<T> = { items: T[]; total: number; page: number; perPage: number; pageCount: number }

/** Page `page` of a list of `total` items, `perPage` a page, holding `items`: at least one page, even of nothing. */
export function toPage<T>(items: T[], total: number, page: number, perPage: number): Page<T> {
  return { items, total, page, perPage, pageCount: Math.max(1, Math.ceil(total / perPage)) }
}

/** What saving a review needs beside the document: Markdown rendered once, at save time. */
export type RenderedReview = {
  doc: ReviewDocument & { slug: string }
  introHtml: string
  sectionHtml: string[]
  renderVersion: number
  posterImage: PosterImage | null
}
