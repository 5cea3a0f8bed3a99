import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TRICKY_STRINGS } from '../../test/arbitraries.ts'
import { tempDataDir } from '../../test/helpers/server.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import type { Highlighted, SearchHit, SearchQuery } from '../domain/search.ts'
import { publishScheduled } from '../services/edit-review.ts'
import { importFiles } from '../services/import-files.ts'
import { loadDemo } from '../services/load-demo.ts'
import type { Site } from '../services/site.ts'
import * as migration from './migrations/0004-search.ts'
import { listAllReviewRecords } from './reviews.ts'
import { htmlToText, indexedDocument, indexedText, loadSource } from './search.ts'
import { searchIndexFor } from './search-index.ts'

// One real SQLite site with the demo reviews for the whole file: loading the demo renders posters,
// which takes a while. Tests that add reviews use words no demo review contains.
let data: ReturnType<typeof tempDataDir>
let site: Site

beforeAll(async () => {
  data = tempDataDir()
  site = await openTestSite(data.dir)
  await loadDemo(site)
})
afterAll(async () => {
  await site.close()
  data.remove()
})

const search = (text: string, more: Omit<SearchQuery, 'text'> = {}) => searchIndexFor(site.db).search(site.db, { text, perPage: 50, ...more })
const slugsFor = async (text: string, more: Omit<SearchQuery, 'text'> = {}) => (await search(text, more)).items.map((h) => h.review.slug)
/** Highlighted text with marks as [brackets]. */
const shown = (h: Highlighted | null | undefined) => (h ?? []).map((s) => (s.mark ? `[${s.text}]` : s.text)).join('')
const hitFor = (hits: SearchHit[], slug: string) => hits.find((h) => h.review.slug === slug)!

let files = 0
/** Imports review documents (JSON, as `dramalog import` reads them). */
async function save(...docs: Record<string, unknown>[]) {
  const file = join(data.dir, `reviews-${++files}.json`)
  writeFileSync(file, JSON.stringify(docs))
  return importFiles(site, [file])
}

describe('ranking', () => {
  it('puts a title match above body matches', async () => {
    const slugs = await slugsFor('lantern')
    expect(slugs[0]).toBe('paper-lanterns-season-1')
    expect(slugs).toEqual(expect.arrayContaining(['moonlit-ledger-season-1', 'crown-of-reeds-season-1']))
  })

  it('ranks a title that names the word once above a body that repeats it', async () => {
    await save(
      { slug: 'quokka-island', title: 'Quokka Island', year: 2020, intro: 'A gentle show about ferries.' },
      { slug: 'ferry-tales', title: 'Ferry Tales', year: 2021, intro: 'Quokka here, quokka there, quokka everywhere: a quokka festival.' },
    )
    expect(await slugsFor('quokka')).toEqual(['quokka-island', 'ferry-tales'])
  })

  it('finds stemmed and accent-folded forms', async () => {
    expect(await slugsFor('lanterns')).toEqual(await slugsFor('lantern'))
    expect(await slugsFor('cafe')).toContain('paper-lanterns-season-1')
  })
})

describe('query syntax', () => {
  it('keeps quoted phrases together', async () => {
    expect(await slugsFor('"slow burn"')).toEqual(['paper-lanterns-season-1'])
    expect(await slugsFor('"burns slowly"')).toEqual(['paper-lanterns-season-1'])
    expect(await slugsFor('"slowly burns"')).toEqual([])
  })

  it('needs every word', async () => {
    const both = await slugsFor('thriller village')
    expect(both).toContain('paper-lanterns-season-1')
    for (const slug of both) expect(await slugsFor('thriller')).toContain(slug)
    expect(both.length).toBeLessThan((await slugsFor('thriller')).length)
  })

  it('leaves out -excluded words and phrases', async () => {
    expect(await slugsFor('thriller')).toContain('paper-lanterns-season-1')
    const without = await slugsFor('thriller -lanterns')
    expect(without.length).toBeGreaterThan(0)
    expect(without).not.toContain('paper-lanterns-season-1')
    expect(await slugsFor('thriller -"slow burn"')).not.toContain('paper-lanterns-season-1')
  })

  it('accepts either word around OR', async () => {
    expect(await slugsFor('gumiho')).toEqual(['nine-tailed-landlord-season-1'])
    const either = await slugsFor('gumiho OR tennis')
    expect(either).toEqual(expect.arrayContaining(['nine-tailed-landlord-season-1', 'second-serve-season-2']))
    expect(either.length).toBe(new Set([...(await slugsFor('gumiho')), ...(await slugsFor('tennis'))]).size)
    // Lower-case "or" is an ordinary word.
    expect(await slugsFor('gumiho or tennis')).not.toEqual(either)
  })

  it('reads operators, brackets and FTS5 syntax as plain text', async () => {
    expect(await slugsFor('title:lantern*')).toEqual(await slugsFor('"title lantern"'))
    expect(await slugsFor('NEAR(gumiho tennis)')).toEqual([])
    expect(await slugsFor('(gumiho)')).toEqual(['nine-tailed-landlord-season-1'])
    expect(await slugsFor('gumiho AND')).toEqual(await slugsFor('gumiho and'))
    expect((await search('"')).total).toBe(0)
    expect((await search('-gumiho')).total).toBe(0)
  })
})

describe('filters', () => {
  it('narrows results by country, platform, year and meter', async () => {
    const all = await search('the')
    const korean = await search('the', { filters: { country: 'KR' } })
    expect(korean.total).toBeGreaterThan(0)
    expect(korean.total).toBeLessThan(all.total)
    expect(korean.items.every((h) => h.review.originCode === 'KR')).toBe(true)
    const netflix = await search('the', { filters: { platform: 'netflix' } })
    expect(netflix.items.map((h) => h.review.platform)).toEqual(netflix.items.map(() => 'Netflix'))
    expect((await search('the', { filters: { year: 2024 } })).items.map((h) => h.review.year)).toEqual([2024])
    const meter = await search('the', { filters: { meter: 0 } })
    expect(meter.items.map((h) => h.review.slug).sort()).toEqual(['salt-and-honey-season-1', 'winter-persimmons'])
    expect((await search('lantern', { filters: { country: 'JP' } })).total).toBe(0)
  })

  it('lists filtered reviews newest first when no words are given', async () => {
    const japan = await search('', { filters: { country: 'JP' } })
    expect(japan.items.map((h) => h.review.slug).sort()).toEqual(['class-of-the-falling-star-season-1', 'the-quiet-ward-season-1'])
    const dates = japan.items.map((h) => h.review.reviewedOn!)
    expect(dates).toEqual([...dates].sort().reverse())
    expect((await search('!!!', { filters: { country: 'JP' } })).total).toBe(2)
    expect((await search('')).total).toBe(0)
  })

  it('pages through results and clamps pages past the last', async () => {
    const all = await search('the', { perPage: 50 })
    const first = await search('the', { perPage: 5, page: 1 })
    const second = await search('the', { perPage: 5, page: 2 })
    expect(first.pageCount).toBe(Math.ceil(all.total / 5))
    expect([...first.items, ...second.items].map((h) => h.review.slug)).toEqual(all.items.slice(0, 10).map((h) => h.review.slug))
    const past = await search('the', { perPage: 5, page: 999 })
    expect(past.page).toBe(first.pageCount)
    expect(past.items.length).toBeGreaterThan(0)
  })
})

describe('what is searchable', () => {
  it('never finds drafts, and finds a review once it is published', async () => {
    await save({ slug: 'xylophone-diaries', title: 'Xylophone Diaries', status: 'draft', intro: 'A draft about a glockenspiel.' })
    expect(await slugsFor('xylophone')).toEqual([])
    expect(await slugsFor('glockenspiel')).toEqual([])
    await save({ slug: 'xylophone-diaries', title: 'Xylophone Diaries', status: 'published', intro: 'A draft about a glockenspiel.' })
    expect(await slugsFor('glockenspiel')).toEqual(['xylophone-diaries'])
  })

  it('leaves drafts out of every page and the count, in the same order with and without filters', async () => {
    // The strongest matches (the word in the title) alternate between drafts and published reviews,
    // so a page cut before drafts are left out would come up short or repeat a review.
    const docs = Array.from({ length: 24 }, (_, i) => ({
      slug: `zorblat-${i}`,
      title: i % 8 < 4 ? `Zorblat ${i}` : `Quiet Story ${i}`,
      year: 2001,
      status: i % 2 === 0 ? 'draft' : 'published',
      intro: `A zorblat appears ${'zorblat '.repeat(1 + (i % 3))}in episode ${i}.`,
    }))
    await save(...docs)
    const walk = async (more: Omit<SearchQuery, 'text'>) => {
      const seen: string[] = []
      for (let page = 1; page <= 4; page++) {
        const result = await search('zorblat', { ...more, perPage: 5, page })
        expect(result.total).toBe(12)
        expect(result.pageCount).toBe(3)
        if (page <= 3) seen.push(...result.items.map((h) => h.review.slug))
      }
      return seen
    }
    const plain = await walk({})
    expect([...plain].sort()).toEqual(docs.filter((d) => d.status === 'published').map((d) => d.slug).sort())
    expect(plain.slice(0, 4).every((slug) => Number(slug.split('-')[1]) % 8 < 4)).toBe(true)
    expect(await walk({ filters: { year: 2001 } })).toEqual(plain)
  })

  it('finds a scheduled review when its time comes', async () => {
    await save({ slug: 'timpani-nights', title: 'Timpani Nights', status: 'scheduled', publishedAt: '2020-01-01T00:00:00Z', intro: 'Drums.' })
    expect(await slugsFor('timpani')).toEqual([])
    expect(await publishScheduled(site, new Date('2021-01-01T00:00:00Z'))).toContain('timpani-nights')
    expect(await slugsFor('timpani')).toEqual(['timpani-nights'])
  })

  it('finds a re-saved review by its new text and not by its old', async () => {
    await save({ slug: 'ocarina-road', title: 'Ocarina Road', intro: 'Full of marmalade.', sections: [{ aspect: 'Acting', verdict: 'Fine', body: 'Sassafras.' }] })
    expect(await slugsFor('marmalade')).toEqual(['ocarina-road'])
    expect(await slugsFor('sassafras')).toEqual(['ocarina-road'])
    await save({ slug: 'ocarina-road', title: 'Ocarina Road', intro: 'Full of persimmon jam.', sections: [{ aspect: 'Acting', verdict: 'Fine', body: 'Rhubarb.' }] })
    expect(await slugsFor('marmalade')).toEqual([])
    expect(await slugsFor('sassafras')).toEqual([])
    expect(await slugsFor('rhubarb')).toEqual(['ocarina-road'])
  })

  it('searches tags and people', async () => {
    expect(await slugsFor('"slice of life"')).toEqual(expect.arrayContaining(['salt-and-honey-season-1', 'winter-persimmons']))
    const hit = (await search('"Noh Eun-gyeol"')).items
    expect(hit.map((h) => h.review.slug)).toEqual(['paper-lanterns-season-1'])
    expect(hit[0]!.excerpt).toMatchObject({ where: 'people' })
    expect(shown(hit[0]!.excerpt!.text)).toContain('[Noh Eun-gyeol]')
  })
})

describe('Chinese, Japanese, Korean and Thai', () => {
  it('finds substrings of two or more characters anywhere in a word', async () => {
    expect(await slugsFor('종이')).toEqual(['paper-lanterns-season-1'])
    expect(await slugsFor('이등')).toEqual(['paper-lanterns-season-1'])
    expect(await slugsFor('종이등')).toEqual(['paper-lanterns-season-1'])
    expect(await slugsFor('病棟')).toEqual(['the-quiet-ward-season-1'])
    expect(await slugsFor('静かな')).toEqual(['the-quiet-ward-season-1'])
    expect(await slugsFor('クラス')).toEqual(['class-of-the-falling-star-season-1'])
    expect(await slugsFor('月下')).toEqual(['moonlit-ledger-season-1'])
    expect(await slugsFor('구미호')).toEqual(['nine-tailed-landlord-season-1'])
    expect(await slugsFor('เกลือ')).toEqual(['salt-and-honey-season-1'])
    expect(await slugsFor('등종')).toEqual([])
  })

  it('finds a single character, and combines scripts with the usual syntax', async () => {
    expect(await slugsFor('감')).toEqual(['winter-persimmons'])
    expect(await slugsFor('종이 lanterns')).toEqual(['paper-lanterns-season-1'])
    expect(await slugsFor('종이 -lanterns')).toEqual([])
    expect((await slugsFor('종이 OR 病棟')).sort()).toEqual(['paper-lanterns-season-1', 'the-quiet-ward-season-1'])
  })

  it('marks the matched characters in the native title', async () => {
    const [hit] = (await search('종이')).items
    expect(shown(hit!.nativeTitle)).toBe('[종이]등')
    const [ward] = (await search('病棟')).items
    expect(shown(ward!.nativeTitle)).toBe('静かな[病棟]')
  })

  it('finds CJK text in review bodies and shows where', async () => {
    await save({ slug: 'tofu-house', title: 'Tofu House', intro: 'Plain intro.', sections: [{ aspect: 'Vibes', verdict: 'Cosy', body: 'The sign read 豆腐屋さん in faded paint.' }] })
    const [hit] = (await search('腐屋')).items
    expect(hit!.review.slug).toBe('tofu-house')
    expect(hit!.excerpt).toMatchObject({ where: 'section', section: { aspect: 'Vibes' } })
    expect(shown(hit!.excerpt!.text)).toContain('豆[腐屋]さん')
  })
})

describe('highlights and excerpts', () => {
  it('marks matches in the title, headline and an excerpt of the matching section', async () => {
    const { items } = await search('lantern')
    expect(shown(items[0]!.title)).toBe('Paper [Lanterns]')
    const ledger = hitFor(items, 'moonlit-ledger-season-1')
    expect(ledger.excerpt).toMatchObject({ where: 'section', section: { aspect: 'Story / Writing' } })
    expect(shown(ledger.excerpt!.text)).toContain('by [lantern] light')
    const crown = hitFor(items, 'crown-of-reeds-season-1')
    expect(crown.excerpt!.section!.aspect).toBe('Vibes')
    expect(shown(crown.excerpt!.section!.verdict)).toBe('Ink, Snow And [Lantern] Light')
  })

  it('shows an intro excerpt without naming a section', async () => {
    const [hit] = (await search('gumiho')).items
    expect(hit!.excerpt).toMatchObject({ where: 'intro', section: null })
    expect(shown(hit!.excerpt!.text)).toContain('[gumiho]')
  })

  it('keeps spoiler sections findable but out of excerpts', async () => {
    await save({
      slug: 'harp-lake', title: 'Harp Lake', intro: 'No spoilers up here.',
      sections: [{ aspect: 'Impact', verdict: 'That Ending', body: 'The butler was a zeppelin all along.', spoiler: true }],
    })
    const [hit] = (await search('zeppelin')).items
    expect(hit!.review.slug).toBe('harp-lake')
    expect(hit!.excerpt).toMatchObject({ where: 'spoiler', section: { aspect: 'Impact' }, text: [] })
  })
})

describe('search text worked out beforehand', () => {
  it('indexes every review exactly as when the index works the text out itself', async () => {
    await save({ slug: 'tern-harbour', title: 'Tern Harbour', nativeTitle: '燕の港', intro: '灯台守の話, told slowly.', sections: [
      { aspect: 'Story / Writing', verdict: 'Tidal', body: 'The *tide* turns.' },
      { aspect: 'Impact', verdict: 'Hidden', body: 'The ferry sinks.', spoiler: true },
    ] })
    const records = await listAllReviewRecords(site.db)
    expect(records.length).toBeGreaterThan(10)
    for (const r of records) {
      const sections = r.doc.sections.map((s, i) => ({ aspect: s.aspect, verdict: s.verdict, body_html: r.sectionHtml[i]!, spoiler: s.spoiler ? 1 : 0 }))
      const source = {
        title: r.doc.title, native_title: r.doc.nativeTitle, romanized_title: r.doc.romanizedTitle, headline: r.doc.headline, hook: r.doc.hook,
        intro_html: r.introHtml, sections, tags: r.doc.tags, people: r.doc.people.map((p) => p.name),
      }
      const stored = await loadSource(site.db, r.id)
      expect(indexedDocument({ ...source, text: indexedText({ intro_html: r.introHtml, sections }) })).toEqual(indexedDocument(stored!))
    }
  })
})

describe('htmlToText', () => {
  it('gives the text with every run of white space but line breaks as one space', () => {
    const piece = fc.constantFrom('<p>', '</p>', '<br>', '<li>', '</li>', '<em>', ' ', '  ', '\t', '\u00a0', '\u3000', '\n', ' \n ', '&amp;', '&#x20;', 'word', '東京')
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
      const html = pieces.join('')
      const text = htmlToText(html)
      expect(text).not.toMatch(/[^\S\n ]| {2}|^\s|\s$| \n|\n /)
      // The words come through in order, with a line break for each block's end.
      expect(text.replace(/\s+/g, ' ')).toBe(htmlToText(html.replace(/<[^>]*>/g, (t) => (/^<(br|\/p|\/li)/.test(t) ? ' ' : ''))).replace(/\s+/g, ' '))
    }))
    expect(htmlToText('<p>a \t b\u00a0 c</p>\n<p> d  e </p>')).toBe('a b c\nd e')
  })
})

describe('the migration', () => {
  it('indexes the reviews a site already has', async () => {
    const other = tempDataDir()
    const older = await openTestSite(other.dir)
    try {
      const file = join(other.dir, 'old.json')
      writeFileSync(file, JSON.stringify({ slug: 'bassoon-bay', title: 'Bassoon Bay', nativeTitle: '바순만', intro: 'Saved before search existed.' }))
      await importFiles(older, [file])
      // As before 0004 ran: reviews, no search table. (Later migrations exist, so it is run directly.)
      await sql`DROP TABLE review_search`.execute(older.db)
      await migration.up(older.db)
      expect((await searchIndexFor(older.db).search(older.db, { text: 'bassoon' })).items.map((h) => h.review.slug)).toEqual(['bassoon-bay'])
      expect((await searchIndexFor(older.db).search(older.db, { text: '순만' })).total).toBe(1)
    } finally {
      await older.close()
      other.remove()
    }
  })
})

describe('any input', () => {
  const pieces = fc.constantFrom(
    '"', '""', '-', '- ', 'OR', 'AND', 'NOT', 'NEAR', 'NEAR(', '*', ':', '(', ')', '{', '}', '^', '+', ' ', '\t', '\n',
    '\u0000', '\u0002', '\u0003', '\uD800', '\uDC00', '\uFFFD', '\u200D', '\u0301', '종', '이', '등', '病', '棟', 'ク', 'เ', 'ลื',
    '🤦🏻‍♂️', '🔥', 'lantern', 'the', 'col:', 'title', 'rank', '%', "'", '\\', '.', '…',
  )
  const anyText = fc.oneof(
    fc.string({ unit: pieces, maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom(...TRICKY_STRINGS),
    fc.string({ unit: fc.constantFrom(...'ab"- ()*:종'), minLength: 200, maxLength: 400 }),
  )

  it('gives results or none, never an error', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, fc.option(fc.constantFrom('KR', 'JP', 'ZZ')), async (text, country) => {
        const page = await search(text, { filters: { country }, perPage: 5 })
        expect(page.items.length).toBeLessThanOrEqual(5)
        expect(page.total).toBeGreaterThanOrEqual(page.items.length)
        for (const hit of page.items) expect(shown(hit.title).replace(/[[\]]/g, '')).toBe(hit.review.title.replace(/[[\]]/g, ''))
      }),
      { numRuns: 400 },
    )
  })
})
