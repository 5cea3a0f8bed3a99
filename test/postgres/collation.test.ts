import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { importFiles } from '../../src/services/import-files.ts'
import type { Site } from '../../src/services/site.ts'
import { browseSummaries, countByPlatform, findPlatformName } from '../../src/store/browse.ts'
import { listSearchFilterOptions } from '../../src/store/search.ts'
import { tempDataDir } from '../helpers/server.ts'
import { openTestSite } from '../helpers/sites.ts'

// The test databases compare text by English rules (ICU en-US), as most PostgreSQL servers are set
// up; SQLite compares bytes. A site moved from one to the other must list the same way.
const dirs: ReturnType<typeof tempDataDir>[] = []
const sites: Partial<Record<'sqlite' | 'postgres', Site>> = {}

const TITLES = ['apple', 'Banana', '_Zeta', 'Äpfel', 'zebra', 'Éclair', 'aardvark', '10 Days', '2 Days', 'Ümit', 'banana split']
const PLATFORMS = ['Netflix', 'NETFLIX', 'netflix', 'Viki', 'VIKI', 'Wavve', 'wavve']

beforeAll(async () => {
  const docs = TITLES.map((title, i) => ({ title, year: 2024, platform: PLATFORMS[i % PLATFORMS.length], intro: 'Words.', status: 'published' }))
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const d = tempDataDir()
    dirs.push(d)
    const site = await openTestSite(d.dir, {}, dialect)
    sites[dialect] = site
    const file = join(d.dir, 'reviews.json')
    writeFileSync(file, JSON.stringify(docs))
    await importFiles(site, [file])
  }
})
afterAll(async () => {
  for (const s of Object.values(sites)) await s.close()
  for (const d of dirs) d.remove()
})

const both = async <T>(read: (site: Site) => Promise<T>): Promise<[T, T]> => [await read(sites.sqlite!), await read(sites.postgres!)]

it('sorts reviews by title the same way on SQLite and PostgreSQL', async () => {
  const [lite, pg] = await both(async (site) =>
    (await browseSummaries(site.db, { filter: {}, sort: 'title', lowerIsBetter: true, page: 1, perPage: 50 })).items.map((r) => r.title),
  )
  expect(pg).toEqual(lite)
  expect(lite).toHaveLength(TITLES.length)
})

it('names a platform by the same spelling on SQLite and PostgreSQL', async () => {
  const [lite, pg] = await both(async (site) => ({
    counts: (await countByPlatform(site.db)).sort((a, b) => a.key.localeCompare(b.key)),
    netflix: await findPlatformName(site.db, 'netflix'),
    options: (await listSearchFilterOptions(site.db)).platforms,
  }))
  expect(pg).toEqual(lite)
  expect(lite.netflix).toBe('NETFLIX')
})
