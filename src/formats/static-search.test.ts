import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isPrefixTerm, searchTerms, shardOf, shardsFor } from '../views/assets/search-terms.js'
import { buildStaticSearch, updateStaticSearch, type SearchSource } from './static-search.ts'

const source = (over: Partial<SearchSource> & { id: number }): SearchSource => ({
  slug: `r${over.id}`, title: 'X', nativeTitle: null, romanizedTitle: null, headline: null, hook: null, verdicts: [], tags: [], people: [],
  origin: null, platform: null, year: null, facts: '', sortDate: `2024-01-${String((over.id % 28) + 1).padStart(2, '0')}`, ...over,
})

describe('searchTerms', () => {
  it('folds spaced words and pairs up unspaced scripts', () => {
    expect(searchTerms('Café Lanterns, 2024!')).toEqual(['cafe', 'lanterns', '2024'])
    expect(searchTerms('종이등')).toEqual(['종이', '이등'])
    expect(searchTerms('静かな病棟')).toEqual(['静か', 'かな', 'な病', '病棟'])
    expect(searchTerms('K드라마 월')).toEqual(['k', '드라', '라마', '월'])
    expect(searchTerms('   ')).toEqual([])
  })

  it('shards terms by their first letters, and finds the shards a typed start may be in', () => {
    expect(shardOf('lanterns')).toBe('6c-61-6e')
    expect(shardOf('la')).toBe('6c-61')
    expect(shardOf('종이')).toBe(shardOf('종'))
    expect(isPrefixTerm('lan')).toBe(true)
    expect(isPrefixTerm('종이')).toBe(false)
    const shards = ['6c-61', '6c-61-6e', '6c-61-73', '6c-6f-76', 'c885']
    expect(shardsFor('la', shards)).toEqual(['6c-61', '6c-61-6e', '6c-61-73'])
    expect(shardsFor('lant', shards)).toEqual(['6c-61-6e'])
    expect(shardsFor('종이', shards)).toEqual(['c885'])
    expect(shardsFor('zz', shards)).toEqual([])
  })
})

describe('buildStaticSearch', () => {
  const { files, shardsOf } = buildStaticSearch([
    source({ id: 7, slug: 'paper-lanterns', title: 'Paper Lanterns', nativeTitle: '종이등', tags: ['thriller'], people: ['Yoon Seo-ha'], facts: 'South Korea · 2024' }),
    source({ id: 300, slug: 'glass-city', title: 'Glass City', headline: 'A shiny thriller', tags: ['crime'] }),
  ])
  const postings = (term: string) => (JSON.parse(files.get(`t-${shardOf(term)}.json`)!) as Record<string, number[]>)[term]

  it('keeps documents 256 to a file by id, and lists every shard it wrote', () => {
    expect(JSON.parse(files.get('d-0.json')!)).toEqual({ 7: ['paper-lanterns', 'Paper Lanterns', '종이등', null, 'South Korea · 2024', '2024-01-08'] })
    expect(JSON.parse(files.get('d-1.json')!)).toEqual({ 300: ['glass-city', 'Glass City', null, 'A shiny thriller', '', '2024-01-21'] })
    const shards = JSON.parse(files.get('shards.json')!) as string[]
    expect(shards.map((s) => `t-${s}.json`).sort()).toEqual([...files.keys()].filter((f) => f.startsWith('t-')).sort())
    expect(shardsOf.get(7)).toContain(shardOf('lanterns'))
  })

  it('weighs a term by the fields it is in, once per field, naming reviews by id', () => {
    // A tag (4) on review 7, a headline word (5) on review 300.
    expect(postings('thriller')).toEqual([7, 4, 300, 5])
    expect(postings('lanterns')).toEqual([7, 10])
    expect(postings('종이')).toEqual([7, 8])
    expect(postings('yoon')).toEqual([7, 4])
  })
})

describe('updateStaticSearch', () => {
  const words = ['lantern', 'glass', 'city', 'thriller', '종이', 'moon', 'ferry', 'quiet', 'ward']
  const review = (id: number) =>
    fc.record({ title: fc.subarray(words, { minLength: 1 }), tags: fc.subarray(words) }).map(({ title, tags }) => source({ id, title: title.join(' '), tags }))
  const site = fc.uniqueArray(fc.integer({ min: 1, max: 900 }), { minLength: 1, maxLength: 12 }).chain((ids) => fc.tuple(...ids.map(review)))

  // The site after some of its reviews were edited (a new random review under the same id), some
  // removed and some added.
  const edited = (before: SearchSource[]) =>
    fc
      .tuple(
        fc.tuple(...before.map((b) => fc.oneof(fc.constant(b), review(b.id), fc.constant(null)))),
        fc.uniqueArray(fc.integer({ min: 901, max: 999 }), { maxLength: 3 }).chain((ids) => fc.tuple(...ids.map(review))),
      )
      .map(([kept, added]) => [...kept.filter((s): s is SearchSource => s !== null), ...added])
  const change = fc.oneof(
    fc.tuple(site, site),
    site.chain((before) => fc.tuple(fc.constant(before), edited(before))),
  )

  it('gives, file for file, the index a full build of the changed site gives', () => {
    fc.assert(
      fc.property(change, ([before, after]) => {
        const old = buildStaticSearch(before)
        const afterIds = new Set(after.map((s) => s.id))
        const same = (a: SearchSource, b: SearchSource | undefined) => b !== undefined && JSON.stringify(a) === JSON.stringify(b)
        const changed = after.filter((s) => !same(s, before.find((b) => b.id === s.id)))
        const touched = new Set([...changed.map((s) => s.id), ...before.filter((b) => !afterIds.has(b.id)).map((b) => b.id)])
        const oldShards = [...touched].flatMap((id) => old.shardsOf.get(id) ?? [])
        const update = updateStaticSearch((name) => old.files.get(name) ?? null, changed, touched, oldShards)
        const merged = new Map(old.files)
        for (const [name, text] of update.files) text === null ? merged.delete(name) : merged.set(name, text)
        expect(merged).toEqual(buildStaticSearch(after).files)
        // A shard is rewritten only when its text changes.
        for (const [name, text] of update.files) if (name.startsWith('t-') && text !== null) expect(old.files.get(name)).not.toBe(text)
      }),
    )
  })
})
