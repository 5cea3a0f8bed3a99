import { fileURLToPath } from 'node:url'
import { reviewSlugBase } from '../domain/slug.ts'
import { generatePoster } from '../media/posters.ts'
import { collectFiles, importInputs, type ImportResult } from './import-files.ts'
import { reviewFileInput } from './import-readers.ts'
import type { Site } from './site.ts'

/** The demo reviews shipped with Dramalog, in the pasted blog format. */
export const DEMO_DIR = fileURLToPath(new URL('../../demo/reviews/', import.meta.url))

function hash(text: string): number {
  let h = 2166136261
  for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619)
  return h >>> 0
}

/**
 * Loads the demo reviews through the same reader and import as `import`, with a generated poster
 * for each. Loading twice updates the same reviews instead of adding copies.
 */
export async function loadDemo(site: Site, onProgress?: (done: number, total: number, label: string) => void): Promise<ImportResult> {
  const { files } = await collectFiles([DEMO_DIR], ['.txt'])
  const inputs = files.map((file) =>
    reviewFileInput(file, async (doc) => {
      const art = await generatePoster({
        title: doc.title,
        subtitle: [doc.origin, doc.year].filter(Boolean).join(' · '),
        seed: hash(reviewSlugBase(doc.title, doc.season)),
      })
      return { kind: 'bytes', data: art, name: `${reviewSlugBase(doc.title, doc.season)}.png` }
    }),
  )
  return importInputs(site, inputs, { onProgress })
}
