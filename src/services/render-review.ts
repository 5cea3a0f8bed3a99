import type { PosterImage, RenderedReview } from '../domain/records.ts'
import type { ReviewDocument } from '../domain/review.ts'
import { RENDER_VERSION, renderMarkdown } from '../formats/markdown-html.ts'

/** The HTML of a document's Markdown, which does not depend on its slug or poster. */
export type ReviewHtml = Pick<RenderedReview, 'introHtml' | 'sectionHtml' | 'renderVersion'>

/** Renders the intro and every section of a document. */
export function renderReviewHtml(doc: Pick<ReviewDocument, 'intro' | 'sections'>): ReviewHtml {
  return { introHtml: renderMarkdown(doc.intro), sectionHtml: doc.sections.map((s) => renderMarkdown(s.body)), renderVersion: RENDER_VERSION }
}

/** Renders a document's Markdown once, at save time, so page views assemble stored HTML. */
export function renderReview(doc: ReviewDocument & { slug: string }, posterImage: PosterImage | null, html: ReviewHtml = renderReviewHtml(doc)): RenderedReview {
  return { doc, ...html, posterImage }
}
