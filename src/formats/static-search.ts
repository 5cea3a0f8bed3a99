import { searchTerms, shardOf } from '../views/assets/search-terms.js'

/**
 * The search index of a static copy of the site, queried by `search.js` in the reader's browser.
 * It holds what readers look a show up by (titles, headline, hook, verdicts, tags, people, country,
 * platform, year), not the full text of every section: a reader's browser fetches only the shards
 * of the words asked for, and those stay small.
 *
 * Files, under the search page's folder:
 * - `docs.json`: `{ shards: string[], docs: Doc[] }`, documents in home page order (newest first);
 * - `t-SHARD.json`: `{ term: [doc, weight, doc, weight, …] }` for every term of that shard.
 */

/** A review as the index reads it. */
export type SearchSource = {
  slug: string
  title: string
  nativeTitle: string | null
  romanizedTitle: string | null
  headline: string | null
  hook: string | null
  verdicts: string[]
  tags: string[]
  people: string[]
  origin: string | null
  platform: string | null
  year: number | null
  /** What a result shows under the title: "South Korea · 2024 · Netflix". */
  facts: string
}

/** A result as the browser shows it: address, title, native title, headline, facts. */
export type SearchDoc = [slug: string, title: string, nativeTitle: string | null, headline: string | null, facts: string]

// Title words rank highest, then the other names of the show, then what describes it.
const FIELDS: [keyof SearchSource, number][] = [
  ['title', 10], ['nativeTitle', 8], ['romanizedTitle', 8], ['headline', 5], ['tags', 4], ['people', 4], ['hook', 3], ['verdicts', 2],
  ['origin', 2], ['platform', 2], ['year', 2],
]

/** The index files (name → JSON text) of the given reviews, in the order results should tie-break in. */
export function buildStaticSearch(sources: readonly SearchSource[]): Map<string, string> {
  const shards = new Map<string, Map<string, number[]>>()
  sources.forEach((src, doc) => {
    const weights = new Map<string, number>()
    for (const [field, weight] of FIELDS) {
      const value = src[field]
      const text = Array.isArray(value) ? value.join(' ') : value === null ? '' : String(value)
      // A term counts once per field, so a long hook cannot outweigh the title.
      for (const term of new Set(searchTerms(text))) weights.set(term, (weights.get(term) ?? 0) + weight)
    }
    for (const [term, weight] of weights) {
      const shard = shardOf(term)
      let terms = shards.get(shard)
      if (!terms) shards.set(shard, (terms = new Map()))
      const postings = terms.get(term)
      if (postings) postings.push(doc, weight)
      else terms.set(term, [doc, weight])
    }
  })
  const files = new Map<string, string>()
  const docs: SearchDoc[] = sources.map((s) => [s.slug, s.title, s.nativeTitle, s.headline, s.facts])
  const names = [...shards.keys()].sort()
  files.set('docs.json', JSON.stringify({ shards: names, docs }))
  for (const name of names) files.set(`t-${name}.json`, JSON.stringify(Object.fromEntries(shards.get(name)!)))
  return files
}
