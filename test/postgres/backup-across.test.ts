import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ReviewDocument } from '../../src/domain/review.ts'
import { addUser } from '../../src/services/accounts.ts'
import { restoreBackup, writeBackup } from '../../src/services/backup.ts'
import { recordDiaryEntry } from '../../src/services/diary.ts'
import { saveFromEditor } from '../../src/services/edit-review.ts'
import { exportJson } from '../../src/services/export-reviews.ts'
import { importFiles } from '../../src/services/import-files.ts'
import type { Site } from '../../src/services/site.ts'
import { ROOT, tempDataDir } from '../helpers/server.ts'
import { openTestSite } from '../helpers/sites.ts'

// A backup holds rows as JSON, the same from either database: one made on SQLite restores into
// PostgreSQL and one made there restores into SQLite, with the same export and the same ids.
const dirs: ReturnType<typeof tempDataDir>[] = []
const sites: Site[] = []
const open = async (dialect: 'sqlite' | 'postgres') => {
  const d = tempDataDir()
  dirs.push(d)
  const site = await openTestSite(d.dir, {}, dialect)
  sites.push(site)
  return site
}
let source: Site

beforeAll(async () => {
  source = await open('sqlite')
  await importFiles(source, [join(ROOT, 'demo', 'reviews')])
  const u = await addUser(source, { username: 'mira', displayName: 'Mira', role: 'owner', password: 'correct horse battery' })
  await recordDiaryEntry(source, { title: 'Paper Lanterns', status: 'finished', finishedOn: '2024-03-17', reviewSlug: 'paper-lanterns-season-1' }, u.id)
}, 120_000)
afterAll(async () => {
  for (const s of sites) await s.close()
  for (const d of dirs) d.remove()
})

it('moves a site from SQLite to PostgreSQL and back through backups', async () => {
  const expected = await exportJson(source)
  const first = join(dirs[0]!.dir, 'from-sqlite.zip')
  await writeBackup(source, first)
  const onPostgres = await open('postgres')
  await restoreBackup(onPostgres, first)
  expect(await exportJson(onPostgres)).toBe(expected)

  const second = join(dirs[0]!.dir, 'from-postgres.zip')
  await writeBackup(onPostgres, second)
  const backOnSqlite = await open('sqlite')
  await restoreBackup(backOnSqlite, second)
  expect(await exportJson(backOnSqlite)).toBe(expected)

  // New rows continue the ids of the original on both.
  const owner = { id: 1, username: 'mira', displayName: 'Mira', role: 'owner' as const }
  const doc = ReviewDocument.parse({ title: 'After The Move', status: 'draft' })
  const ids = await Promise.all([source, onPostgres, backOnSqlite].map((s) => saveFromEditor(s, owner, { id: null, baseRevision: null, doc })))
  expect(new Set(ids.map((r) => r.id)).size).toBe(1)
})
