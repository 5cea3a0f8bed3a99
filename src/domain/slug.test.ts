import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { isSlug, reviewSlugBase, slugify, uniqueSlug } from './slug.ts'

describe('slugify', () => {
  it.each([
    ['Paper Lanterns', 'paper-lanterns'],
    ['Paper Lanterns: Season 1', 'paper-lanterns-season-1'],
    ['  --Spider-Lily!!  ', 'spider-lily'],
    ['The Tailors of Beyoğlu', 'the-tailors-of-beyoglu'],
    ['Crème Brûlée', 'creme-brulee'],
    ['Việt Nam', 'viet-nam'],
    ['İstanbul', 'istanbul'],
    ["Director's Cut", 'directors-cut'],
    ['Director’s Cut', 'directors-cut'],
    ['Rock `n´ Roll', 'rock-n-roll'],
    ['ＦＵＬＬ　ＷＩＤＴＨ', 'full-width'],
    ['Episode Ⅻ', 'episode-xii'],
    ['종이등', '종이등'],
    ['겨울 감', '겨울-감'],
    ['雪国の灯', '雪国の灯'],
    ['がっこう', 'がっこう'],
    // Compatibility normalisation splits SARA AM (ำ) into its two parts; the vowel signs stay in the word.
    ['เกลือกับน้ำผึ้ง', 'เกลือกับน้ำผึ้ง'.normalize('NFKC')],
    ['हिन्दी ड्रामा', 'हिन्दी-ड्रामा'],
    ['🤦🏻‍♂️ Meter', 'meter'],
    ['!!!', ''],
    ['', ''],
  ])('%j → %j', (text, slug) => {
    expect(slugify(text)).toBe(slug)
  })

  it('is idempotent and always yields a slug (or nothing)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        const slug = slugify(text)
        expect(slugify(slug)).toBe(slug)
        expect(slug === '' || isSlug(slug)).toBe(true)
        expect(slug).not.toMatch(/^-|-$|--|[A-Z\s]/)
      }),
      { numRuns: 500 },
    )
  })
})

describe('isSlug', () => {
  it.each(['paper-lanterns', 'paper-lanterns-season-1', '종이등', 'a', '2024'])('accepts %j', (s) => {
    expect(isSlug(s)).toBe(true)
  })

  it.each(['', 'Paper-Lanterns', 'paper lanterns', 'paper--lanterns', '-paper', 'paper-', 'crème', 'a/b', 'x'.repeat(201)])(
    'rejects %j',
    (s) => {
      expect(isSlug(s)).toBe(false)
    },
  )
})

describe('reviewSlugBase', () => {
  it('adds the season when there is one', () => {
    expect(reviewSlugBase('Paper Lanterns', 1)).toBe('paper-lanterns-season-1')
    expect(reviewSlugBase('Winter Persimmons', null)).toBe('winter-persimmons')
    expect(reviewSlugBase('종이등', 2)).toBe('종이등-season-2')
  })

  it('falls back to "review" for a title with no letters or digits', () => {
    expect(reviewSlugBase('!!!', null)).toBe('review')
    expect(reviewSlugBase('🤦', 3)).toBe('review-season-3')
  })
})

describe('uniqueSlug', () => {
  const takenFrom = (...taken: string[]) => (slug: string) => taken.includes(slug)

  it('keeps a free base', () => {
    expect(uniqueSlug('glass-city', takenFrom(), 2020)).toBe('glass-city')
  })

  it('tries the year, then counts from 2', () => {
    expect(uniqueSlug('glass-city', takenFrom('glass-city'), 2020)).toBe('glass-city-2020')
    expect(uniqueSlug('glass-city', takenFrom('glass-city', 'glass-city-2020'), 2020)).toBe('glass-city-2')
    expect(uniqueSlug('glass-city', takenFrom('glass-city', 'glass-city-2', 'glass-city-3'))).toBe('glass-city-4')
    expect(uniqueSlug('glass-city', takenFrom('glass-city'), null)).toBe('glass-city-2')
  })

  it('always returns a slug not taken', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom<string>('a', 'a-2', 'a-3', 'a-1999', 'a-4', 'b'), { maxLength: 6 }), fc.option(fc.constant(1999)), (taken, year) => {
        const slug = uniqueSlug('a', (s) => taken.includes(s), year)
        expect(taken).not.toContain(slug)
        expect(slug).toMatch(/^a(-\d+)?$/)
      }),
    )
  })
})
