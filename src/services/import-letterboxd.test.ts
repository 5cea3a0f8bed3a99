import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDataDir } from '../../test/helpers/server.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import { writeZip, zipFolder } from '../../test/helpers/zip.ts'
import { InvalidInputError } from '../domain/errors.ts'
import { listDiaryEntries, listWatchlist } from '../store/diary.ts'
import { findReviewBySlug, listAllReviewRecords } from '../store/reviews.ts'
import { importFiles } from './import-files.ts'
import { loadListPage } from './lists.ts'
import type { Site } from './site.ts'

const FIXTURE = join(import.meta.dirname, '../../test/fixtures/letterboxd')

let data: ReturnType<typeof tempDataDir>
let site: Site
let zip: string

beforeEach(async () => {
  data = tempDataDir()
  site = await openTestSite(data.dir)
  zip = await zipFolder(FIXTURE, join(data.dir, 'letterboxd-export.zip'))
})
afterEach(async () => {
  await site.close()
  data.remove()
})

describe('importing a Letterboxd export through the import service', () => {
  it('brings in reviews, diary, ratings and watchlist, with skipped files named', async () => {
    const result = await importFiles(site, [zip])
    expect(result.created).toHaveLength(4)
    const lanterns = (await listAllReviewRecords(site.db)).find((r) => r.doc.title === 'Paper Lanterns')!
    expect(lanterns.doc).toMatchObject({
      year: 2024,
      // 4.5 stars on the default Facepalm Meter (0–5, lower is better): 1 facepalm.
      meter: { value: 1, max: 5 },
      source: { id: 'letterboxd:review:https://boxd.it/aR01', url: 'https://boxd.it/aR01' },
    })
    expect(lanterns.doc.intro).toContain('*all at once*')
    const diary = await listDiaryEntries(site.db, 1, 500)
    const watchlist = await listWatchlist(site.db)
    expect(watchlist.length).toBeGreaterThan(0)
    expect(diary.total + watchlist.length).toBe(result.diary.created)
    // A logged watch with a review links to it.
    expect(diary.items.some((e) => e.review?.slug === lanterns.doc.slug)).toBe(true)
    // Lists: entries find their review by title and year; others keep their title.
    expect(result.lists).toEqual({ created: 2, updated: 0 })
    const best = (await loadListPage(site, 'best-of-2024-so-far')).list
    expect(best.ranked).toBe(true)
    expect(best.entries.map((e) => [e.position, e.title, e.review?.slug ?? null])).toEqual([
      [1, 'Paper Lanterns', lanterns.doc.slug],
      [2, '종이등', '종이등'],
      [3, 'The Salt Ledger', null],
    ])
    const slow = (await loadListPage(site, 'slow-burn-favourites')).list
    expect([slow.ranked, slow.entries.map((e) => e.review?.slug ?? null)]).toEqual([false, [null, lanterns.doc.slug, null]])
  })

  it('does not duplicate anything on a second import, and skips when asked', async () => {
    const first = await importFiles(site, [zip])
    const again = await importFiles(site, [zip])
    expect(again.created).toEqual([])
    expect(again.updated.sort()).toEqual(first.created.sort())
    expect(again.diary).toEqual({ created: 0, updated: first.diary.created })
    expect(again.lists).toEqual({ created: 0, updated: 2 })
    expect(Number((await site.db.selectFrom('list_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(6)
    const skipped = await importFiles(site, [zip], { onConflict: 'skip' })
    expect(skipped.updated).toEqual([])
    expect(skipped.skipped.filter((s) => s.reason.startsWith('already on the site'))).toHaveLength(first.created.length + 2)
    expect((await listDiaryEntries(site.db, 1, 500)).total + (await listWatchlist(site.db)).length).toBe(first.diary.created)
  })

  it('reports every bad row at its line and writes nothing', async () => {
    const bad = await writeZip(join(data.dir, 'bad.zip'), [
      { name: 'diary.csv', data: Buffer.from('Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n2024-01-01,Good,2020,https://boxd.it/x1,4,,,2024-01-01\n2024-01-02,Bad,2020,https://boxd.it/x2,7,,,2024-01-02\n2024-01-03,,2020,https://boxd.it/x3,3,,,2024-13-40\n') },
    ])
    const err = await importFiles(site, [bad]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidInputError)
    const message = (err as Error).message
    expect(message).toMatch(/bad\.zip:diary\.csv:3: Rating: /)
    expect(message).toMatch(/bad\.zip:diary\.csv:4: Name: /)
    expect(message).toMatch(/bad\.zip:diary\.csv:4: Watched Date: /)
    expect((await listDiaryEntries(site.db, 1, 50)).total).toBe(0)
  })

  it('refuses a backup archive with a pointer to restore', async () => {
    const backup = await writeZip(join(data.dir, 'site.zip'), [{ name: 'dramalog-backup.json', data: Buffer.from('{}') }])
    await expect(importFiles(site, [backup])).rejects.toThrow(/site\.zip:1: \(file\): this is a Dramalog backup: restore it/)
    expect(await findReviewBySlug(site.db, 'paper-lanterns')).toBeUndefined()
  })
})
