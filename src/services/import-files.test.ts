import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import sharp from 'sharp'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { InvalidInputError } from '../domain/errors.ts'
import { DEFAULT_SETTINGS } from '../domain/settings.ts'
import { findReviewBySlug, listAllReviewRecords } from '../store/reviews.ts'
import { getContentVersion, getSiteSettings } from '../store/settings.ts'
import { tempDataDir } from '../../test/helpers/server.ts'
import { importFiles } from './import-files.ts'
import { openSite, type Site } from './site.ts'

let data: ReturnType<typeof tempDataDir>
let site: Site
let n = 0

beforeEach(async () => {
  data = tempDataDir()
  site = await openSite({ dataDir: data.dir, databaseUrl: null })
})
afterEach(async () => {
  await site.close()
  data.remove()
})

/** Writes a pasted review file and returns its path. */
function pasted(title: string, opts: { year?: number; season?: string; body?: string; meter?: string } = {}): string {
  const file = join(data.dir, `${++n}.txt`)
  const lines = [
    `Year: ${opts.year ?? 2024}`,
    ...(opts.season === undefined ? [] : [`Season: ${opts.season}`]),
    `Facepalm Meter: ${opts.meter ?? '🤦'}`,
    '',
    'A hook?',
    '',
    `${title} – Headline`,
    '',
    'Intro.',
    '',
    'Vibes – Cosy',
    opts.body ?? 'Body.',
  ]
  writeFileSync(file, lines.join('\n'))
  return file
}

describe('importFiles on a real SQLite file', () => {
  it('starts a new site with the house format settings', async () => {
    expect(site.isNew).toBe(true)
    expect(await getSiteSettings(site.db)).toEqual(DEFAULT_SETTINGS)
    expect(DEFAULT_SETTINGS.rubric).toEqual(['Story / Writing', 'Acting', 'Originality', 'Vibes', 'Impact'])
    expect(DEFAULT_SETTINGS.meter).toMatchObject({ name: 'Facepalm Meter', symbol: '🤦', max: 5, direction: 'lower-is-better' })
  })

  it('gives different shows with one title unique slugs, and keeps each slug on re-import', async () => {
    const a = pasted('Home Again', { year: 2019 })
    const b = pasted('Home Again', { year: 2024 })
    const c = pasted('Home Again', { year: 2024, season: '2' })
    const first = await importFiles(site, [a, b, c])
    expect(first.created).toEqual(['home-again', 'home-again-2024', 'home-again-season-2'])
    const again = await importFiles(site, [b, a, c])
    expect(again.created).toEqual([])
    expect(again.updated).toEqual(['home-again-2024', 'home-again', 'home-again-season-2'])
    expect((await findReviewBySlug(site.db, 'home-again-2024'))!.revision).toBe(2)
  })

  it('slugs non-Latin titles without losing their letters', async () => {
    const result = await importFiles(site, [pasted('사랑의 불시착'), pasted('ガラスの家')])
    expect(result.created).toEqual(['사랑의-불시착', 'ガラスの家'])
  })

  it('writes nothing when any file is bad, and reports the same review twice in one import', async () => {
    const version = await getContentVersion(site.db)
    const good = pasted('Fine One')
    const bad = pasted('Bad One', { meter: '🤦🤦🤦🤦🤦🤦🤦' })
    const error = await importFiles(site, [good, bad]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidInputError)
    expect((error as InvalidInputError).issues).toEqual([
      { file: bad, line: 2, field: 'meter', message: "7 is over the Facepalm Meter's maximum of 5" },
    ])
    const twice = await importFiles(site, [good, pasted('Fine One')]).catch((e: unknown) => e)
    expect((twice as InvalidInputError).issues[0]).toMatchObject({ field: 'title', message: expect.stringContaining(good) })
    expect(await listAllReviewRecords(site.db)).toEqual([])
    expect(await getContentVersion(site.db)).toBe(version)
  })

  it('stores Markdown rendered once, with raw HTML and unsafe links neutralised', async () => {
    const file = pasted('Safe Show', { body: '<script>alert(1)</script> [x](javascript:alert(1)) *fine* https://example.com' })
    await importFiles(site, [file])
    const record = await findReviewBySlug(site.db, 'safe-show')
    const html = record!.sectionHtml[0]!
    expect(html).toContain('&lt;script&gt;')
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('href="javascript:')
    expect(html).toContain('<em>fine</em>')
    expect(html).toContain('<a href="https://example.com" rel="noopener nofollow ugc">')
  })

  it('bumps the content version on every import so page caches refresh', async () => {
    const before = await getContentVersion(site.db)
    await importFiles(site, [pasted('Version Show')])
    expect(await getContentVersion(site.db)).toBe(before + 1)
    const dir = join(data.dir, 'empty')
    mkdirSync(dir)
    await importFiles(site, [dir], { dryRun: true })
    expect(await getContentVersion(site.db)).toBe(before + 1)
  })
})

describe('importFiles edge cases', () => {
  it('caps slugs so exports still fit file names, and round-trips them', async () => {
    const file = pasted('가'.repeat(200), { season: '1' })
    const { created } = await importFiles(site, [file])
    expect(new TextEncoder().encode(created[0]!).length).toBeLessThanOrEqual(170)
    expect(created[0]!.endsWith('-season-1')).toBe(true)
  })

  it('keeps tags that slugify alike or to nothing as separate tags', async () => {
    const json = join(data.dir, 'tags.json')
    writeFileSync(json, JSON.stringify([
      { slug: 'one', title: 'One', tags: ['🔥'] },
      { slug: 'two', title: 'Two', tags: ['❤️', 'C', 'C++'] },
    ]))
    await importFiles(site, [json])
    expect((await findReviewBySlug(site.db, 'one'))!.doc.tags).toEqual(['🔥'])
    expect((await findReviewBySlug(site.db, 'two'))!.doc.tags).toEqual(['❤️', 'C', 'C++'])
  })

  it('lets an explicit slug win over a derived one whatever the file order', async () => {
    for (const order of [0, 1]) {
      const docs = [{ title: 'Foo', year: 2024 }, { slug: 'foo', title: 'Foo', year: 2023 }]
      const json = join(data.dir, `order-${order}.json`)
      writeFileSync(json, JSON.stringify(order ? docs.reverse() : docs))
      const fresh = tempDataDir()
      const other = await openSite({ dataDir: fresh.dir, databaseUrl: null })
      try {
        const result = await importFiles(other, [json])
        expect(result.created.sort()).toEqual(['foo', 'foo-2024'])
        expect((await findReviewBySlug(other.db, 'foo'))!.doc.year).toBe(2023)
      } finally {
        await other.close()
        fresh.remove()
      }
    }
  })

  it('copies a poster and its variant files (not folders) only when the import commits', async () => {
    const dir = join(data.dir, 'bundle')
    mkdirSync(join(dir, 'media', 'posters', 'mm.w300.webp'), { recursive: true })
    writeFileSync(join(dir, 'media', 'posters', 'mm.w600.jpg'), await sharp({ create: { width: 600, height: 900, channels: 3, background: '#336699' } }).jpeg().toBuffer())
    writeFileSync(join(dir, 'mm.md'), '---\nslug: mm\ntitle: MM\nposter:\n  src: /media/posters/mm.w600.jpg\n---\n\n## Acting – Ok\n')
    writeFileSync(join(dir, 'zz.md'), '---\ntitle: Broken\nyear: nope\n---\n')
    await expect(importFiles(site, [dir])).rejects.toBeInstanceOf(InvalidInputError)
    expect(existsSync(join(site.mediaDir, 'posters', 'mm.w600.jpg'))).toBe(false)
    rmSync(join(dir, 'zz.md'))
    await importFiles(site, [dir])
    expect(existsSync(join(site.mediaDir, 'posters', 'mm.w600.jpg'))).toBe(true)
    const record = await findReviewBySlug(site.db, 'mm')
    expect(record!.posterImage).toEqual({ width: 600, height: 900, color: expect.stringMatching(/^#[0-9a-f]{6}$/) })
  })
})
