import { describe, expect, it } from 'vitest'
import type { ImportResult } from '../services/import-files.ts'
import { summarize } from './import.ts'

const empty: ImportResult = {
  files: 1, created: [], updated: [], skipped: [], diary: { created: 0, updated: 0 }, lists: { created: 0, updated: 0 },
  comments: { created: 0 }, media: 0, warnings: [], dryRun: false,
}

describe('the summary of an import', () => {
  it('groups skipped records by reason, in the order met, with a few examples each', () => {
    const skipped = [
      ...Array.from({ length: 12 }, (_, i) => ({ at: `blog.xml:${10 + i}`, what: `review "R${i}"`, reason: 'already on the site' })),
      { at: 'blog.xml:40', what: 'page "About"', reason: 'a page, not a post' },
      { at: 'blog.xml:50', what: 'review "R0"', reason: 'already on the site' },
    ]
    const text = summarize({ ...empty, created: ['a', 'b'], skipped })
    expect(text).toBe([
      'Imported 2 reviews from 1 file: 2 new, 0 updated, 13 skipped.',
      'Skipped 14:',
      '  13 records: already on the site',
      '    blog.xml:10: review "R0"',
      '    blog.xml:11: review "R1"',
      '    blog.xml:12: review "R2"',
      '    blog.xml:13: review "R3"',
      '    blog.xml:14: review "R4"',
      '    … and 8 more',
      '  blog.xml:40: page "About": a page, not a post',
      '',
    ].join('\n'))
  })

  it('keeps every reason apart when each has one record', () => {
    const skipped = [
      { at: 'a.txt:1', what: 'review "A"', reason: 'one' },
      { at: 'b.txt:1', what: 'review "B"', reason: 'two' },
    ]
    expect(summarize({ ...empty, skipped, dryRun: true })).toBe([
      'Would import 0 reviews from 1 file: 0 new, 0 updated, 2 skipped.',
      'Skipped 2:',
      '  a.txt:1: review "A": one',
      '  b.txt:1: review "B": two',
      '(dry run: nothing written)',
      '',
    ].join('\n'))
  })
})
