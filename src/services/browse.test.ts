import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importBrowseExtras } from '../../test/helpers/browse-fixtures.ts'
import { tempDataDir } from '../../test/helpers/server.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import { NotFoundError } from '../domain/errors.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { getSiteSettings, putSiteSettings } from '../store/settings.ts'
import {
  BadQueryError, findCanonicalKey, isCanonicalKey, loadApiReview, loadApiReviews, loadBrowsePage, loadFacetIndex, readApiQuery,
  type BrowseSort, type Facet,
} from './browse.ts'
import { exportJson } from './export-reviews.ts'
import { loadDemo } from './load-demo.ts'
import type { Site } from './site.ts'

// One real SQLite site with the demo reviews plus a few made for these tests (see browse-fixtures).
let data: ReturnType<typeof tempDataDir>
let site: Site

beforeAll(async () => {
  data = tempDataDir()
  site = await openTestSite(data.dir)
  await loadDemo(site)
  await importBrowseExtras(site, data.dir)
})
afterAll(async () => {
  await site.close()
  data.remove()
})

const titles = async (facet: Facet, key: string, sort: BrowseSort = 'newest', page = 1) =>
  (await loadBrowsePage(site, facet, key, sort, page)).list.items.map((r) => r.title)

async function withSettings(change: Partial<SiteSettings>, run: () => Promise<void>) {
  const before = await getSiteSettings(site.db)
  await site.db.transaction().execute((trx) => putSiteSettings(trx, { ...before, ...change }))
  try {
    await run()
  } finally {
    await site.db.transaction().execute((trx) => putSiteSettings(trx, before))
  }
}

const notFound = (p: Promise<unknown>) => expect(p).rejects.toBeInstanceOf(NotFoundError)

/** The published documents `export --format json` writes. */
async function exportedPublished(): Promise<Record<string, unknown>[]> {
  return (JSON.parse(await exportJson(site)) as Record<string, unknown>[]).filter((d) => d.status === 'published')
}

describe('browse pages', () => {
  it('lists the published reviews of a country, newest first, with the count', async () => {
    const data = await loadBrowsePage(site, 'country', 'kr', 'newest', 1)
    expect(data.term).toEqual({ facet: 'country', key: 'kr', name: 'South Korea' })
    expect(data.list.total).toBe(4)
    expect(data.list.items.map((r) => r.title)).toEqual(['Crown of Reeds', 'Paper Lanterns', 'Nine-Tailed Landlord', 'Winter Persimmons'])
    expect(data.list.items.every((r) => r.origin === 'South Korea')).toBe(true)
    expect(data.roles).toBeNull()
  })

  it('sorts oldest first, by title, and best first in the direction of the meter', async () => {
    const newest = await titles('country', 'jp')
    expect(newest).toHaveLength(5)
    expect(await titles('country', 'jp', 'oldest')).toEqual([...newest].reverse())
    expect(await titles('country', 'jp', 'title')).toEqual(['Ash Garden', 'Class of the Falling Star', 'Moon Ferry', 'Quiet Lamps', 'The Quiet Ward'])
    const meters = async () => (await loadBrowsePage(site, 'country', 'jp', 'meter', 1)).list.items.map((r) => r.meter?.value ?? null)
    // A facepalm meter: fewer is better; unrated reviews come last.
    const lowFirst = await meters()
    expect(lowFirst.at(-1)).toBeNull()
    expect(lowFirst.slice(0, -1)).toEqual([...lowFirst.slice(0, -1)].sort((a, b) => a! - b!))
    await withSettings({ meter: { ...(await getSiteSettings(site.db)).meter, direction: 'higher-is-better' } }, async () => {
      const highFirst = await meters()
      expect(highFirst.at(-1)).toBeNull()
      expect(highFirst.slice(0, -1)).toEqual([...lowFirst.slice(0, -1)].reverse())
    })
  })

  it('paginates like the home page and refuses pages past the end', async () => {
    await withSettings({ perPage: 3 }, async () => {
      const first = await loadBrowsePage(site, 'country', 'kr', 'newest', 1)
      expect(first.list).toMatchObject({ total: 4, page: 1, perPage: 3, pageCount: 2 })
      expect(await titles('country', 'kr', 'newest', 2)).toEqual(['Winter Persimmons'])
      await notFound(loadBrowsePage(site, 'country', 'kr', 'newest', 3))
    })
  })

  it('counts a person once per review, shows their roles, and ignores drafts', async () => {
    const data = await loadBrowsePage(site, 'people', 'keita-machida', 'newest', 1)
    expect(data.term.name).toBe('Keita Machida')
    expect(data.list.total).toBe(3)
    expect(data.list.items.map((r) => r.title)).toEqual(['Ash Garden', 'Moon Ferry', 'Quiet Lamps'])
    expect(data.roles).toEqual({ 'ash-garden': 'Cast', 'moon-ferry': 'Cast', 'quiet-lamps': 'Director, Writer' })
    expect(await titles('tag', 'ferries')).toEqual(['Moon Ferry', 'Quiet Lamps'])
    expect((await loadBrowsePage(site, 'tag', 'thriller', 'newest', 1)).term.name).toBe('thriller')
    expect(await titles('platform', 'tver')).toEqual(['Ash Garden', 'Quiet Lamps'])
    expect(await titles('year', '2024')).toEqual(['Moon Ferry', 'Paper Lanterns'])
    expect((await loadBrowsePage(site, 'meter', '4', 'newest', 1)).list.items.every((r) => r.meter?.value === 4)).toBe(true)
  })

  it('does not find values no published review has', async () => {
    await notFound(loadBrowsePage(site, 'country', 'fr', 'newest', 1)) // only a draft is from France
    await notFound(loadBrowsePage(site, 'country', 'xx', 'newest', 1))
    await notFound(loadBrowsePage(site, 'platform', 'hidden-platform', 'newest', 1))
    await notFound(loadBrowsePage(site, 'tag', 'unreleased', 'newest', 1))
    await notFound(loadBrowsePage(site, 'tag', 'no-such-tag', 'newest', 1))
    await notFound(loadBrowsePage(site, 'people', 'nobody-public', 'newest', 1))
    await notFound(loadBrowsePage(site, 'year', '1999', 'newest', 1))
    await notFound(loadBrowsePage(site, 'meter', '6', 'newest', 1))
  })

  it('keeps every level of the meter as a page, even an empty one', async () => {
    await withSettings({ meter: { ...(await getSiteSettings(site.db)).meter, max: 7 } }, async () => {
      const empty = await loadBrowsePage(site, 'meter', '7', 'newest', 1)
      expect(empty.list).toMatchObject({ total: 0, pageCount: 1, items: [] })
    })
  })
})

describe('spellings', () => {
  it('knows canonical keys by their form alone', () => {
    expect(isCanonicalKey('country', 'kr')).toBe(true)
    for (const raw of ['KR', 'korea', 'south-korea', 'xx']) expect(isCanonicalKey('country', raw), raw).toBe(false)
    expect(isCanonicalKey('tag', 'slow-burn')).toBe(true)
    expect(isCanonicalKey('tag', 'Slow Burn')).toBe(false)
    expect(isCanonicalKey('year', '2024')).toBe(true)
    expect(isCanonicalKey('meter', '2')).toBe(true)
    expect(isCanonicalKey('meter', '02')).toBe(false)
  })

  it('finds the canonical key of other spellings, and nothing for unknown names', async () => {
    for (const raw of ['KR', 'Kr', 'korea', 'south-korea', 'South Korea', 'Republic of Korea']) {
      expect(await findCanonicalKey(site, 'country', raw), raw).toBe('kr')
    }
    expect(await findCanonicalKey(site, 'country', 'UK')).toBe('gb')
    expect(await findCanonicalKey(site, 'country', 'Atlantis')).toBeUndefined()
    expect(await findCanonicalKey(site, 'platform', 'Prime Video')).toBe('prime-video')
    expect(await findCanonicalKey(site, 'tag', 'Slow Burn')).toBe('slow-burn')
    expect(await findCanonicalKey(site, 'tag', 'Never Used')).toBeUndefined()
    expect(await findCanonicalKey(site, 'people', 'KEITA MACHIDA')).toBe('keita-machida')
    expect(await findCanonicalKey(site, 'people', 'Keita-Machida')).toBe('keita-machida')
    expect(await findCanonicalKey(site, 'meter', '02')).toBe('2')
  })
})

describe('index pages', () => {
  it('counts published reviews per country, most first, then by name', async () => {
    const { items } = await loadFacetIndex(site, 'country')
    expect(items.slice(0, 2)).toEqual([
      { key: 'jp', name: 'Japan', count: 5, note: null },
      { key: 'kr', name: 'South Korea', count: 4, note: null },
    ])
    expect(items.find((i) => i.key === 'fr')).toBeUndefined()
    for (let i = 1; i < items.length; i++) {
      const [a, b] = [items[i - 1]!, items[i]!]
      expect(a.count > b.count || (a.count === b.count && a.name.localeCompare(b.name) < 0), `${a.name} before ${b.name}`).toBe(true)
    }
    const published = (await exportedPublished()).filter((d) => d.origin)
    expect(items.reduce((n, i) => n + i.count, 0)).toBe(published.length)
  })

  it('lists tags, platforms and people with their counts and roles', async () => {
    const tags = (await loadFacetIndex(site, 'tag')).items
    expect(tags[0]).toMatchObject({ key: 'romance', count: 5 })
    expect(tags.find((t) => t.key === 'thriller')).toMatchObject({ count: 3 })
    expect(tags.find((t) => t.key === 'ferries')).toMatchObject({ name: 'ferries', count: 2 })
    expect(tags.find((t) => t.key === 'unreleased')).toBeUndefined()
    const platforms = (await loadFacetIndex(site, 'platform')).items
    expect(platforms[0]).toEqual({ key: 'netflix', name: 'Netflix', count: 4, note: null })
    expect(platforms.find((p) => p.key === 'hidden-platform')).toBeUndefined()
    const people = (await loadFacetIndex(site, 'people')).items
    expect(people[0]).toEqual({ key: 'keita-machida', name: 'Keita Machida', count: 3, note: 'Cast, Director, Writer' })
    expect(people.find((p) => p.key === 'nobody-public')).toBeUndefined()
    expect(people.find((p) => p.key === 'aya-mori')).toMatchObject({ count: 1, note: 'Cast' })
  })

  it('runs years newest first and every meter level best first', async () => {
    const years = (await loadFacetIndex(site, 'year')).items.map((i) => Number(i.key))
    expect(years).toEqual([...years].sort((a, b) => b - a))
    expect(years[0]).toBe(2025)
    const levels = (await loadFacetIndex(site, 'meter')).items
    expect(levels.map((l) => l.key)).toEqual(['0', '1', '2', '3', '4', '5'])
    expect(levels.reduce((n, l) => n + l.count, 0)).toBe((await exportedPublished()).filter((d) => d.meter).length)
  })
})

describe('read API', () => {
  it('returns exactly the documents the JSON export writes, published only', async () => {
    const { list } = await loadApiReviews(site, { perPage: ['100'] })
    const exported = await exportedPublished()
    expect(list.total).toBe(exported.length)
    const bySlug = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a.slug).localeCompare(String(b.slug))
    // Same keys in the same order: compare the serialised text, not only the values.
    expect(JSON.stringify([...list.reviews].sort(bySlug))).toBe(JSON.stringify([...exported].sort(bySlug)))
    expect(list.reviews.some((d) => d.title === 'Secret Draft')).toBe(false)
  })

  it('filters, sorts and paginates', async () => {
    const get = async (q: Record<string, string>) =>
      (await loadApiReviews(site, Object.fromEntries(Object.entries(q).map(([k, v]) => [k, [v]])))).list
    const kr = await get({ country: 'kr' })
    expect(kr.total).toBe(4)
    expect(kr.reviews.every((d) => d.origin === 'South Korea')).toBe(true)
    expect((await get({ country: 'Japan', platform: 'netflix' })).reviews.map((d) => d.title)).toEqual(['Moon Ferry'])
    expect((await get({ person: 'keita-machida', sort: 'title' })).reviews.map((d) => d.title)).toEqual(['Ash Garden', 'Moon Ferry', 'Quiet Lamps'])
    expect((await get({ tag: 'thriller', year: '2024' })).reviews.map((d) => d.title)).toEqual(['Moon Ferry', 'Paper Lanterns'])
    expect((await get({ meter: '0' })).reviews.every((d) => (d.meter as { value: number }).value === 0)).toBe(true)
    const page2 = await get({ perPage: '5', page: '2' })
    expect(page2).toMatchObject({ page: 2, perPage: 5, total: 17, pageCount: 4 })
    expect(page2.reviews).toHaveLength(5)
    await notFound(get({ perPage: '5', page: '5' }))
  })

  it('refuses bad parameters with a message naming them', () => {
    const bad: [Record<string, string[]>, RegExp][] = [
      [{ country: ['zz'] }, /country "zz"/],
      [{ year: ['24x'] }, /year/],
      [{ meter: ['6'] }, /meter must be a whole number from 0 to 5/],
      [{ perPage: ['101'] }, /perPage .* 1 to 100/],
      [{ perPage: ['0'] }, /perPage/],
      [{ page: ['0'] }, /page/],
      [{ sort: ['best'] }, /sort must be one of newest, oldest, meter, title/],
      [{ contry: ['kr'] }, /unknown parameter "contry"/],
      [{ year: ['2024', '2025'] }, /"year" is given 2 times/],
      [{ tag: ['🔥'] }, /tag "🔥" has no letters/],
    ]
    for (const [params, message] of bad) {
      expect(() => readApiQuery(params, 5), JSON.stringify(params)).toThrow(BadQueryError)
      expect(() => readApiQuery(params, 5), JSON.stringify(params)).toThrow(message)
    }
    expect(readApiQuery({}, 5)).toEqual({ filter: {}, sort: 'newest', page: 1, perPage: 20 })
  })

  it('returns one published document and hides drafts', async () => {
    const exported = (await exportedPublished()).find((d) => d.slug === 'paper-lanterns-season-1')
    expect(JSON.stringify(await loadApiReview(site, 'paper-lanterns-season-1'))).toBe(JSON.stringify(exported))
    await notFound(loadApiReview(site, 'secret-draft'))
    await notFound(loadApiReview(site, 'no-such-review'))
  })
})
