import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { reviewDocument } from '../../test/arbitraries.ts'
import { ReviewDocument } from '../domain/review.ts'
import { DEFAULT_RUBRIC } from '../domain/settings.ts'
import { readMarkdownReview, writeMarkdownReview } from './markdown.ts'

const roundTrip = (doc: ReviewDocument) => readMarkdownReview(writeMarkdownReview(doc), DEFAULT_RUBRIC, 'review.md')

describe('writeMarkdownReview / readMarkdownReview', () => {
  it('writes front matter, intro and one heading per section', () => {
    const doc = ReviewDocument.parse({
      slug: 'paper-lanterns-season-1',
      title: 'Paper Lanterns',
      nativeTitle: '종이등',
      year: 2024,
      origin: 'Korea',
      season: 1,
      meter: { value: 2, max: 5 },
      intro: 'I went in expecting a nap.',
      sections: [
        { aspect: 'Acting', verdict: 'The Lead Carries Everything', body: 'She is great.', score: 8, scoreMax: 10, spoiler: true },
        { aspect: 'Impact', body: 'Still thinking about it.' },
      ],
    })
    const md = writeMarkdownReview(doc)
    expect(md).toBe(
      [
        '---',
        'slug: paper-lanterns-season-1',
        'title: Paper Lanterns',
        'nativeTitle: 종이등',
        'year: 2024',
        'origin: South Korea',
        'season: 1',
        'meter:',
        '  value: 2',
        '  max: 5',
        'status: published',
        '---',
        '',
        'I went in expecting a nap.',
        '',
        '## Acting – The Lead Carries Everything {score=8/10 spoiler}',
        '',
        'She is great.',
        '',
        '## Impact',
        '',
        'Still thinking about it.',
        '',
      ].join('\n'),
    )
    expect(readMarkdownReview(md, DEFAULT_RUBRIC)).toEqual({ ok: true, value: doc })
  })

  it('carries the language of a review in the front matter, in its canonical spelling', () => {
    const doc = ReviewDocument.parse({ title: '종이등', language: 'ko-kr' })
    const md = writeMarkdownReview(doc)
    expect(md).toContain('\nlanguage: ko-KR\n')
    expect(readMarkdownReview(md, DEFAULT_RUBRIC)).toEqual({ ok: true, value: { ...doc, language: 'ko-KR' } })
    const bad = readMarkdownReview('---\ntitle: X\nlanguage: klingon!\n---\n', DEFAULT_RUBRIC, 'k.md')
    expect(bad).toMatchObject({ ok: false, issues: [{ file: 'k.md', line: 3, field: 'language' }] })
  })

  it('round-trips any valid document', () => {
    fc.assert(
      fc.property(reviewDocument, (doc) => {
        expect(roundTrip(doc)).toEqual({ ok: true, value: doc })
      }),
      { numRuns: 200 },
    )
  })

  it.each([
    ['a verdict ending in a hash', { aspect: 'Acting', verdict: 'Better Than C#' }],
    ['an aspect ending in a hash', { aspect: 'C#' }],
    ['a verdict ending in braces', { aspect: 'Acting', verdict: 'Curly {Braces}' }],
    ['a tiny fractional score', { aspect: 'Acting', score: 1e-7, scoreMax: 10 }],
    ['a heading with only attributes', { aspect: 'Vibes', score: 7.5, spoiler: true }],
    ['a score scale without a score', { aspect: 'Impact', scoreMax: 10 }],
    ['an aspect outside the rubric with a dash in the verdict', { aspect: 'Music', verdict: 'OST – Soft, Then Loud' }],
  ])('round-trips %s', (_name, sec) => {
    const doc = ReviewDocument.parse({ title: 'X', sections: [sec] })
    expect(roundTrip(doc)).toEqual({ ok: true, value: doc })
  })

  it('keeps "## " lines inside fenced code in the body', () => {
    const doc = ReviewDocument.parse({
      title: 'Fences',
      intro: 'Intro.\n\n```md\n## Not A Section\n```',
      sections: [{ aspect: 'Acting', verdict: 'Fine', body: '~~~\n## also code\n~~~\n\nAfter.' }],
    })
    expect(roundTrip(doc)).toEqual({ ok: true, value: doc })
  })

  it('reads CRLF files and normalises CRLF bodies the same way', () => {
    const doc = ReviewDocument.parse({ title: 'CRLF', intro: 'a\r\nb', sections: [{ aspect: 'Acting', body: 'c\r\n\r\nd' }] })
    expect(doc.intro).toBe('a\nb')
    expect(doc.sections[0]!.body).toBe('c\n\nd')
    const md = writeMarkdownReview(doc).replace(/\n/g, '\r\n')
    expect(readMarkdownReview(md, DEFAULT_RUBRIC)).toEqual({ ok: true, value: doc })
  })

  it('matches rubric aspects however the heading spells them', () => {
    const md = '---\ntitle: T\n---\n\n## story/writing - Good {score=8/10}\n\nBody.\n\n## ACTING: Fine\n'
    const r = readMarkdownReview(md, DEFAULT_RUBRIC)
    expect(r.ok && r.value.sections).toEqual([
      { aspect: 'Story / Writing', verdict: 'Good', body: 'Body.', score: 8, scoreMax: 10, spoiler: false },
      { aspect: 'Acting', verdict: 'Fine', body: '', score: null, scoreMax: null, spoiler: false },
    ])
  })
})

describe('readMarkdownReview errors', () => {
  it('needs front matter', () => {
    expect(readMarkdownReview('# Paper Lanterns\n\nText.\n', DEFAULT_RUBRIC, 'a.md')).toEqual({
      ok: false,
      issues: [{ file: 'a.md', line: 1, field: '(front matter)', message: expect.stringContaining('front matter') }],
    })
  })

  it('points a YAML syntax error at its line in the file', () => {
    const md = '---\ntitle: Paper Lanterns\nyear: 2024\ntags: [thriller, slow burn\norigin: Korea\n---\n\nIntro.\n'
    const r = readMarkdownReview(md, DEFAULT_RUBRIC, 'bad.md')
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.issues.length).toBeGreaterThan(0)
    for (const issue of r.issues) {
      expect(issue).toMatchObject({ file: 'bad.md', field: '(front matter)' })
      // The unclosed list opens on line 4; the parser notices on line 5.
      expect(issue.line).toBeGreaterThanOrEqual(4)
      expect(issue.line).toBeLessThanOrEqual(5)
      // No second, front-matter-relative position to contradict the file line.
      expect(issue.message).not.toMatch(/at line \d/)
    }
  })

  it('points an invalid field at the line of its key', () => {
    const md = '---\ntitle: Paper Lanterns\norigin: Korea\nyear: nineteen\nseason: 1\n---\n\nIntro.\n'
    expect(readMarkdownReview(md, DEFAULT_RUBRIC, 'a.md')).toEqual({
      ok: false,
      issues: [{ file: 'a.md', line: 4, field: 'year', message: expect.any(String) }],
    })
  })

  it('reports every bad field, nested ones at their own line', () => {
    const md = [
      '---',
      'title: Paper Lanterns',
      'origin: Atlantis',
      'links:',
      '  - site: AsianWiki',
      '    url: javascript:alert(1)',
      'meter:',
      '  value: 7',
      '  max: 5',
      '---',
      '',
    ].join('\n')
    const r = readMarkdownReview(md, DEFAULT_RUBRIC, 'a.md')
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.issues.map(({ line, field }) => ({ line, field }))).toEqual(
      expect.arrayContaining([
        { line: 3, field: 'origin' },
        { line: 6, field: 'links.0.url' },
        { line: 8, field: 'meter.value' },
      ]),
    )
    expect(r.issues).toHaveLength(3)
  })

  it('points a bad section at its heading line', () => {
    const md = '---\ntitle: T\n---\n\nIntro.\n\n## Acting – Fine\n\nText.\n\n## Vibes – Odd {score=8/10 loud}\n'
    expect(readMarkdownReview(md, DEFAULT_RUBRIC, 'a.md')).toEqual({
      ok: false,
      issues: [{ file: 'a.md', line: 11, field: 'sections', message: expect.stringContaining('loud') }],
    })
  })

  it('rejects intro or sections in the front matter', () => {
    const md = '---\ntitle: T\nintro: hello\n---\n'
    expect(readMarkdownReview(md, DEFAULT_RUBRIC, 'a.md')).toMatchObject({ ok: false, issues: [{ line: 3, field: 'intro' }] })
  })

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (tail) => {
        const r = readMarkdownReview(`---\n${tail}`, DEFAULT_RUBRIC, 'x.md')
        expect(typeof r.ok).toBe('boolean')
      }),
    )
  })
})

describe('Markdown bodies that look like the format itself', () => {
  it('keeps "## " lines and fenced code in intro and bodies through a round trip', () => {
    const doc = ReviewDocument.parse({
      title: 'Fences',
      intro: '## Not a section\n\n\\## already escaped',
      sections: [{ aspect: 'Acting', verdict: 'Ok', body: '````\n```\n## inside code\n```\n````\n\n## also not a section' }],
    })
    const md = writeMarkdownReview(doc)
    expect(md).toContain('\\## Not a section')
    expect(readMarkdownReview(md, DEFAULT_RUBRIC)).toEqual({ ok: true, value: doc })
  })

  it('reports duplicate front matter keys and alias bombs as located problems', () => {
    const dup = readMarkdownReview('---\ntitle: a\ntitle: b\n---\n', DEFAULT_RUBRIC, 'd.md')
    expect(dup).toMatchObject({ ok: false, issues: [{ file: 'd.md', line: 3, field: '(front matter)' }] })
    const bomb = ['---', 'a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]', 'title: [*d, *d, *d, *d, *d, *d, *d, *d, *d]', '---', ''].join('\n')
    expect(readMarkdownReview(bomb, DEFAULT_RUBRIC, 'b.md')).toMatchObject({ ok: false, issues: [{ file: 'b.md', field: '(front matter)' }] })
  })
})
