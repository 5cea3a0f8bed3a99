import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import sharp from 'sharp'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { InvalidInputError } from '../domain/errors.ts'
import { DEFAULT_SETTINGS } from '../domain/settings.ts'
import { findReviewBySlug, listAllReviewRecords } from '../store/reviews.ts'
import { getContentVersion, getSiteSettings } from '../store/settings.ts'
import { tempDataDir } from '../../test/helpers/server.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import { importFiles } from './import-files.ts'
import type { Site } from './site.ts'

let data: ReturnType<typeof tempDataDir>
let site: Site
let n = 0

beforeEach(async () => {
  data = tempDataDir()
  site = await openTestSite(data.dir)
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

  it('finds a tag again after meeting thousands of others in the same import', async () => {
    // 60 reviews with 40 new tags each, then one naming the first review's tags again (in another case).
    const docs = Array.from({ length: 60 }, (_, r) => ({ slug: `r-${r}`, title: `R ${r}`, tags: Array.from({ length: 40 }, (_, t) => `tag ${r}-${t}`) }))
    docs.push({ slug: 'again', title: 'Again', tags: docs[0]!.tags.map((t) => t.toUpperCase()) })
    const json = join(data.dir, 'many-tags.json')
    writeFileSync(json, JSON.stringify(docs))
    await importFiles(site, [json])
    const tags = await site.db.selectFrom('tags').select(['id', 'name']).execute()
    expect(tags).toHaveLength(2_400)
    const first = (await findReviewBySlug(site.db, 'r-0'))!
    const again = (await findReviewBySlug(site.db, 'again'))!
    expect(again.doc.tags).toEqual(first.doc.tags)
    const links = (slug: string) => site.db.selectFrom('review_tags').innerJoin('reviews', 'reviews.id', 'review_tags.review_id')
      .where('reviews.slug', '=', slug).select('review_tags.tag_id').orderBy('review_tags.tag_id').execute()
    expect(await links('again')).toEqual(await links('r-0'))
  })

  it('lets an explicit slug win over a derived one whatever the file order', async () => {
    for (const order of [0, 1]) {
      const docs = [{ title: 'Foo', year: 2024 }, { slug: 'foo', title: 'Foo', year: 2023 }]
      const json = join(data.dir, `order-${order}.json`)
      writeFileSync(json, JSON.stringify(order ? docs.reverse() : docs))
      const fresh = tempDataDir()
      const other = await openTestSite(fresh.dir)
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

describe('all or nothing', () => {
  /** Every media file with a hash of its bytes, what import work folders exist, the export and row counts. */
  async function snapshot(s: Site) {
    const { createHash } = await import('node:crypto')
    const { readdirSync, readFileSync, statSync } = await import('node:fs')
    const files: Record<string, string> = {}
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name)
        if (statSync(p).isDirectory()) walk(p)
        else files[p.slice(data.dir.length)] = createHash('sha256').update(readFileSync(p)).digest('hex')
      }
    }
    walk(s.mediaDir)
    for (const name of readdirSync(data.dir)) if (name.startsWith('.import')) files[name] = 'work folder left behind'
    const { exportJson } = await import('./export-reviews.ts')
    const counts: Record<string, number> = {}
    for (const t of ['reviews', 'revisions', 'sections', 'tags', 'people', 'comments', 'diary_entries'] as const) {
      counts[t] = Number((await s.db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
    }
    return { files, json: await exportJson(s), counts, version: await getContentVersion(s.db) }
  }

  it('leaves the database and the media folder exactly as before when the last record fails', async () => {
    await importFiles(site, [pasted('Already Here'), pasted('Also Here', { year: 2020 })])
    const before = await snapshot(site)
    // A bundle of good reviews with posters (staged before the save), whose last record takes a
    // slug an earlier record of the same import already claimed: found only while saving.
    const dir = join(data.dir, 'incoming')
    mkdirSync(join(dir, 'media', 'posters'), { recursive: true })
    const poster = await sharp({ create: { width: 300, height: 450, channels: 3, background: '#884422' } }).jpeg().toBuffer()
    for (let i = 0; i < 5; i++) {
      writeFileSync(join(dir, 'media', 'posters', `p${i}.w300.jpg`), poster)
      writeFileSync(join(dir, `${i}.md`), `---\nslug: new-${i}\ntitle: New ${i}\nposter:\n  src: /media/posters/p${i}.w300.jpg\n---\n\nIntro ${i}.\n`)
    }
    writeFileSync(join(dir, '9-last.json'), JSON.stringify({ slug: 'new-0', title: 'Not New 0', intro: 'x' }))
    const err = await importFiles(site, [dir, pasted('Already Here', { body: 'Changed.' })]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidInputError)
    expect((err as InvalidInputError).message).toMatch(/9-last\.json:1: slug: the same review as in .*0\.md:1/)
    expect(await snapshot(site)).toEqual(before)
  })

  it('writes nothing on a dry run, and reports what it would do', async () => {
    const before = await snapshot(site)
    const result = await importFiles(site, [pasted('Dry Land')], { dryRun: true })
    expect(result).toMatchObject({ dryRun: true, created: ['dry-land'] })
    expect(await snapshot(site)).toEqual(before)
  })
})

describe('matching records from other sites', () => {
  const source = (id: string, more: Record<string, unknown> = {}) => ({ title: 'Harbour Lights', year: 2022, source: { id, url: `https://old.example/${id}` }, intro: 'First.', ...more })
  const jsonFile = (docs: unknown[]) => {
    const file = join(data.dir, `${++n}.json`)
    writeFileSync(file, JSON.stringify(docs))
    return file
  }

  it('finds an imported review again by its source id, whatever its slug became', async () => {
    const first = await importFiles(site, [jsonFile([source('wp:1')])])
    expect(first.created).toEqual(['harbour-lights'])
    // The old site renamed the post: same source id, new title. Still the same review.
    const again = await importFiles(site, [jsonFile([source('wp:1', { title: 'Harbour Lights Redux', intro: 'Second.' })])])
    expect(again).toMatchObject({ created: [], updated: ['harbour-lights'] })
    const docs = await listAllReviewRecords(site.db)
    expect(docs.map((r) => [r.doc.slug, r.doc.title, r.doc.source])).toEqual([
      ['harbour-lights', 'Harbour Lights Redux', { id: 'wp:1', url: 'https://old.example/wp:1' }],
    ])
  })

  it('keeps two sources with one title as two reviews', async () => {
    const result = await importFiles(site, [jsonFile([source('wp:1'), source('wp:2')])])
    expect(result.created).toEqual(['harbour-lights', 'harbour-lights-2022'])
    expect((await importFiles(site, [jsonFile([source('wp:2', { intro: 'New.' })])])).updated).toEqual(['harbour-lights-2022'])
  })

  it('skips what is already there with onConflict skip, saying why', async () => {
    await importFiles(site, [jsonFile([source('wp:1')])])
    const file = jsonFile([source('wp:1', { intro: 'Changed.' }), source('wp:3', { title: 'Other Show' })])
    const result = await importFiles(site, [file], { onConflict: 'skip' })
    expect(result.created).toEqual(['other-show'])
    expect(result.skipped).toEqual([{ at: expect.stringMatching(/\.json:1$/), what: 'review "Harbour Lights"', reason: 'already on the site as /reviews/harbour-lights' }])
    expect((await findReviewBySlug(site.db, 'harbour-lights'))!.doc.intro).toBe('First.')
  })

  it('exports a redirect map from the old addresses', async () => {
    await importFiles(site, [
      jsonFile([
        { title: 'Old Post', source: { id: 'wp:1', url: 'https://old.example/2023/04/old-post/' } },
        { title: 'Draft Post', source: { id: 'wp:2', url: 'https://old.example/?p=2' } },
        { title: 'Written Here' },
      ]),
    ])
    const { exportRedirects } = await import('./export-reviews.ts')
    expect((await exportRedirects(site)).split('\n').slice(1)).toEqual([
      '/2023/04/old-post/ /reviews/old-post 301',
      '# /?p=2 /reviews/draft-post 301',
      '',
    ])
  })

  it('refuses a slug that belongs to a review from another source', async () => {
    await importFiles(site, [jsonFile([{ ...source('wp:1'), slug: 'lights' }])])
    const err = await importFiles(site, [jsonFile([{ ...source('wp:9'), slug: 'lights' }])]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidInputError)
    expect(String((err as Error).message)).toContain('slug: "lights" is already the slug of a review imported from wp:1')
  })
})
