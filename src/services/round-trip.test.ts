import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { lineText, markdownText, reviewDocument } from '../../test/arbitraries.ts'
import { tempDataDir } from '../../test/helpers/server.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import { COUNTRIES } from '../domain/countries.ts'
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

// Lists over a few fixed reviews: any title, description (paragraphs, blank lines, CRLF), flags,
// and entries that link one of the reviews or only name a show, with any note.
const REVIEWS = ['Paper Lanterns', 'The Quiet Ward', '雪国の灯']
const listEntry = fc.record({
  review: fc.option(fc.integer({ min: 0, max: REVIEWS.length - 1 }), { nil: null }),
  title: lineText(120),
  year: fc.option(fc.integer({ min: 1900, max: 2100 }), { nil: null }),
  origin: fc.option(fc.constantFrom(...COUNTRIES.map((c) => c.name)), { nil: null }),
  note: fc.option(markdownText.filter((t) => t.length <= 2000), { nil: null }),
})
const listInput = fc.record({
  title: lineText(120),
  description: markdownText.filter((t) => t.length <= 5000),
  ranked: fc.boolean(),
  status: fc.constantFrom('draft', 'published'),
  publishedAt: fc.option(fc.constantFrom('2024-12-30T00:00:00.000Z', '2025-06-01T12:30:00.000Z'), { nil: null }),
  entries: fc.array(listEntry, { maxLength: 5 }),
})
const siteLists = fc.uniqueArray(listInput, { minLength: 1, maxLength: 3, selector: (l) => l.title.toLowerCase() })

describe('a site round trip with lists', () => {
  it('gives identical Markdown files and the same JSON after export and import into an empty site', async () => {
    await fc.assert(
      fc.asyncProperty(siteLists, async (lists) => {
        const dirs = [tempDataDir(), tempDataDir(), tempDataDir()]
        const [a, b, work] = dirs.map((d) => d.dir) as [string, string, string]
        const siteA = await openTestSite(a)
        const siteB = await openTestSite(b)
        try {
          const reviews = REVIEWS.map((title, i) => ({ title, slug: `review-${i}`, year: 2020 + i, status: 'published', intro: 'Intro.', sections: [] }))
          const docs = lists.map((l, i) => ({
            kind: 'list', slug: `list-${i}`, ...l,
            entries: l.entries.map((e) => ({ ...e, review: e.review === null ? null : `review-${e.review}` })),
          }))
          const input = join(work, 'in.json')
          writeFileSync(input, JSON.stringify([...reviews, ...docs]))
          expect((await importFiles(siteA, [input])).lists).toEqual({ created: lists.length, updated: 0 })
          await exportMarkdown(siteA, join(work, 'first'))
          await importFiles(siteB, [join(work, 'first')])
          await exportMarkdown(siteB, join(work, 'second'))
          expect(filesOf(join(work, 'second'))).toEqual(filesOf(join(work, 'first')))
          const bySlug = async (s: typeof siteA) => (JSON.parse(await exportJson(s)) as { slug: string }[]).sort((x, y) => x.slug.localeCompare(y.slug))
          const exported = await bySlug(siteA)
          expect(await bySlug(siteB)).toEqual(exported)
          // What went in comes out (line ends as LF; a published list without a date gets the import's).
          const listsOut = exported.filter((d) => (d as { kind?: string }).kind === 'list') as unknown as typeof docs
          expect(listsOut.map((l) => ({ ...l, publishedAt: null }))).toEqual(
            docs.map((d) => ({
              ...d, publishedAt: null, description: d.description.replace(/\r\n?/g, '\n'),
              entries: d.entries.map((e) => ({ ...e, note: e.note?.trim() ? e.note.replace(/\r\n?/g, '\n') : null })),
            })).map(({ kind, slug, title, description, ranked, status, publishedAt, entries }) => ({ kind, slug, title, description, ranked, status, publishedAt, entries })),
          )
        } finally {
          await siteA.close()
          await siteB.close()
          for (const d of dirs) d.remove()
        }
      }),
      { numRuns: 12, endOnFailure: true },
    )
  })
})
