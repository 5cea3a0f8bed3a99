import { describe, expect, it } from 'vitest'
import { isPrefixTerm, searchTerms, shardOf } from '../views/assets/search-terms.js'
import { buildStaticSearch, type SearchSource } from './static-search.ts'

const source = (over: Partial<SearchSource>): SearchSource => ({
  slug: 'x', title: 'X', nativeTitle: null, romanizedTitle: null, headline: null, hook: null, verdicts: [], tags: [], people: [],
  origin: null, platform: null, year: null, facts: '', ...over,
})

describe('searchTerms', () => {
  it('folds spaced words and pairs up unspaced scripts', () => {
    expect(searchTerms('Café Lanterns, 2024!')).toEqual(['cafe', 'lanterns', '2024'])
    expect(searchTerms('종이등')).toEqual(['종이', '이등'])
    expect(searchTerms('静かな病棟')).toEqual(['静か', 'かな', 'な病', '病棟'])
    expect(searchTerms('K드라마 월')).toEqual(['k', '드라', '라마', '월'])
    expect(searchTerms('   ')).toEqual([])
  })

  it('shards terms by their first letters', () => {
    expect(shardOf('lanterns')).toBe('6c-61')
    expect(shardOf('종이')).toBe(shardOf('종'))
    expect(isPrefixTerm('lan')).toBe(true)
    expect(isPrefixTerm('종이')).toBe(false)
  })
})

describe('buildStaticSearch', () => {
  const files = buildStaticSearch([
    source({ slug: 'paper-lanterns', title: 'Paper Lanterns', nativeTitle: '종이등', tags: ['thriller'], people: ['Yoon Seo-ha'], facts: 'South Korea · 2024' }),
    source({ slug: 'glass-city', title: 'Glass City', headline: 'A shiny thriller', tags: ['crime'] }),
  ])
  const docs = JSON.parse(files.get('docs.json')!) as { shards: string[]; docs: unknown[][] }
  const postings = (term: string) => (JSON.parse(files.get(`t-${shardOf(term)}.json`)!) as Record<string, number[]>)[term]

  it('lists documents in order and every shard it wrote', () => {
    expect(docs.docs).toEqual([['paper-lanterns', 'Paper Lanterns', '종이등', null, 'South Korea · 2024'], ['glass-city', 'Glass City', null, 'A shiny thriller', '']])
    expect(docs.shards.map((s) => `t-${s}.json`).sort()).toEqual([...files.keys()].filter((f) => f !== 'docs.json').sort())
  })

  it('weighs a term by the fields it is in, once per field', () => {
    // A tag (4) on one, a headline word (5) on the other.
    expect(postings('thriller')).toEqual([0, 4, 1, 5])
    expect(postings('lanterns')).toEqual([0, 10])
    expect(postings('종이')).toEqual([0, 8])
    expect(postings('yoon')).toEqual([0, 4])
  })
})
