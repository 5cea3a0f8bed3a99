import { fileURLToPath } from 'node:url'
import { InvalidInputError } from '../domain/errors.ts'
import type { PosterImage } from '../domain/records.ts'
import { reviewSlugBase } from '../domain/slug.ts'
import { generatePoster, storePoster } from '../media/posters.ts'
import { getSiteSettings } from '../store/settings.ts'
import { readFiles, saveDocuments, type ImportResult, type SourcedDocument } from './import-files.ts'
import type { Site } from './site.ts'

/** The demo reviews shipped with Dramalog, in the pasted blog format. */
export const DEMO_DIR = fileURLToPath(new URL('../../demo/reviews/', import.meta.url))

function hash(text: string): number {
  let h = 2166136261
  for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619)
  return h >>> 0
}

/**
 * Loads the demo reviews through the same reader as `import`, with a generated poster for each.
 * Loading twice updates the same reviews instead of adding copies.
 */
export async function loadDemo(site: Site, onProgress?: (done: number, total: number, label: string) => void): Promise<ImportResult> {
  const settings = await getSiteSettings(site.db)
  const { files, docs, issues } = await readFiles([DEMO_DIR], settings)
  if (issues.length) throw new InvalidInputError(issues)
  const posterImages = new Map<SourcedDocument, PosterImage>()
  for (const [i, item] of docs.entries()) {
    const { doc } = item
    const key = reviewSlugBase(doc.title, doc.season)
    const art = await generatePoster({
      title: doc.title,
      subtitle: [doc.origin, doc.year].filter(Boolean).join(' · '),
      seed: hash(key),
    })
    const { src, image } = await storePoster(site.mediaDir, key, art)
    item.doc = { ...doc, poster: { src, credit: doc.poster?.credit ?? null, alt: `Poster for ${doc.title}` } }
    posterImages.set(item, image)
    onProgress?.(i + 1, docs.length, doc.title)
  }
  return saveDocuments(site, docs, { files: files.length, posterImages })
}
