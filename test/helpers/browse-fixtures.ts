import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { importFiles } from '../../src/services/import-files.ts'
import type { Site } from '../../src/services/site.ts'

/**
 * Reviews added beside the demo for browse tests: Keita Machida is credited in three published
 * reviews (once twice, as director and writer) and in a draft, which must count nowhere.
 */
export const BROWSE_EXTRAS = [
  {
    title: 'Moon Ferry', year: 2024, origin: 'Japan', platform: 'Netflix', reviewedOn: '2024-05-01', meter: { value: 1, max: 5 },
    tags: ['thriller', 'ferries'], people: [{ name: 'Keita Machida', role: 'cast' }, { name: 'Aya Mori', role: 'cast' }],
  },
  {
    title: 'Quiet Lamps', year: 2023, origin: 'Japan', platform: 'TVer', reviewedOn: '2023-02-01', meter: { value: 4, max: 5 },
    tags: ['Ferries'], people: [{ name: 'Keita Machida', role: 'director' }, { name: 'keita machida', role: 'writer' }],
  },
  {
    title: 'Ash Garden', year: 2025, origin: 'Japan', platform: 'TVer', reviewedOn: '2025-06-01',
    tags: [], people: [{ name: 'Keita Machida', role: null }],
  },
  {
    title: 'Secret Draft', year: 2025, origin: 'France', platform: 'Hidden Platform', reviewedOn: '2025-07-01', meter: { value: 3, max: 5 },
    tags: ['ferries', 'unreleased'], people: [{ name: 'Keita Machida', role: 'cast' }, { name: 'Nobody Public', role: 'cast' }], status: 'draft',
  },
].map((d) => ({ intro: 'Intro.', sections: [], status: 'published', ...d }))

/** Imports `BROWSE_EXTRAS` into a site (the demo should already be loaded). */
export async function importBrowseExtras(site: Site, dir: string): Promise<void> {
  const file = join(dir, 'browse-extras.json')
  writeFileSync(file, JSON.stringify(BROWSE_EXTRAS))
  const result = await importFiles(site, [file])
  if (result.created.length !== BROWSE_EXTRAS.length) throw new Error(`expected ${BROWSE_EXTRAS.length} imports, got ${result.created.length}`)
}
