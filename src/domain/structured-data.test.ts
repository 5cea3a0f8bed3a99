import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ReviewRecord } from './records.ts'
import { ReviewDocument, type ReviewDocumentInput } from './review.ts'
import { DEFAULT_SETTINGS, type SiteSettings } from './settings.ts'
import {
  absoluteUrl, meterRating, reviewSocialMeta, reviewStructuredData, serializeJsonLd, siteSocialMeta, type MetaTag,
} from './structured-data.ts'

function record(input: Partial<ReviewDocumentInput> = {}, extra: Partial<ReviewRecord> = {}): ReviewRecord {
  const doc = ReviewDocument.parse({
    title: 'Paper Lanterns', nativeTitle: '종이등', year: 2024, origin: 'Korea', season: 1, platform: 'Netflix',
    reviewedOn: '2024-03-17', meter: { value: 2, max: 5 }, hook: 'Would you trust a stranger?', headline: 'A Quiet Thriller',
    poster: { src: '/media/posters/paper-lanterns.w900.jpg', credit: 'Demo', alt: null }, tags: ['thriller', 'slow burn'],
    links: [{ site: 'AsianWiki', label: 'Paper Lanterns', url: 'https://asianwiki.com/Paper_Lanterns' }, { site: 'MDL', label: 'x' }],
    author: 'Mira Chen', ...input,
  })
  return {
    id: 1, revision: 1, authorId: null, createdAt: '2024-03-18T09:00:00.000Z', updatedAt: '2024-04-01T10:00:00.000Z',
    doc: { ...doc, slug: 'paper-lanterns-season-1' }, originCode: 'KR', introHtml: '', sectionHtml: [],
    posterImage: { width: 900, height: 1350, color: '#123456' }, ...extra,
  }
}

const site = (over: Partial<SiteSettings> = {}): SiteSettings => ({ ...DEFAULT_SETTINGS, baseUrl: 'https://dramas.example/', ...over })
const HIGHER: SiteSettings['meter'] = { name: 'Heart Meter', symbol: '❤️', max: 10, direction: 'higher-is-better', unit: 'hearts' }

describe('reviewStructuredData', () => {
  it('describes a season of a TV series', () => {
    const data = reviewStructuredData(record(), site())
    expect(data).toEqual({
      '@context': 'https://schema.org',
      '@type': 'Review',
      name: 'Paper Lanterns – A Quiet Thriller',
      url: 'https://dramas.example/reviews/paper-lanterns-season-1',
      itemReviewed: {
        '@type': 'TVSeries',
        name: 'Paper Lanterns',
        alternateName: '종이등',
        countryOfOrigin: { '@type': 'Country', name: 'South Korea' },
        image: 'https://dramas.example/media/posters/paper-lanterns.w900.jpg',
        sameAs: ['https://asianwiki.com/Paper_Lanterns'],
        containsSeason: { '@type': 'CreativeWorkSeason', seasonNumber: 1, datePublished: '2024' },
      },
      reviewRating: { '@type': 'Rating', ratingValue: 3, bestRating: 5, worstRating: 0, name: 'Facepalm Meter: 2 of 5 (lower is better)' },
      author: { '@type': 'Person', name: 'Mira Chen' },
      datePublished: '2024-03-17',
      dateModified: '2024-04-01T10:00:00.000Z',
      publisher: { '@type': 'Organization', name: 'Dramalog', url: 'https://dramas.example/' },
      reviewBody: 'Would you trust a stranger?',
      image: 'https://dramas.example/media/posters/paper-lanterns.w900.jpg',
      keywords: 'thriller, slow burn',
      inLanguage: 'en',
    })
  })

  it('describes a film as a Movie dated by its year, with no season', () => {
    const data = reviewStructuredData(record({ season: null, title: 'Winter Persimmons', nativeTitle: null, episodes: null }), site())
    const work = data.itemReviewed as Record<string, unknown>
    expect(work['@type']).toBe('Movie')
    expect(work.datePublished).toBe('2024')
    expect(work).not.toHaveProperty('containsSeason')
    expect(work).not.toHaveProperty('alternateName')
  })

  it('turns a lower-is-better meter around so that higher reads better, and leaves a higher-is-better one alone', () => {
    const facepalm = DEFAULT_SETTINGS.meter
    expect(meterRating(0, 5, facepalm)).toMatchObject({ ratingValue: 5, bestRating: 5, worstRating: 0 })
    expect(meterRating(5, 5, facepalm)).toMatchObject({ ratingValue: 0, bestRating: 5, worstRating: 0 })
    expect(meterRating(8, 10, HIGHER)).toMatchObject({ ratingValue: 8, bestRating: 10, worstRating: 0, name: 'Heart Meter: 8 of 10' })
    const hearts = reviewStructuredData(record({ meter: { value: 7, max: 10 } }), site({ meter: HIGHER }))
    expect(hearts.reviewRating).toMatchObject({ ratingValue: 7, bestRating: 10, worstRating: 0 })
  })

  it('keeps every rating inside its scale, best always the top', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }).chain((max) => fc.tuple(fc.integer({ min: 0, max }), fc.constant(max))), fc.boolean(), ([value, max], lower) => {
        const meter = { name: 'M', direction: lower ? 'lower-is-better' : 'higher-is-better' } as const
        const r = meterRating(value, max, meter)
        expect(r.ratingValue).toBeGreaterThanOrEqual(r.worstRating)
        expect(r.ratingValue).toBeLessThanOrEqual(r.bestRating)
        // The best value on the meter (0 facepalms, or max hearts) is the best rating.
        expect(r.ratingValue === r.bestRating).toBe(lower ? value === 0 : value === max)
      }),
    )
  })

  it('leaves out the rating of an unrated review and signs with the site when nobody is named', () => {
    const data = reviewStructuredData(record({ meter: null, author: null, hook: null }), site({ author: '' }))
    expect(data).not.toHaveProperty('reviewRating')
    expect(data.author).toEqual({ '@type': 'Organization', name: 'Dramalog' })
    expect(data.reviewBody).toBe('A Quiet Thriller')
  })

  it('uses root-relative addresses when the public address is unknown', () => {
    const data = reviewStructuredData(record(), site({ baseUrl: null }))
    expect(data.url).toBe('/reviews/paper-lanterns-season-1')
    expect(data.image).toBe('/media/posters/paper-lanterns.w900.jpg')
    expect(data.publisher).toEqual({ '@type': 'Organization', name: 'Dramalog' })
  })
})

describe('serializeJsonLd', () => {
  it('cannot be closed or commented out by a title', () => {
    const data = reviewStructuredData(record({ title: '</script><script>alert(1)</script>', headline: '<!-- & -->\u2028\u2029' }), site())
    const json = serializeJsonLd(data)
    expect(json).not.toMatch(/[<>&\u2028\u2029]/)
    expect(json).toContain('\\u003c/script\\u003e')
    expect(JSON.parse(json)).toEqual(data)
  })

  it('round-trips any text', () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.array(fc.constantFrom('<', '>', '&', '</script>', '\u2028', '\u2029', 'a', '"'), { maxLength: 12 }).map((a) => a.join('')))
    fc.assert(fc.property(text, (s) => {
      const json = serializeJsonLd({ s })
      return !/[<>&\u2028\u2029]/.test(json) && JSON.parse(json).s === s
    }))
  })
})

const content = (tags: MetaTag[], key: string) => tags.filter((t) => ('property' in t ? t.property : t.name) === key).map((t) => t.content)

describe('social tags', () => {
  it('give a review page an article card with its absolute poster and size', () => {
    const tags = reviewSocialMeta(record(), site())
    expect(content(tags, 'og:type')).toEqual(['article'])
    expect(content(tags, 'og:title')).toEqual(['Paper Lanterns – A Quiet Thriller'])
    expect(content(tags, 'og:description')).toEqual(['Would you trust a stranger?'])
    expect(content(tags, 'og:url')).toEqual(['https://dramas.example/reviews/paper-lanterns-season-1'])
    expect(content(tags, 'og:image')).toEqual(['https://dramas.example/media/posters/paper-lanterns.w900.jpg'])
    expect(content(tags, 'og:image:width')).toEqual(['900'])
    expect(content(tags, 'og:image:height')).toEqual(['1350'])
    expect(content(tags, 'og:site_name')).toEqual(['Dramalog'])
    expect(content(tags, 'article:tag')).toEqual(['thriller', 'slow burn'])
    expect(content(tags, 'twitter:card')).toEqual(['summary_large_image'])
  })

  it('leave out what needs an absolute address they cannot make', () => {
    const tags = reviewSocialMeta(record(), site({ baseUrl: null }))
    expect(content(tags, 'og:url')).toEqual([])
    expect(content(tags, 'og:image')).toEqual([])
    expect(content(tags, 'twitter:card')).toEqual(['summary'])
    // A poster on another site is absolute already; its size may be unknown.
    const remote = reviewSocialMeta(record({ poster: { src: 'https://img.example/p.jpg' } }, { posterImage: null }), site({ baseUrl: null }))
    expect(content(remote, 'og:image')).toEqual(['https://img.example/p.jpg'])
    expect(content(remote, 'og:image:width')).toEqual([])
    expect(content(remote, 'twitter:card')).toEqual(['summary_large_image'])
  })

  it('give site pages a website card', () => {
    const tags = siteSocialMeta(site(), { title: 'Dramalog', description: 'Reviews', path: '/' })
    expect(content(tags, 'og:type')).toEqual(['website'])
    expect(content(tags, 'og:url')).toEqual(['https://dramas.example/'])
  })
})

describe('absoluteUrl', () => {
  it('keeps the path prefix of the base and leaves absolute addresses alone', () => {
    expect(absoluteUrl('https://example.org/blog', '/reviews/a')).toBe('https://example.org/blog/reviews/a')
    expect(absoluteUrl('https://example.org/blog/', 'reviews/a')).toBe('https://example.org/blog/reviews/a')
    expect(absoluteUrl('https://example.org', '/')).toBe('https://example.org/')
    expect(absoluteUrl('https://example.org', 'https://cdn.example/p.jpg')).toBe('https://cdn.example/p.jpg')
  })

  it('resolves any path as the URL parser does', () => {
    const base = fc.constantFrom('https://example.org', 'https://example.org/', 'https://me.github.io/blog', 'http://localhost:3000/x/')
    const path = fc.array(fc.oneof(fc.stringMatching(/^[a-z0-9-_~%]{0,8}$/), fc.constantFrom('.', '..', '%E2%82%AC', 'a b', 'é', '?q=1', '#x')), { maxLength: 4 })
    fc.assert(
      fc.property(base, path, fc.boolean(), (b, parts, lead) => {
        const p = (lead ? '/' : '') + parts.join('/')
        expect(absoluteUrl(b, p)).toBe(new URL(p.replace(/^\/+/, ''), b.replace(/\/?$/, '/')).href)
      }),
    )
  })
})
