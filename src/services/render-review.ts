import type { PosterImage, RenderedReview } from '../domain/records.ts'
import type { ReviewDocument } from '../domain/review.ts'
import { RENDER_VERSION, renderMarkdown } from '../formats/markdown-html.ts'

/** Renders a document's Markdown once, at save time, so page views assemble stored HTML. */
export function renderReview(doc: ReviewDocument & { slug: string }, posterImage: PosterImage | null): RenderedReview {
  return {
    doc,
    introHtml: renderMarkdown(doc.intro),
    sectionHtml: doc.sections.map((s) => renderMarkdown(s.body)),
    renderVersion: RENDER_VERSION,
    posterImage,
  }
}
