import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDataDir } from '../../test/helpers/server.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import { InvalidInputError, NotFoundError } from '../domain/errors.ts'
import { getContentVersion } from '../store/settings.ts'
import { importFiles } from './import-files.ts'
import {
  addListEntry, createList, deleteList, listDocuments, loadListForEditing, loadListPage, loadListsIndex, moveListEntry, removeListEntry,
  reorderListEntries, updateList, updateListEntry,
} from './lists.ts'
import type { Site } from './site.ts'

// Runs on SQLite and on PostgreSQL (the `sqlite` and `postgres` Vitest projects).
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

async function addReview(title: string, status: 'published' | 'draft' = 'published', year = 2024): Promise<string> {
  const file = join(data.dir, `${title}.json`)
  writeFileSync(file, JSON.stringify({ title, year, status, intro: 'Intro.', sections: [] }))
  return (await importFiles(site, [file])).created[0]!
}

async function issuesOf(p: Promise<unknown>) {
  const err = await p.then(() => null, (e: unknown) => e)
  expect(err).toBeInstanceOf(InvalidInputError)
  return (err as InvalidInputError).issues.map((i) => [i.field, i.message])
}

const titles = async (id: number) => (await loadListForEditing(site, id)).entries.map((e) => e.title)

describe('lists', () => {
  it('creates a list with a slug from its title, a free one when taken, and refuses a taken slug asked for', async () => {
    const a = await createList(site, { title: 'Best Thrillers of 2024', status: 'published' }, null)
    const b = await createList(site, { title: 'Best Thrillers of 2024' }, null)
    expect([a.slug, b.slug]).toEqual(['best-thrillers-of-2024', 'best-thrillers-of-2024-2'])
    expect(await issuesOf(updateList(site, b.id, { title: 'X', slug: 'best-thrillers-of-2024' }))).toEqual([['slug', '"best-thrillers-of-2024" is the slug of another list']])
    expect(await issuesOf(createList(site, { title: '', slug: 'Not A Slug', status: 'sometimes' }, null))).toEqual([
      ['title', 'is required'],
      ['slug', '"Not A Slug" is not a slug (lower-case letters, digits and hyphens)'],
      ['status', 'must be "draft" or "published"'],
    ])
    expect((await loadListsIndex(site)).lists.map((l) => l.slug)).toEqual(['best-thrillers-of-2024'])
  })

  it('adds reviews and typed titles, keeps the title when the review is deleted, and hides drafts from readers', async () => {
    const lanterns = await addReview('Paper Lanterns')
    const draft = await addReview('Secret Draft', 'draft')
    const { id, slug } = await createList(site, { title: 'Mine', ranked: 'on', status: 'published' }, null)
    await addListEntry(site, id, { review: lanterns, note: 'Slow.' })
    await addListEntry(site, id, { title: 'Signal', year: '2016', origin: 'Korea' })
    await addListEntry(site, id, { review: draft })
    const page = (await loadListPage(site, slug)).list
    expect(page.entries.map((e) => [e.position, e.title, e.review?.slug ?? null, e.review?.summary?.slug ?? null, e.year, e.origin, e.note])).toEqual([
      [1, 'Paper Lanterns', lanterns, lanterns, null, null, 'Slow.'],
      [2, 'Signal', null, null, 2016, 'South Korea', null],
      // A draft review is linked in the admin but gives readers no card.
      [3, 'Secret Draft', draft, null, null, null, null],
    ])
    await site.db.deleteFrom('reviews').where('slug', '=', lanterns).execute()
    const after = (await loadListPage(site, slug)).list.entries[0]!
    expect([after.title, after.review]).toEqual(['Paper Lanterns', null])
  })

  it('refuses a review that does not exist and changes nothing', async () => {
    const { id } = await createList(site, { title: 'Mine' }, null)
    const version = await getContentVersion(site.db)
    expect(await issuesOf(addListEntry(site, id, { review: 'no-such-thing' }))).toEqual([['review', 'there is no review with the slug "no-such-thing"']])
    expect(await issuesOf(addListEntry(site, id, { year: '1850', title: 'Old' }))).toEqual([['year', '"1850" is not a year between 1900 and 2100']])
    expect(await issuesOf(addListEntry(site, id, { note: 'only a note' }))).toEqual([['title', 'is required when no review is picked']])
    expect(await titles(id)).toEqual([])
    expect(await getContentVersion(site.db)).toBe(version)
    await expect(addListEntry(site, id + 100, { title: 'X' })).rejects.toBeInstanceOf(NotFoundError)
  })

  it('moves, reorders and removes entries, keeping positions 1…n', async () => {
    const { id } = await createList(site, { title: 'Mine' }, null)
    const ids: number[] = []
    for (const t of ['A', 'B', 'C', 'D']) ids.push(await addListEntry(site, id, { title: t }))
    await moveListEntry(site, id, ids[3]!, 'up')
    expect(await titles(id)).toEqual(['A', 'B', 'D', 'C'])
    await moveListEntry(site, id, ids[0]!, 'up')
    expect(await titles(id)).toEqual(['A', 'B', 'D', 'C'])
    await moveListEntry(site, id, ids[0]!, 99)
    expect(await titles(id)).toEqual(['B', 'D', 'C', 'A'])
    await reorderListEntries(site, id, [ids[2]!, ids[1]!, ids[0]!, ids[3]!])
    expect(await titles(id)).toEqual(['C', 'B', 'A', 'D'])
    expect(await issuesOf(reorderListEntries(site, id, [ids[0]!, ids[0]!, ids[1]!, ids[2]!]))).toEqual([['order', 'must name every entry of the list once; reload the page and try again']])
    await removeListEntry(site, id, ids[1]!)
    const list = await loadListForEditing(site, id)
    expect(list.entries.map((e) => [e.position, e.title])).toEqual([[1, 'C'], [2, 'A'], [3, 'D']])
    await updateListEntry(site, id, ids[0]!, { title: 'A2', note: 'changed' })
    expect(await titles(id)).toEqual(['C', 'A2', 'D'])
    await expect(removeListEntry(site, id, ids[1]!)).rejects.toBeInstanceOf(NotFoundError)
  })

  it('keeps any sequence of moves a permutation numbered 1…n', async () => {
    const { id } = await createList(site, { title: 'Mine' }, null)
    const ids: number[] = []
    for (const t of ['A', 'B', 'C', 'D', 'E']) ids.push(await addListEntry(site, id, { title: t }))
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.oneof(fc.constant('up' as const), fc.constant('down' as const), fc.integer({ min: 1, max: 6 }))), { maxLength: 6 }), async (moves) => {
        const expected = await titles(id)
        for (const [i, to] of moves) {
          const from = expected.indexOf('ABCDE'[i]!)
          const target = typeof to === 'number' ? Math.min(to, 5) - 1 : to === 'up' ? Math.max(0, from - 1) : Math.min(4, from + 1)
          expected.splice(target, 0, ...expected.splice(from, 1))
          await moveListEntry(site, id, ids[i]!, to)
        }
        const list = await loadListForEditing(site, id)
        expect(list.entries.map((e) => e.title)).toEqual(expected)
        expect(list.entries.map((e) => e.position)).toEqual([1, 2, 3, 4, 5])
      }),
      { numRuns: 15 },
    )
  })

  it('dates a list by its first publication, and deletes it with its entries', async () => {
    const { id, slug } = await createList(site, { title: 'Mine' }, null, new Date('2025-01-01T00:00:00Z'))
    await expect(loadListPage(site, slug)).rejects.toBeInstanceOf(NotFoundError)
    await updateList(site, id, { title: 'Mine', status: 'published' }, new Date('2025-02-01T00:00:00Z'))
    await updateList(site, id, { title: 'Mine', status: 'draft' }, new Date('2025-03-01T00:00:00Z'))
    await updateList(site, id, { title: 'Mine', status: 'published' }, new Date('2025-04-01T00:00:00Z'))
    expect((await loadListPage(site, slug)).list.publishedAt).toBe('2025-02-01T00:00:00.000Z')
    await addListEntry(site, id, { title: 'A' })
    expect((await listDocuments(site))[0]).toEqual({
      kind: 'list', slug, title: 'Mine', description: '', ranked: false, status: 'published', publishedAt: '2025-02-01T00:00:00.000Z',
      entries: [{ review: null, title: 'A', year: null, origin: null, note: null }],
    })
    await deleteList(site, id)
    expect(await site.db.selectFrom('list_entries').selectAll().execute()).toEqual([])
    await expect(deleteList(site, id)).rejects.toBeInstanceOf(NotFoundError)
  })
})
