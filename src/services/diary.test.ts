import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDataDir } from '../../test/helpers/server.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import { InvalidInputError, NotFoundError } from '../domain/errors.ts'
import { DEFAULT_SETTINGS } from '../domain/settings.ts'
import { getContentVersion, putSiteSettings } from '../store/settings.ts'
import { addUser } from './accounts.ts'
import {
  deleteDiaryEntry, loadDiaryAdmin, loadDiaryEntry, loadDiaryFormChoices, loadDiaryPage, loadWatchlist, loadYearInReview,
  recordDiaryEntry, updateDiaryEntry,
} from './diary.ts'
import { importFiles } from './import-files.ts'
import type { Site } from './site.ts'

let data: ReturnType<typeof tempDataDir>
let site: Site

beforeEach(async () => {
  data = tempDataDir()
  site = await openTestSite(data.dir)
})
afterEach(async () => {
  await site.close()
  data.remove()
})

/** Imports one small published review and returns its slug. */
async function addReview(title: string, status: 'published' | 'draft' = 'published'): Promise<string> {
  const file = join(data.dir, `${title}.json`)
  writeFileSync(file, JSON.stringify({ title, year: 2025, status, intro: 'Intro.', sections: [] }))
  const result = await importFiles(site, [file])
  return result.created[0]!
}

const watch = (over: Record<string, unknown> = {}) => ({ title: 'Paper Lanterns', finishedOn: '2025-03-20', ...over })

async function issuesOf(p: Promise<unknown>) {
  const err = await p.then(() => null, (e: unknown) => e)
  expect(err).toBeInstanceOf(InvalidInputError)
  return (err as InvalidInputError).issues.map((i) => [i.field, i.message])
}

describe('recording and editing watches', () => {
  it('records a watch with every field and reads it back', async () => {
    const slug = await addReview('Paper Lanterns')
    const user = await addUser(site, { username: 'mina', displayName: 'Mina', role: 'owner', password: 'correct horse battery' })
    const id = await recordDiaryEntry(
      site,
      {
        title: 'Paper Lanterns', origin: 'Korea', platform: 'Netflix', startedOn: '2025-03-03', finishedOn: '2025-03-20',
        episodesWatched: '16', episodesTotal: '16', rewatch: 'on', meter: '2', note: 'Slow, then wonderful.', status: 'finished', reviewSlug: slug,
      },
      user.id,
      new Date('2025-03-21T08:00:00Z'),
    )
    expect(await loadDiaryEntry(site, id)).toEqual({
      id, title: 'Paper Lanterns', origin: 'South Korea', originCode: 'KR', platform: 'Netflix', startedOn: '2025-03-03', finishedOn: '2025-03-20',
      episodesWatched: 16, episodesTotal: 16, rewatch: true, meter: { value: 2, max: 5 }, note: 'Slow, then wonderful.', status: 'finished',
      review: { slug, title: 'Paper Lanterns', published: true },
      createdAt: '2025-03-21T08:00:00.000Z', updatedAt: '2025-03-21T08:00:00.000Z',
    })
    const row = await site.db.selectFrom('diary_entries').select('created_by').where('id', '=', id).executeTakeFirstOrThrow()
    expect(row.created_by).toBe(user.id)
  })

  it('bumps the content version on every write so cached pages refresh', async () => {
    const v0 = await getContentVersion(site.db)
    const id = await recordDiaryEntry(site, watch(), null)
    expect(await getContentVersion(site.db)).toBe(v0 + 1)
    await updateDiaryEntry(site, id, watch({ title: 'Paper Lanterns (again)' }))
    expect(await getContentVersion(site.db)).toBe(v0 + 2)
    await deleteDiaryEntry(site, id)
    expect(await getContentVersion(site.db)).toBe(v0 + 3)
  })

  it('refuses bad input with every issue and writes nothing', async () => {
    const v0 = await getContentVersion(site.db)
    expect(await issuesOf(recordDiaryEntry(site, { title: '', meter: '7', episodesWatched: '3', episodesTotal: '2' }, null))).toEqual([
      ['title', 'is required'],
      ['episodesWatched', 'cannot be more than the 2 episodes in total'],
      ['meter', 'must be between 0 and 5'],
    ])
    expect(await issuesOf(recordDiaryEntry(site, watch({ reviewSlug: 'no-such-review' }), null))).toEqual([
      ['reviewSlug', 'there is no review with the slug "no-such-review"'],
    ])
    expect(await site.db.selectFrom('diary_entries').selectAll().execute()).toEqual([])
    expect(await getContentVersion(site.db)).toBe(v0)
  })

  it('keeps the meter scale it was recorded on', async () => {
    const id = await recordDiaryEntry(site, watch({ meter: '5' }), null)
    await site.db.transaction().execute((trx) => putSiteSettings(trx, { ...DEFAULT_SETTINGS, meter: { ...DEFAULT_SETTINGS.meter, max: 10 } }))
    expect((await loadDiaryEntry(site, id)).meter).toEqual({ value: 5, max: 5 })
    const later = await recordDiaryEntry(site, watch({ meter: '9' }), null)
    expect((await loadDiaryEntry(site, later)).meter).toEqual({ value: 9, max: 10 })
  })

  it('says when an entry to edit or delete does not exist, and leaves the rest alone', async () => {
    await expect(updateDiaryEntry(site, 999, watch())).rejects.toBeInstanceOf(NotFoundError)
    await expect(deleteDiaryEntry(site, 999)).rejects.toBeInstanceOf(NotFoundError)
    await expect(loadDiaryEntry(site, 999)).rejects.toBeInstanceOf(NotFoundError)
  })

  it('keeps a watch when its review is deleted, without the link', async () => {
    const slug = await addReview('Gone Soon')
    const id = await recordDiaryEntry(site, watch({ reviewSlug: slug }), null)
    await site.db.deleteFrom('reviews').where('slug', '=', slug).execute()
    expect((await loadDiaryEntry(site, id)).review).toBeNull()
  })

  it('marks links to unpublished reviews so readers do not follow them', async () => {
    const slug = await addReview('Work In Progress', 'draft')
    const id = await recordDiaryEntry(site, watch({ reviewSlug: slug }), null)
    expect((await loadDiaryEntry(site, id)).review).toEqual({ slug, title: 'Work In Progress', published: false })
    expect((await loadDiaryFormChoices(site)).reviews).toEqual([{ slug, title: 'Work In Progress' }])
  })
})

describe('the diary, the watchlist and the year in review', () => {
  async function seed() {
    const at = (iso: string) => new Date(iso)
    await recordDiaryEntry(site, { title: 'Old Finish', finishedOn: '2024-12-30', origin: 'Japan', platform: 'Netflix' }, null, at('2025-01-01T00:00:00Z'))
    await recordDiaryEntry(site, { title: 'Started Only', startedOn: '2025-04-02', status: 'watching', platform: 'Viki' }, null, at('2025-04-02T00:00:00Z'))
    await recordDiaryEntry(site, { title: 'Finished March', startedOn: '2025-02-01', finishedOn: '2025-03-15', origin: 'Korea', platform: 'netflix', meter: '1' }, null, at('2025-03-16T00:00:00Z'))
    await recordDiaryEntry(site, { title: 'Undated', status: 'dropped', origin: 'Thailand' }, null, at('2025-05-20T00:00:00Z'))
    await recordDiaryEntry(site, { title: 'Next Up', status: 'planned' }, null, at('2025-01-05T00:00:00Z'))
    await recordDiaryEntry(site, { title: 'After That', status: 'planned', platform: 'Viki' }, null, at('2025-02-05T00:00:00Z'))
  }

  it('lists watches newest first by finish, start or recording date, paginated, without the watchlist', async () => {
    await seed()
    await site.db.transaction().execute((trx) => putSiteSettings(trx, { ...DEFAULT_SETTINGS, perPage: 3 }))
    const first = await loadDiaryPage(site, 1)
    expect(first.list.items.map((e) => e.title)).toEqual(['Undated', 'Started Only', 'Finished March'])
    expect(first.list).toMatchObject({ total: 4, page: 1, perPage: 3, pageCount: 2 })
    expect(first.watchlist.map((e) => e.title)).toEqual(['Next Up', 'After That'])
    expect(first.years).toEqual([2025, 2024])
    const second = await loadDiaryPage(site, 2)
    expect(second.list.items.map((e) => e.title)).toEqual(['Old Finish'])
    expect(second.watchlist).toEqual([])
    await expect(loadDiaryPage(site, 3)).rejects.toBeInstanceOf(NotFoundError)
    expect((await loadWatchlist(site)).map((e) => e.title)).toEqual(['Next Up', 'After That'])
  })

  it('shows an empty first page on a site with no diary', async () => {
    const page = await loadDiaryPage(site, 1)
    expect(page.list).toMatchObject({ items: [], total: 0, pageCount: 1 })
    expect(page.years).toEqual([])
  })

  it('sums up a year and refuses years without watches', async () => {
    await seed()
    const { summary, entries } = await loadYearInReview(site, 2025)
    expect(entries.map((e) => e.title)).toEqual(['Finished March', 'Started Only', 'Undated'])
    expect(summary).toMatchObject({
      year: 2025, total: 3, byStatus: { finished: 1, watching: 1, dropped: 1 },
      byMonth: [0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
      byCountry: [{ key: 'kr', label: 'South Korea', count: 1 }, { key: 'th', label: 'Thailand', count: 1 }, { key: '', label: 'Unknown', count: 1 }],
      byPlatform: [{ key: 'netflix', label: 'netflix', count: 1 }, { key: 'viki', label: 'Viki', count: 1 }, { key: '', label: 'Unknown', count: 1 }],
      averageMeter: { value: 1, max: 5, rated: 1 },
    })
    expect((await loadYearInReview(site, 2024)).summary.total).toBe(1)
    await expect(loadYearInReview(site, 2023)).rejects.toBeInstanceOf(NotFoundError)
  })

  it('gives the admin every watch and the watchlist, with platform suggestions', async () => {
    await seed()
    const admin = await loadDiaryAdmin(site, 1)
    expect(admin.list.total).toBe(4)
    expect(admin.watchlist).toHaveLength(2)
    expect((await loadDiaryFormChoices(site)).platforms).toEqual(['Netflix', 'Viki'])
  })
})
