import type { ReviewDocument } from '../domain/review.ts'
import { reviewSlugBase, uniqueSlug } from '../domain/slug.ts'
import type { Tx } from '../store/db.ts'
import { findIdentityBySlug } from '../store/reviews.ts'

/** Finds the slug a document gets, and the review it updates if it is already on the site. */
export async function resolveSlug(trx: Tx, doc: ReviewDocument, reserved: ReadonlySet<string>): Promise<{ slug: string; existingId: number | null }> {
  if (doc.slug) {
    const found = await findIdentityBySlug(trx, doc.slug)
    return { slug: doc.slug, existingId: found?.id ?? null }
  }
  // Walk the candidates `uniqueSlug` offers; stop at this same review or at a free slug. Reviews saved
  // earlier in this import are visible here too, so a duplicate in one batch resolves to the same slug.
  const base = reviewSlugBase(doc.title, doc.season)
  const tried = new Set<string>()
  for (;;) {
    const slug = uniqueSlug(base, (s) => tried.has(s) || reserved.has(s), doc.year)
    tried.add(slug)
    const found = await findIdentityBySlug(trx, slug)
    if (!found) return { slug, existingId: null }
    // A review imported from another source is another review, even under the same title.
    const otherSource = found.source_id !== null && doc.source !== null && found.source_id !== doc.source.id
    if (!otherSource && found.title.toLowerCase() === doc.title.toLowerCase() && found.season === doc.season && found.year === doc.year) {
      return { slug, existingId: found.id }
    }
  }
}

