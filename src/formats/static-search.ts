import { docsChunkOf, searchTerms, shardOf } from '../views/assets/search-terms.js'

/**
 * The search index of a static copy of the site, queried by `search.js` in the reader's browser.
 * It holds what readers look a show up by (titles, headline, hook, verdicts, tags, people, country,
 * platform, year), not the full text of every section: a reader's browser fetches only the shards
 * of the words asked for, and the documents of the best results.
 *
 * Files, under the search page's folder:
 * - `shards.json`: the names of every shard, sorted;
 * - `t-SHARD.json`: `{ term: [id, weight, id, weight, …] }` for every term of that shard, terms
 *   sorted and postings by id, so the same index is always the same bytes;
 * - `d-CHUNK.json`: `{ id: SearchDoc }` for the reviews whose id / 256 is CHUNK.
 *
 * Everything is keyed by review id, so an edit rewrites the shards of the words the review had or
 * has and its own chunk of documents, and nothing else.
 */

/** A review as the index reads it. */
export type SearchSource = {
  id: number
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
  /** The review's place in the newest-first order (its sort date); equal scores rank by it. */
  sortDate: string
}

/** A result as the browser shows it: address, title, native title, headline, facts, sort date. */
export type SearchDoc = [slug: string, title: string, nativeTitle: string | null, headline: string | null, facts: string, sortDate: string]

type Postings = Record<string, number[]>
type Docs = Record<string, SearchDoc>

const chunkOf = docsChunkOf

// Title words rank highest, then the other names of the show, then what describes it.
const FIELDS: [keyof SearchSource, number][] = [
  ['title', 10], ['nativeTitle', 8], ['romanizedTitle', 8], ['headline', 5], ['tags', 4], ['people', 4], ['hook', 3], ['verdicts', 2],
  ['origin', 2], ['platform', 2], ['year', 2],
]

/** The weighted terms of one review: a term counts once per field, so a long hook cannot outweigh the title. */
function weightedTerms(src: SearchSource): Map<string, number> {
  const weights = new Map<string, number>()
  for (const [field, weight] of FIELDS) {
    const value = src[field]
    const text = Array.isArray(value) ? value.join(' ') : value === null ? '' : String(value)
    for (const term of new Set(searchTerms(text))) weights.set(term, (weights.get(term) ?? 0) + weight)
  }
  return weights
}

const docOf = (s: SearchSource): SearchDoc => [s.slug, s.title, s.nativeTitle, s.headline, s.facts, s.sortDate]

/** A shard as text: terms sorted, each term's postings by id. */
function shardText(terms: Postings): string {
  const out: Postings = {}
  for (const term of Object.keys(terms).sort()) {
    const list = terms[term]!
    let sorted = true
    for (let i = 2; i < list.length && sorted; i += 2) sorted = list[i - 2]! < list[i]!
    if (sorted) out[term] = list
    else {
      const pairs: [number, number][] = []
      for (let i = 0; i < list.length; i += 2) pairs.push([list[i]!, list[i + 1]!])
      out[term] = pairs.sort((a, b) => a[0] - b[0]).flat()
    }
  }
  return JSON.stringify(out)
}

/** Pairs of id and weight as one comparable string, by id. */
function pairsKey(pairs: [number, number][]): string {
  return pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]).join(';')
}

/** Whether a shard's postings of the touched reviews are exactly `fresh` (their postings as they now are). */
function sameTouchedPostings(terms: Postings, fresh: Postings, touched: ReadonlySet<number>): boolean {
  const old = new Map<string, [number, number][]>()
  for (const term of Object.keys(terms)) {
    const list = terms[term]!
    for (let i = 0; i < list.length; i += 2) {
      if (!touched.has(list[i]!)) continue
      const pairs = old.get(term)
      if (pairs) pairs.push([list[i]!, list[i + 1]!])
      else old.set(term, [[list[i]!, list[i + 1]!]])
    }
  }
  const freshTerms = Object.keys(fresh)
  if (freshTerms.length !== old.size) return false
  for (const term of freshTerms) {
    const before = old.get(term)
    const now = fresh[term]!
    if (!before || before.length * 2 !== now.length) return false
    const pairs: [number, number][] = []
    for (let i = 0; i < now.length; i += 2) pairs.push([now[i]!, now[i + 1]!])
    if (pairsKey(before) !== pairsKey(pairs)) return false
  }
  return true
}

/** A chunk of documents as text, by id. */
function docsText(docs: Docs): string {
  const out: Docs = {}
  for (const id of Object.keys(docs).sort((a, b) => Number(a) - Number(b))) out[id] = docs[id]!
  return JSON.stringify(out)
}

/** Adds a review's postings to `shards`; returns the shards its terms are in. */
function addPostings(shards: Map<string, Postings>, src: SearchSource): string[] {
  const mine = new Set<string>()
  for (const [term, weight] of weightedTerms(src)) {
    const shard = shardOf(term)
    mine.add(shard)
    let terms = shards.get(shard)
    if (!terms) shards.set(shard, (terms = {}))
    ;(terms[term] ??= []).push(src.id, weight)
  }
  return [...mine].sort()
}

/** The index as files, and the shards each review's terms are in (for `updateStaticSearch`). */
export type SearchIndexFiles = { files: Map<string, string>; shardsOf: Map<number, string[]> }

/** The whole index of the given reviews. */
export function buildStaticSearch(sources: readonly SearchSource[]): SearchIndexFiles {
  const shards = new Map<string, Postings>()
  const chunks = new Map<number, Docs>()
  const shardsOf = new Map<number, string[]>()
  for (const src of sources) {
    shardsOf.set(src.id, addPostings(shards, src))
    let chunk = chunks.get(chunkOf(src.id))
    if (!chunk) chunks.set(chunkOf(src.id), (chunk = {}))
    chunk[src.id] = docOf(src)
  }
  const files = new Map<string, string>([['shards.json', JSON.stringify([...shards.keys()].sort())]])
  for (const [name, terms] of shards) files.set(`t-${name}.json`, shardText(terms))
  for (const [n, docs] of chunks) files.set(`d-${n}.json`, docsText(docs))
  return { files, shardsOf }
}

/**
 * The files an index needs rewritten after some reviews changed: `changed` are the changed
 * reviews as they now are (published ones), `touched` the ids of every changed or gone review,
 * `oldShards` the shards they were in, `read` the current text of an index file. A file mapped to
 * null is to be removed (left empty).
 */
export function updateStaticSearch(
  read: (name: string) => string | null,
  changed: readonly SearchSource[],
  touched: ReadonlySet<number>,
  oldShards: Iterable<string>,
): { files: Map<string, string | null>; shardsOf: Map<number, string[]> } {
  const parse = <T>(name: string): T | null => {
    const text = read(name)
    return text === null ? null : (JSON.parse(text) as T)
  }
  const fresh = new Map<string, Postings>()
  const shardsOf = new Map<number, string[]>()
  for (const src of changed) shardsOf.set(src.id, addPostings(fresh, src))

  const names = new Set(parse<string[]>('shards.json') ?? [])
  const files = new Map<string, string | null>()
  for (const name of new Set([...oldShards, ...fresh.keys()])) {
    const terms: Postings = (names.has(name) ? parse<Postings>(`t-${name}.json`) : null) ?? {}
    // Most edits leave most of a review's words as they were: a shard whose postings for the
    // touched reviews are already what they now are keeps its file.
    if (names.has(name) && sameTouchedPostings(terms, fresh.get(name) ?? {}, touched)) continue
    for (const term of Object.keys(terms)) {
      const list = terms[term]!
      if (!list.some((v, i) => i % 2 === 0 && touched.has(v))) continue
      const kept: number[] = []
      for (let i = 0; i < list.length; i += 2) if (!touched.has(list[i]!)) kept.push(list[i]!, list[i + 1]!)
      if (kept.length) terms[term] = kept
      else delete terms[term]
    }
    for (const [term, postings] of Object.entries(fresh.get(name) ?? {})) {
      const list = (terms[term] ??= [])
      for (const p of postings) list.push(p)
    }
    if (Object.keys(terms).length === 0) {
      names.delete(name)
      files.set(`t-${name}.json`, null)
    } else {
      names.add(name)
      files.set(`t-${name}.json`, shardText(terms))
    }
  }
  files.set('shards.json', JSON.stringify([...names].sort()))

  const byChunk = new Map<number, number[]>()
  for (const id of touched) byChunk.set(chunkOf(id), [...(byChunk.get(chunkOf(id)) ?? []), id])
  const now = new Map(changed.map((s) => [s.id, s]))
  for (const [n, ids] of byChunk) {
    const docs = parse<Docs>(`d-${n}.json`) ?? {}
    for (const id of ids) {
      const src = now.get(id)
      if (src) docs[id] = docOf(src)
      else delete docs[id]
    }
    files.set(`d-${n}.json`, Object.keys(docs).length ? docsText(docs) : null)
  }
  return { files, shardsOf }
}
