import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { reviewDocument } from '../../test/arbitraries.ts'
import { tempDataDir } from '../../test/helpers/server.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import type { ReviewDocument } from '../domain/review.ts'
import { exportJson, exportMarkdown } from './export-reviews.ts'
import { importFiles } from './import-files.ts'

/** Every file under a folder, by relative path, with its bytes. */
function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else out[relative(dir, p)] = readFileSync(p, 'base64')
    }
  }
  walk(dir)
  return out
}

// A site keeps one spelling per tag and person (names match ignoring case), so documents of one
// site draw them from lists without case twins; everything else is as random as the arbitrary.
const TAGS = ['thriller', 'slow burn', 'Café Society', '로맨스', '時代劇', 'found family']
const PEOPLE = ['Yoon Seo-ha', 'Bae Tae-rim', 'Émile Arcand', '長谷川 凛', 'Noh Eun-gyeol']

const siteDocuments = fc
  .uniqueArray(
    fc.record({ doc: reviewDocument, tags: fc.subarray(TAGS), people: fc.subarray(PEOPLE) }).map(({ doc, tags, people }) => ({
      ...doc,
      tags,
      people: people.map((name, i) => ({ name, role: doc.people[i]?.role ?? null })),
    })),
    {
      minLength: 1,
      maxLength: 4,
      // One import holds distinct reviews: distinct slugs, titles and sources.
      selector: (d: ReviewDocument) => d.title.toLowerCase(),
    },
  )
  .filter((docs) => new Set(docs.map((d) => d.slug ?? d.title)).size === docs.length)
  .filter((docs) => new Set(docs.flatMap((d) => (d.source ? [d.source.id] : []))).size === docs.filter((d) => d.source).length)

describe('a site round trip', () => {
  it('gives identical Markdown files after export, import into an empty site and export again', async () => {
    await fc.assert(
      fc.asyncProperty(siteDocuments, async (docs) => {
        const dirs = [tempDataDir(), tempDataDir(), tempDataDir()]
        const [a, b, work] = dirs.map((d) => d.dir) as [string, string, string]
        const siteA = await openTestSite(a)
        const siteB = await openTestSite(b)
        try {
          const input = join(work, 'in.json')
          writeFileSync(input, JSON.stringify(docs))
          await importFiles(siteA, [input])
          await exportMarkdown(siteA, join(work, 'first'))
          await importFiles(siteB, [join(work, 'first')])
          await exportMarkdown(siteB, join(work, 'second'))
          expect(filesOf(join(work, 'second'))).toEqual(filesOf(join(work, 'first')))
          // Reviews without dates list in import order, which a folder import makes alphabetical.
          const bySlug = async (s: typeof siteA) => (JSON.parse(await exportJson(s)) as ReviewDocument[]).sort((x, y) => x.slug!.localeCompare(y.slug!))
          expect(await bySlug(siteB)).toEqual(await bySlug(siteA))
        } finally {
          await siteA.close()
          await siteB.close()
          for (const d of dirs) d.remove()
        }
      }),
      { numRuns: 15, endOnFailure: true },
    )
  })
})
