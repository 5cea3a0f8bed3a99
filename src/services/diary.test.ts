import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDataDir } from '../../test/helpers/server.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import { DramalogError, InvalidInputError, NotFoundError } from '../domain/errors.ts'
import { DEFAULT_SETTINGS } from '../domain/settings.ts'
import type { Role, SessionUser } from '../domain/user.ts'
import { getContentVersion, putSiteSettings } from '../store/settings.ts'
import { addUser } from './accounts.ts'
import {
  deleteDiaryEntry, loadDiaryAdmin, loadDiaryEntry, loadDiaryEntryForEditing, loadDiaryFormChoices, loadDiaryPage, loadWatchlist,
  loadYearInReview, recordDiaryEntry, StaleDiaryEntryError, updateDiaryEntry,
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

/** A signed-in person with a new account of the given role. */
async function person(username: string, role: Role): Promise<SessionUser> {
  const u = await addUser(site, { username, displayName: username, role, password: 'correct horse battery' })
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role }
}

/** The version an edit form of the entry carries. */
const versionOf = async (id: number) => (await loadDiaryEntry(site, id)).updatedAt

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
      createdBy: user.id, createdAt: '2025-03-21T08:00:00.000Z', updatedAt: '2025-03-21T08:00:00.000Z',
    })
    const row = await site.db.selectFrom('diary_entries').select('created_by').where('id', '=', id).executeTakeFirstOrThrow()
    expect(row.created_by).toBe(user.id)
  })

  it('bumps the content version on every write so cached pages refresh', async () => {
    const owner = await person('mina', 'owner')
    const v0 = await getContentVersion(site.db)
    const id = await recordDiaryEntry(site, watch(), null)
    expect(await getContentVersion(site.db)).toBe(v0 + 1)
    await updateDiaryEntry(site, owner, id, watch({ title: 'Paper Lanterns (again)' }), await versionOf(id))
    expect(await getContentVersion(site.db)).toBe(v0 + 2)
    await deleteDiaryEntry(site, owner, id)
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
    const owner = await person('mina', 'owner')
    await expect(updateDiaryEntry(site, owner, 999, watch(), '2025-01-01T00:00:00.000Z')).rejects.toBeInstanceOf(NotFoundError)
    await expect(deleteDiaryEntry(site, owner, 999)).rejects.toBeInstanceOf(NotFoundError)
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
    const admin = await loadDiaryAdmin(site, await person('mina', 'owner'), 1)
    expect(admin.list.total).toBe(4)
    expect(admin.watchlist).toHaveLength(2)
    expect((await loadDiaryFormChoices(site)).platforms).toEqual(['Netflix', 'Viki'])
  })
})

describe('who may change an entry', () => {
  /** The error a call fails with, or null. */
  const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e)
  const isForbidden = (e: unknown) => e instanceof DramalogError && e.code === 'forbidden'

  it('lets authors change only the entries they recorded, and owners and editors every entry, imported ones too', async () => {
    const owner = await person('olive', 'owner')
    const editor = await person('eddie', 'editor')
    const ana = await person('ana', 'author')
    const ben = await person('ben', 'author')
    const anas = await recordDiaryEntry(site, watch({ title: 'Ana Watched' }), ana.id)
    const bens = await recordDiaryEntry(site, watch({ title: 'Ben Watched' }), ben.id)
    const imported = await recordDiaryEntry(site, watch({ title: 'Imported', status: 'planned', finishedOn: '' }), null)
    const before = await site.db.selectFrom('diary_entries').selectAll().orderBy('id').execute()
    const v0 = await getContentVersion(site.db)

    for (const id of [bens, imported]) {
      expect(isForbidden(await failure(loadDiaryEntryForEditing(site, ana, id))), `open ${id}`).toBe(true)
      expect(isForbidden(await failure(updateDiaryEntry(site, ana, id, watch({ title: 'Taken Over' }), await versionOf(id)))), `save ${id}`).toBe(true)
      expect(isForbidden(await failure(deleteDiaryEntry(site, ana, id))), `delete ${id}`).toBe(true)
    }
    // The refusal comes before the form is checked: it says nothing about the entry's fields.
    expect(isForbidden(await failure(updateDiaryEntry(site, ana, bens, { title: '' }, await versionOf(bens))))).toBe(true)
    expect(await site.db.selectFrom('diary_entries').selectAll().orderBy('id').execute()).toEqual(before)
    expect(await getContentVersion(site.db)).toBe(v0)

    const admin = await loadDiaryAdmin(site, ana, 1)
    expect([...admin.editable]).toEqual([anas])
    expect([...(await loadDiaryAdmin(site, editor, 1)).editable].sort()).toEqual([anas, bens, imported].sort())

    expect((await loadDiaryEntryForEditing(site, ana, anas)).title).toBe('Ana Watched')
    await updateDiaryEntry(site, ana, anas, watch({ title: 'Ana Watched Again' }), await versionOf(anas))
    expect((await loadDiaryEntry(site, anas)).title).toBe('Ana Watched Again')
    await updateDiaryEntry(site, editor, bens, watch({ title: 'Ben Watched (edited)' }), await versionOf(bens))
    await updateDiaryEntry(site, owner, imported, watch({ title: 'Imported (edited)', status: 'planned', finishedOn: '' }), await versionOf(imported))
    expect((await loadDiaryEntry(site, bens)).title).toBe('Ben Watched (edited)')
    expect((await loadDiaryEntry(site, imported)).title).toBe('Imported (edited)')
    await deleteDiaryEntry(site, ana, anas)
    await deleteDiaryEntry(site, editor, bens)
    await deleteDiaryEntry(site, owner, imported)
    expect(await site.db.selectFrom('diary_entries').selectAll().execute()).toEqual([])
  })
})

describe('saves from an older version of an entry', () => {
  it('refuses the second of two saves from the same version, keeping the first and writing nothing', async () => {
    const mina = await person('mina', 'owner')
    const id = await recordDiaryEntry(site, watch({ note: 'First thoughts.' }), mina.id, new Date('2025-03-21T08:00:00Z'))
    const loaded = await versionOf(id)
    await updateDiaryEntry(site, mina, id, watch({ note: 'Saved first.' }), loaded, new Date('2025-03-22T08:00:00Z'))
    const v0 = await getContentVersion(site.db)
    const err = await updateDiaryEntry(site, mina, id, watch({ note: 'Saved second.', meter: '4' }), loaded, new Date('2025-03-22T09:00:00Z')).then(
      () => null, (e: unknown) => e)
    expect(err).toBeInstanceOf(StaleDiaryEntryError)
    expect((err as StaleDiaryEntryError).code).toBe('conflict')
    expect((err as StaleDiaryEntryError).current).toMatchObject({ note: 'Saved first.', meter: null, updatedAt: '2025-03-22T08:00:00.000Z' })
    expect(await loadDiaryEntry(site, id)).toMatchObject({ note: 'Saved first.', meter: null, updatedAt: '2025-03-22T08:00:00.000Z' })
    expect(await getContentVersion(site.db)).toBe(v0)
    // Saving again from the version the conflict showed is a deliberate overwrite, and goes through.
    await updateDiaryEntry(site, mina, id, watch({ note: 'Saved second.' }), (err as StaleDiaryEntryError).current.updatedAt, new Date('2025-03-22T09:00:00Z'))
    expect((await loadDiaryEntry(site, id)).note).toBe('Saved second.')
  })

  it('tells saves apart that fall in the same millisecond, or after the clock stepped back', async () => {
    const mina = await person('mina', 'owner')
    const at = new Date('2025-03-21T08:00:00.000Z')
    const id = await recordDiaryEntry(site, watch(), mina.id, at)
    const loaded = await versionOf(id)
    await updateDiaryEntry(site, mina, id, watch({ note: 'Same millisecond.' }), loaded, at)
    const first = await versionOf(id)
    expect(first).not.toBe(loaded)
    await expect(updateDiaryEntry(site, mina, id, watch({ note: 'Lost?' }), loaded, at)).rejects.toBeInstanceOf(StaleDiaryEntryError)
    await updateDiaryEntry(site, mina, id, watch({ note: 'Clock went back.' }), first, new Date('2025-03-20T08:00:00.000Z'))
    expect(await versionOf(id)).not.toBe(first)
    await expect(updateDiaryEntry(site, mina, id, watch({ note: 'Lost?' }), first, at)).rejects.toBeInstanceOf(StaleDiaryEntryError)
    expect((await loadDiaryEntry(site, id)).note).toBe('Clock went back.')
  })

  it('lets exactly one of two simultaneous saves from the same version through', async () => {
    const mina = await person('mina', 'owner')
    const ana = await person('ana', 'editor')
    const id = await recordDiaryEntry(site, watch(), mina.id)
    const loaded = await versionOf(id)
    const at = new Date()
    const results = await Promise.allSettled([
      updateDiaryEntry(site, mina, id, watch({ note: 'Mina was here.' }), loaded, at),
      updateDiaryEntry(site, ana, id, watch({ note: 'Ana was here.' }), loaded, at),
    ])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    const won = results.findIndex((r) => r.status === 'fulfilled')
    const lost = results[1 - won] as PromiseRejectedResult
    expect(lost.reason).toBeInstanceOf(StaleDiaryEntryError)
    expect((await loadDiaryEntry(site, id)).note).toBe(won === 0 ? 'Mina was here.' : 'Ana was here.')
  })
})
