import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { reviewDocument } from '../../test/arbitraries.ts'
import { canonicalLinkSite, DOCUMENT_KEYS, isSafeUrl, normalizeTags, ReviewDocument } from './review.ts'
import { DEFAULT_RUBRIC, DEFAULT_SETTINGS, SiteSettings } from './settings.ts'

/** Issues of a document that fails validation, as `path: message` pairs' paths. */
function issuePaths(input: unknown): string[] {
  const r = ReviewDocument.safeParse(input)
  if (r.success) throw new Error('expected the document to be rejected')
  return r.error.issues.map((i) => i.path.join('.'))
}

describe('ReviewDocument', () => {
  it('fills defaults for everything but the title', () => {
    expect(ReviewDocument.parse({ title: '  Paper Lanterns  ' })).toEqual({
      title: 'Paper Lanterns',
      nativeTitle: null,
      romanizedTitle: null,
      year: null,
      origin: null,
      season: null,
      episodes: null,
      platform: null,
      firstWatch: null,
      reviewedOn: null,
      links: [],
      meter: null,
      hook: null,
      headline: null,
      intro: '',
      sections: [],
      poster: null,
      tags: [],
      people: [],
      songs: [],
      status: 'published',
      author: null,
      publishedAt: null,
      source: null,
    })
  })

  it('lists its keys in the order of DESIGN §2', () => {
    expect(DOCUMENT_KEYS.slice(0, 12)).toEqual([
      'slug', 'title', 'nativeTitle', 'romanizedTitle', 'year', 'origin', 'season', 'episodes', 'platform', 'firstWatch', 'reviewedOn', 'links',
    ])
  })

  it('names countries by their English short name', () => {
    expect(ReviewDocument.parse({ title: 'x', origin: 'Korea' }).origin).toBe('South Korea')
    expect(ReviewDocument.parse({ title: 'x', origin: 'japan' }).origin).toBe('Japan')
    expect(ReviewDocument.parse({ title: 'x', origin: 'KR' }).origin).toBe('South Korea')
    const r = ReviewDocument.safeParse({ title: 'x', origin: 'Narnia' })
    expect(r.success || r.error.issues).toEqual([expect.objectContaining({ path: ['origin'], message: 'unknown country "Narnia"' })])
  })

  it('canonicalises link sites and requires http(s) addresses', () => {
    const doc = ReviewDocument.parse({ title: 'x', links: [{ site: 'mdl', url: 'https://mydramalist.com/1' }, { site: ' imdb ' }] })
    expect(doc.links).toEqual([
      { site: 'MyDramaList', label: '', url: 'https://mydramalist.com/1' },
      { site: 'IMDb', label: '', url: null },
    ])
    expect(issuePaths({ title: 'x', links: [{ site: 'a', url: 'javascript:alert(1)' }, { site: 'b', url: 'data:text/html,hi' }] })).toEqual([
      'links.0.url',
      'links.1.url',
    ])
  })

  it('accepts poster paths under /media/ or http(s) addresses only', () => {
    expect(ReviewDocument.parse({ title: 'x', poster: { src: '/media/posters/a.jpg' } }).poster).toEqual({ src: '/media/posters/a.jpg', credit: null, alt: null })
    expect(issuePaths({ title: 'x', poster: { src: '/media/../etc/passwd' } })).toEqual(['poster.src'])
    expect(issuePaths({ title: 'x', poster: { src: 'file:///etc/passwd' } })).toEqual(['poster.src'])
  })

  it('checks dates are real and meters stay under their maximum', () => {
    expect(ReviewDocument.parse({ title: 'x', reviewedOn: '2024-02-29' }).reviewedOn).toBe('2024-02-29')
    expect(issuePaths({ title: 'x', reviewedOn: '2023-02-29' })).toEqual(['reviewedOn'])
    expect(issuePaths({ title: 'x', reviewedOn: '17/03/2024' })).toEqual(['reviewedOn'])
    expect(issuePaths({ title: 'x', reviewedOn: '2024-13-45' })).toEqual(['reviewedOn'])
    expect(issuePaths({ title: 'x', reviewedOn: '2024-00-10' })).toEqual(['reviewedOn'])
    expect(issuePaths({ title: 'x', meter: { value: 6, max: 5 } })).toEqual(['meter.value'])
  })

  it('rejects bad fields with their paths', () => {
    expect(issuePaths({ title: '   ' })).toEqual(['title'])
    expect(issuePaths({ title: 'x', slug: 'Not A Slug' })).toEqual(['slug'])
    expect(issuePaths({ title: 'x', year: 1850, season: -1, status: 'gone' })).toEqual(['year', 'season', 'status'])
    expect(issuePaths({ title: 'x', sections: [{ aspect: 'Acting' }, { aspect: '' }] })).toEqual(['sections.1.aspect'])
  })

  it('trims Markdown of blank lines around it and uses LF line ends, keeping leading indentation', () => {
    const doc = ReviewDocument.parse({ title: 'x', intro: '\n  \n    code\r\nmore  \n\n', sections: [{ aspect: 'Acting', body: 'a\r\rb' }] })
    expect(doc.intro).toBe('    code\nmore')
    expect(doc.sections[0]!.body).toBe('a\n\nb')
  })

  it('drops a section score scale that has no score', () => {
    const doc = ReviewDocument.parse({ title: 'x', sections: [{ aspect: 'Acting', scoreMax: 10 }, { aspect: 'Vibes', score: 8, scoreMax: 10 }] })
    expect(doc.sections.map((s) => [s.score, s.scoreMax])).toEqual([[null, null], [8, 10]])
  })

  it('never throws, whatever the input', () => {
    const keys = ['title', 'year', 'origin', 'reviewedOn', 'links', 'meter', 'sections', 'poster', 'tags', 'people', 'status', 'slug', 'publishedAt']
    const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('2024-13-45', '0000-00-00', 'constructor', '__proto__', 'Korea'))
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), value), fc.dictionary(fc.constantFrom('site', 'aspect', 'url', 'value', 'max'), value), (doc, inner) => {
        expect(typeof ReviewDocument.safeParse(doc).success).toBe('boolean')
        expect(typeof ReviewDocument.safeParse({ ...doc, links: [inner], sections: [inner], meter: inner }).success).toBe('boolean')
      }),
      { numRuns: 300 },
    )
  })

  it('parses its own output to the same document', () => {
    fc.assert(
      fc.property(reviewDocument, (doc) => {
        expect(ReviewDocument.parse(doc)).toEqual(doc)
      }),
      { numRuns: 100 },
    )
  })
})

describe('canonicalLinkSite', () => {
  it.each([
    ['mydramalist', 'MyDramaList'],
    ['My Drama List', 'MyDramaList'],
    ['MDL', 'MyDramaList'],
    ['Asian Wiki', 'AsianWiki'],
    ['imdb', 'IMDb'],
    ['The Movie DB', 'TMDB'],
    ['wiki', 'Wikipedia'],
    [' Letterboxd ', 'Letterboxd'],
    ['豆瓣', '豆瓣'],
    ['constructor', 'constructor'],
    ['toString', 'toString'],
  ])('%j → %j', (name, site) => {
    expect(canonicalLinkSite(name)).toBe(site)
  })
})

describe('isSafeUrl', () => {
  it.each(['https://asianwiki.com/Paper_Lanterns', 'http://example.com', 'HTTPS://EXAMPLE.COM/x?y=1#z'])('accepts %j', (url) => {
    expect(isSafeUrl(url)).toBe(true)
  })

  it.each(['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,<b>', 'file:///etc/passwd', 'ftp://example.com', '//example.com', '/media/a.jpg', 'https://', 'not a url', ''])(
    'rejects %j',
    (url) => {
      expect(isSafeUrl(url)).toBe(false)
    },
  )
})

describe('normalizeTags', () => {
  it('trims, drops "#", collapses spaces and dedupes without case, keeping the first spelling', () => {
    expect(normalizeTags(['Thriller', ' thriller ', '#Slow  Burn', 'slow burn', '#', '', '종이등', '종이등'])).toEqual(['Thriller', 'Slow Burn', '종이등'])
  })
})

describe('DEFAULT_SETTINGS', () => {
  it('is a valid site with the house rubric and the Facepalm Meter', () => {
    expect(SiteSettings.parse(DEFAULT_SETTINGS)).toEqual(DEFAULT_SETTINGS)
    expect(DEFAULT_SETTINGS.rubric).toEqual(['Story / Writing', 'Acting', 'Originality', 'Vibes', 'Impact'])
    expect(DEFAULT_SETTINGS.rubric).toEqual([...DEFAULT_RUBRIC])
    expect(DEFAULT_SETTINGS.meter).toEqual({ name: 'Facepalm Meter', symbol: '🤦', max: 5, direction: 'lower-is-better', unit: 'facepalms' })
    expect(Object.isFrozen(DEFAULT_SETTINGS)).toBe(true)
  })
})
