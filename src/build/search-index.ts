import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildStaticSearch, updateStaticSearch, type SearchSource } from '../formats/static-search.ts'
import { newestIds, type SiteLists } from '../services/site-lists.ts'
import type { Site } from '../services/site.ts'
import type { ManifestFile } from '../store/build-manifest.ts'
import { listSearchFields, listSummaries } from '../store/reviews.ts'
import { factsLine } from '../views/format.ts'
import type { Scope } from './changes.ts'

/**
 * Writes the static search index: whole after a full build, else only the shards of the words the
 * changed reviews had or have, and the list of documents; the other files of the index stay as they
 * are (`keep`). Returns the shards of each review indexed.
 */
export async function writeSearchIndex(
  site: Site,
  lists: SiteLists,
  scope: Scope,
  full: boolean,
  out: { dir: string; previous: Map<string, ManifestFile> },
  write: (path: string, text: string) => void,
  keep: (file: ManifestFile) => void,
): Promise<Map<number, string[]>> {
  const sortDates = new Map(lists.published.map((p) => [p.id, p.sortDate]))
  const sourcesOf = async (ids: number[]): Promise<SearchSource[]> => {
    const [fields, summaries] = await Promise.all([listSearchFields(site.db, full ? undefined : ids), full ? lists.reviews : listSummaries(site.db, ids)])
    return ids.flatMap((id) => {
      const f = fields.get(id)
      const s = summaries.get(id)
      const sortDate = sortDates.get(id)
      return f && s && sortDate ? [{ ...f, slug: s.slug, origin: s.origin, platform: s.platform, year: s.year, facts: factsLine(s), sortDate }] : []
    })
  }
  if (full) {
    const index = buildStaticSearch(await sourcesOf(newestIds(lists)))
    for (const [name, text] of index.files) write(`search/${name}`, text)
    return index.shardsOf
  }
  const touched = [...scope.recorded, ...scope.gone]
  const searchFiles = [...out.previous.values()].filter((f) => f.group === 'search')
  if (touched.length === 0) {
    for (const f of searchFiles) keep(f)
    return new Map()
  }
  const update = updateStaticSearch(
    (name) => {
      const path = `search/${name}`
      return out.previous.has(path) && existsSync(join(out.dir, path)) ? readFileSync(join(out.dir, path), 'utf8') : null
    },
    await sourcesOf(scope.recorded),
    new Set(touched),
    [...scope.before.values()].flatMap((r) => r.shards),
  )
  for (const [name, text] of update.files) if (text !== null) write(`search/${name}`, text)
  // Shards mapped to null are left out, and so removed with the files of pages that are gone.
  for (const f of searchFiles) if (!update.files.has(f.path.slice('search/'.length))) keep(f)
  return update.shardsOf
}
