import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bigramIndexText, bigramTokens, isUsefulSearch, MAY_HOLD_UNSEGMENTED, splitScripts, parseSearch, readSearchRequest, searchHref, type ParsedSearch } from './search.ts'

/** A parsed search as nested strings: `cjk:` marks unsegmented runs. */
const terms = (s: ParsedSearch) => ({
  clauses: s.clauses.map((c) => c.map((t) => t.map((p) => (p.kind === 'cjk' ? `cjk:${p.text}` : p.text)))),
  exclusions: s.exclusions.map((t) => t.map((p) => (p.kind === 'cjk' ? `cjk:${p.text}` : p.text))),
})

describe('parseSearch', () => {
  it('reads words, phrases, exclusions and OR', () => {
    expect(terms(parseSearch('slow "small town" -gumiho tennis OR golf'))).toEqual({
      clauses: [[['slow']], [['small town']], [['tennis'], ['golf']]],
      exclusions: [['gumiho']],
    })
  })

  it('splits scripts written without spaces from the rest', () => {
    expect(terms(parseSearch('K드라마 종이등은'))).toEqual({ clauses: [[['K', 'cjk:드라마']], [['cjk:종이등은']]], exclusions: [] })
    expect(terms(parseSearch('「病棟」。'))).toEqual({ clauses: [[['cjk:病棟']]], exclusions: [] })
  })

  it('drops what cannot match and treats operators as text', () => {
    expect(terms(parseSearch('!!! 🤦🏻‍♂️ ( ) * : OR'))).toEqual({ clauses: [], exclusions: [] })
    expect(terms(parseSearch('NEAR(a b) title:x*'))).toEqual({ clauses: [[['NEAR(a']], [['b)']], [['title:x*']]], exclusions: [] })
    expect(isUsefulSearch(parseSearch('-only -exclusions'))).toBe(false)
    expect(terms(parseSearch('"unclosed phrase'))).toEqual({ clauses: [[['unclosed phrase']]], exclusions: [] })
  })

  it('never throws and keeps at most 16 terms', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const s = parseSearch(text)
        expect(s.clauses.flat().length + s.exclusions.length).toBeLessThanOrEqual(16)
      }),
    )
  })
})

describe('bigrams', () => {
  const SCRIPTS = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]/u

  it('indexes pairs of graphemes and the last one alone', () => {
    expect(bigramTokens(['종', '이', '등'])).toEqual(['종이', '이등', '등'])
    expect(bigramIndexText('Paper 종이등 and 겨울 감')).toBe('종이 이등 등 겨울 울 감')
    // Half-width katakana is folded like queries are.
    expect(bigramIndexText('ｸﾗｽ')).toBe('クラ ラス ス')
  })

  it('skips text that cannot hold an unsegmented run: no code point it lets through starts one, before or after NFKC', () => {
    const passed: number[] = []
    for (let c = 0; c <= 0x10ffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue
      const ch = String.fromCodePoint(c)
      if (MAY_HOLD_UNSEGMENTED.test(ch)) continue
      passed.push(c)
      expect(SCRIPTS.test(ch) || SCRIPTS.test(ch.normalize('NFKC')), `U+${c.toString(16)}`).toBe(false)
      expect(splitScripts(`a${ch}${ch}b`).filter((p) => p.kind === 'cjk'), `U+${c.toString(16)}`).toEqual([])
    }
    // It lets through no more than that: the next code point, the middle dot, is written in Han names.
    expect(passed.length).toBe(0xb7)
    expect(SCRIPTS.test('\u00b7')).toBe(true)
  })
})

describe('readSearchRequest and searchHref', () => {
  it('keeps what it can read and round-trips through the address', () => {
    const r = readSearchRequest({ q: '  종이  ', country: 'KR', platform: 'prime-video', year: '2024', meter: '2', page: '3' })
    expect(r).toEqual({ q: '종이', filters: { country: 'KR', platform: 'prime-video', year: 2024, meter: 2 }, page: 3 })
    expect(searchHref(r)).toBe('/search?q=%EC%A2%85%EC%9D%B4&country=kr&platform=prime-video&year=2024&meter=2&page=3')
    const back = Object.fromEntries(new URL(searchHref(r), 'http://x').searchParams)
    expect(readSearchRequest(back)).toEqual(r)
  })

  it('ignores filters and pages it cannot read', () => {
    expect(readSearchRequest({ country: 'Korea', platform: '<b>', year: '24', meter: 'x', page: '0' })).toEqual({
      q: '', filters: { country: null, platform: null, year: null, meter: null }, page: 1,
    })
  })
})
