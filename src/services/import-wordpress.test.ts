import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDataDir } from '../../test/helpers/server.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import { listApprovedComments } from '../store/comments.ts'
import { findReviewBySlug, listAllReviewRecords } from '../store/reviews.ts'
import { exportRedirects } from './export-reviews.ts'
import { importFiles } from './import-files.ts'
import type { Site } from './site.ts'

const WXR = join(import.meta.dirname, '../../test/fixtures/wxr/old-blog.xml')

let data: ReturnType<typeof tempDataDir>
let site: Site
let uploads: string

beforeEach(async () => {
  data = tempDataDir()
  site = await openTestSite(data.dir)
  // A copy of the old site's uploads folder with two of the three images the export names.
  uploads = join(data.dir, 'uploads')
  for (const [path, colour] of [['2023/04/lantern-poster.jpg', '#aa5522'], ['2024/05/bakery-poster.png', '#2255aa']] as const) {
    mkdirSync(join(uploads, path, '..'), { recursive: true })
    const image = sharp({ create: { width: 400, height: 600, channels: 3, background: colour } })
    writeFileSync(join(uploads, path), await (path.endsWith('.png') ? image.png() : image.jpeg()).toBuffer())
  }
})
afterEach(async () => {
  await site.close()
  data.remove()
})

describe('importing a WordPress export through the import service', () => {
  it('records each review as saved in its first revision, posters too, when read in a thread', async () => {
    const result = await importFiles(site, [WXR], { uploadsDir: uploads, threads: 1 })
    const records = await listAllReviewRecords(site.db)
    expect(records.length).toBe(result.created.length)
    expect(records.filter((r) => r.doc.poster?.src?.startsWith('/media/'))).toHaveLength(2)
    for (const r of records) {
      const revision = await site.db.selectFrom('revisions').select('doc_json').where('review_id', '=', r.id).executeTakeFirstOrThrow()
      expect(JSON.parse(revision.doc_json)).toEqual(r.doc)
    }
  })

  it('brings in the reviews with their statuses, tags, posters and comments', async () => {
    const result = await importFiles(site, [WXR], { uploadsDir: uploads })
    const records = await listAllReviewRecords(site.db)
    expect(records.length).toBe(result.created.length)
    expect(records.length).toBeGreaterThanOrEqual(4)
    const statuses = new Set(records.map((r) => r.doc.status))
    expect(statuses).toEqual(new Set(['published', 'draft', 'scheduled', 'unpublished']))
    for (const r of records) expect(r.doc.source?.id).toMatch(/^wordpress:/)
    // Featured images from the uploads copy became posters in every size.
    const withPoster = records.filter((r) => r.doc.poster?.src?.startsWith('/media/posters/'))
    expect(withPoster.length).toBe(2)
    for (const r of withPoster) expect(r.posterImage).toMatchObject({ width: 900, height: 1350 })
    expect(readdirSync(join(site.mediaDir, 'posters'))).toHaveLength(18)
    expect(result.media).toBe(18)
    // Approved comments only, replies under their comment.
    expect(result.comments.created).toBeGreaterThan(0)
    const commented = records.find((r) => r.doc.poster?.src && r.doc.status === 'published')!
    const comments = await listApprovedComments(site.db, commented.id)
    expect(comments.count).toBe(result.comments.created)
    expect(comments.items.some((c) => c.replies.length > 0)).toBe(true)
    // Pages, the menu item and the post that is not a review are listed, with reasons.
    expect(result.skipped.length).toBeGreaterThanOrEqual(4)
    for (const s of result.skipped) expect(s.at).toMatch(/old-blog\.xml:\d+$/)
    // A redirect map from the old addresses.
    expect(await exportRedirects(site)).toMatch(/^\/\S+\/ \/reviews\/\S+ 301$/m)
  })

  it('warns about an image it cannot have and imports the review without it', async () => {
    const result = await importFiles(site, [WXR], { uploadsDir: join(data.dir, 'empty-uploads') })
    const posterWarnings = result.warnings.filter((w) => w.includes('poster:'))
    expect(posterWarnings.length).toBeGreaterThanOrEqual(2)
    for (const w of posterWarnings) expect(w).toMatch(/old-blog\.xml:\d+: poster: .*imported without its poster/)
    expect(result.media).toBe(0)
    for (const r of await listAllReviewRecords(site.db)) expect(r.doc.poster?.src ?? null).toBeNull()
  }, 60_000)

  it('updates instead of duplicating on a second import', async () => {
    const first = await importFiles(site, [WXR], { uploadsDir: uploads })
    const second = await importFiles(site, [WXR], { uploadsDir: uploads })
    expect(second.created).toEqual([])
    expect(second.updated.sort()).toEqual(first.created.sort())
    expect(second.comments.created).toBe(0)
    expect((await listAllReviewRecords(site.db)).length).toBe(first.created.length)
    const one = await findReviewBySlug(site.db, first.created[0]!)
    expect(one!.revision).toBe(2)
  })
})
