import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { reviewDocument } from '../../test/arbitraries.ts'
import { DOCUMENT_KEYS, ReviewDocument } from '../domain/review.ts'
import { readJsonReviews, writeJsonReviews } from './json.ts'

describe('writeJsonReviews / readJsonReviews', () => {
  it('round-trips any list of valid documents', () => {
    fc.assert(
      fc.property(fc.array(reviewDocument, { maxLength: 3 }), (docs) => {
        expect(readJsonReviews(writeJsonReviews(docs), 'out.json')).toEqual({ ok: true, value: docs })
      }),
      { numRuns: 150 },
    )
  })

  it('writes the keys in document order with camelCase names', () => {
    const doc = ReviewDocument.parse({ slug: 'x', title: 'X', reviewedOn: '2024-03-17', firstWatch: true, language: 'ko-kr' })
    const [written] = JSON.parse(writeJsonReviews([doc])) as Record<string, unknown>[]
    expect(Object.keys(written!)).toEqual(DOCUMENT_KEYS)
    expect(written).toMatchObject({ slug: 'x', title: 'X', reviewedOn: '2024-03-17', firstWatch: true, nativeTitle: null, language: 'ko-KR' })
  })

  it('leaves the language out when the review does not say it, and names the file and line of a bad one', () => {
    const [written] = JSON.parse(writeJsonReviews([ReviewDocument.parse({ title: 'X' })])) as Record<string, unknown>[]
    expect(written).not.toHaveProperty('language')
    const bad = readJsonReviews('[\n  {\n    "title": "X",\n    "language": "not a tag"\n  }\n]', 'reviews.json')
    expect(bad).toEqual({ ok: false, issues: [expect.objectContaining({ file: 'reviews.json', line: 4, field: '[0].language' })] })
  })

  it('reads a single document, with a BOM, as a list of one', () => {
    const r = readJsonReviews('\ufeff{"title": "Paper Lanterns", "origin": "Korea"}', 'one.json')
    expect(r).toEqual({ ok: true, value: [ReviewDocument.parse({ title: 'Paper Lanterns', origin: 'South Korea' })] })
  })
})

describe('readJsonReviews errors', () => {
  it.each([
    ['a trailing comma', '[\n  {\n    "title": "A",\n    "year": 2020,\n  }\n]\n', 5],
    ['a missing comma', '[\n  {\n    "title": "A"\n    "year": 2020\n  }\n]\n', 4],
    ['a bad literal', '{\n  "title": "A",\n  "year": 20x\n}\n', 3],
    ['an unterminated string', '{\n  "title": "A,\n  "year": 2020\n}\n', 2],
    ['text after the document', '{"title": "A"}\n\nmore\n', 3],
    ['a missing value', '{\n  "title":\n}\n', 3],
  ])('points a syntax error (%s) at its line', (_name, text, line) => {
    expect(readJsonReviews(text, 'bad.json')).toEqual({
      ok: false,
      issues: [{ file: 'bad.json', line, field: '(json)', message: expect.stringContaining('not valid JSON') }],
    })
  })

  it('reports an empty file on line 1', () => {
    expect(readJsonReviews('', 'empty.json')).toMatchObject({ ok: false, issues: [{ line: 1, field: '(json)' }] })
  })

  it('names the item and field of a bad value in an array, at its line', () => {
    const text = JSON.stringify([{ title: 'A', year: 2020 }, { title: 'B', year: 'soon' }], null, 2)
    expect(text.split('\n')[7]).toContain('"year": "soon"')
    expect(readJsonReviews(text, 'reviews.json')).toEqual({
      ok: false,
      issues: [{ file: 'reviews.json', line: 8, field: '[1].year', message: expect.any(String) }],
    })
  })

  it('finds the line in tab-indented JSON too', () => {
    const text = JSON.stringify([{ title: 'A' }, { title: 'B', year: 1850 }], null, '\t')
    expect(text.split('\n')[6]).toBe('\t\t"year": 1850')
    expect(readJsonReviews(text, 'tabs.json')).toMatchObject({ ok: false, issues: [{ line: 7, field: '[1].year' }] })
  })

  it('reports every bad item, not only the first', () => {
    const text = JSON.stringify([{ title: '' }, { title: 'ok' }, { title: 'C', origin: 'Atlantis', meter: { value: 9, max: 5 } }], null, 2)
    const r = readJsonReviews(text, 'r.json')
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.issues.map((i) => i.field).sort()).toEqual(['[0].title', '[2].meter.value', '[2].origin'])
    const lines = text.split('\n')
    for (const issue of r.issues) {
      const key = issue.field.split('.').at(-1)!
      expect(lines[issue.line - 1]).toContain(`"${key}"`)
    }
  })

  it('reports an impossible date as an issue', () => {
    expect(readJsonReviews('{\n  "title": "A",\n  "reviewedOn": "2024-13-45"\n}', 'd.json')).toMatchObject({
      ok: false,
      issues: [{ file: 'd.json', line: 3, field: 'reviewedOn' }],
    })
  })

  it('names a single document field without an index', () => {
    expect(readJsonReviews('{\n  "title": "A",\n  "season": -1\n}', 'one.json')).toMatchObject({
      ok: false,
      issues: [{ file: 'one.json', line: 3, field: 'season' }],
    })
  })

  it('never throws, and keeps lines inside the file', () => {
    const good = writeJsonReviews([ReviewDocument.parse({ title: 'A', year: 2020, sections: [{ aspect: 'Acting' }] })])
    fc.assert(
      fc.property(fc.nat(good.length), fc.nat(good.length), fc.string({ maxLength: 3 }), (from, to, insert) => {
        const text = good.slice(0, Math.min(from, to)) + insert + good.slice(Math.max(from, to))
        const r = readJsonReviews(text, 'x.json')
        if (!r.ok) {
          const lineCount = text.split(/\r\n|\r|\n/).length
          for (const issue of r.issues) {
            expect(issue.line).toBeGreaterThanOrEqual(1)
            expect(issue.line).toBeLessThanOrEqual(lineCount)
          }
        }
      }),
    )
  })
})
