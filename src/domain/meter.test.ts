import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { translatorFor } from './i18n.ts'
import { meterGoodness, meterSymbolBase, meterText, parseMeter } from './meter.ts'
import { DEFAULT_SETTINGS, type MeterSettings } from './settings.ts'

const FACEPALM = DEFAULT_SETTINGS.meter
const SKIN_TONED: MeterSettings = { ...FACEPALM, symbol: '🤦🏻\u200d♂️' }
const STARS: MeterSettings = { name: 'Star Rating', symbol: '★', max: 5, direction: 'higher-is-better', unit: 'stars' }

/** The facepalm as it arrives after copy-paste: whole, without its joiner, without skin tone or gender. */
const VARIANTS = {
  'skin tone, joiner, male sign': '🤦🏻\u200d♂️',
  'skin tone, male sign, no joiner': '🤦🏻♂️',
  'joiner and male sign, no skin tone': '🤦\u200d♂️',
  'bare facepalm': '🤦',
  'bare male sign, no joiner or selector': '🤦♂',
  'female sign with joiner': '🤦\u200d♀️',
} as const

const ok = (value: number) => ({ ok: true, value })

describe('parseMeter with symbols', () => {
  describe.each(Object.entries(VARIANTS))('%s', (_name, symbol) => {
    it.each([
      ['the default symbol', FACEPALM],
      ['a configured 🤦🏻‍♂️ symbol', SKIN_TONED],
    ])('counts one per symbol with %s', (_label, meter) => {
      expect(parseMeter(symbol, meter)).toEqual(ok(1))
      expect(parseMeter(symbol.repeat(3), meter)).toEqual(ok(3))
      expect(parseMeter([symbol, symbol, symbol, symbol].join(' '), meter)).toEqual(ok(4))
      expect(parseMeter(` ${symbol}  ${symbol} `, meter)).toEqual(ok(2))
    })
  })

  it('counts a mix of damaged variants', () => {
    expect(parseMeter(Object.values(VARIANTS).slice(0, 5).join(''), FACEPALM)).toEqual(ok(5))
  })

  it('ignores zero-width and non-breaking spaces between symbols', () => {
    expect(parseMeter('🤦\u200b🤦\u00a0🤦\u2060🤦', FACEPALM)).toEqual(ok(4))
  })

  it('counts a text symbol', () => {
    expect(parseMeter('★★★', STARS)).toEqual(ok(3))
    expect(parseMeter('★ ★', STARS)).toEqual(ok(2))
    expect(parseMeter('★★', FACEPALM)).toMatchObject({ ok: false })
  })

  it('rejects more symbols than the maximum instead of clamping', () => {
    const r = parseMeter('🤦🏻\u200d♂️'.repeat(6), FACEPALM)
    expect(r).toEqual({ ok: false, reason: expect.stringContaining("Facepalm Meter's maximum of 5") })
    expect(parseMeter('🤦 🤦 🤦 🤦 🤦 🤦', FACEPALM)).toMatchObject({ ok: false, reason: expect.stringContaining('6 is over') })
  })

  it.each([
    ['a letter', '🤦x', '"x"'],
    ['another emoji', '🤦😀', '"😀"'],
    ['a word', 'two', '"t"'],
    ['a negative number', '-1', '"-"'],
    ['a decimal', '2.5', '"2"'],
  ])('rejects %s among the symbols', (_name, text, quoted) => {
    expect(parseMeter(text, FACEPALM)).toEqual({ ok: false, reason: expect.stringContaining(quoted) })
  })

  it('rejects an empty value', () => {
    expect(parseMeter('', FACEPALM)).toEqual({ ok: false, reason: 'no value given' })
    expect(parseMeter(' \u200b ', FACEPALM)).toEqual({ ok: false, reason: 'no value given' })
  })

  it('rejects decoration with no symbol', () => {
    expect(parseMeter('\u200d♂️', FACEPALM)).toMatchObject({ ok: false, reason: expect.stringContaining('no 🤦 symbols') })
  })
})

describe('parseMeter with numbers', () => {
  it.each([
    ['3/5', 3],
    ['3 / 5', 3],
    ['3 of 5', 3],
    ['3 out of 5', 3],
    ['3 OUT OF 5', 3],
    ['3', 3],
    ['0', 0],
    ['0/5', 0],
    ['5/5', 5],
    ['05', 5],
  ])('reads %j as %i', (text, value) => {
    expect(parseMeter(text, FACEPALM)).toEqual(ok(value))
  })

  it.each(['6', '6/5', '6 of 5', '10'])('rejects %j over the maximum instead of clamping', (text) => {
    expect(parseMeter(text, FACEPALM)).toEqual({ ok: false, reason: expect.stringMatching(/is over the Facepalm Meter's maximum of 5/) })
  })

  it.each(['3/10', '3 of 10', '1 out of 4'])('rejects %j on the wrong scale', (text) => {
    expect(parseMeter(text, FACEPALM)).toEqual({ ok: false, reason: expect.stringMatching(/on a scale of \d+, but the Facepalm Meter goes to 5/) })
  })

  it('follows the configured maximum', () => {
    const ten = { ...FACEPALM, max: 10 }
    expect(parseMeter('8/10', ten)).toEqual(ok(8))
    expect(parseMeter('🤦'.repeat(10), ten)).toEqual(ok(10))
    expect(parseMeter('8/5', ten)).toMatchObject({ ok: false })
  })
})

describe('parseMeter property', () => {
  const meter = fc.record({
    symbol: fc.constantFrom('🤦', '🤦🏻\u200d♂️', '🤦\u200d♀️'),
    max: fc.integer({ min: 1, max: 10 }),
  }).map(({ symbol, max }): MeterSettings => ({ ...FACEPALM, symbol, max }))
  const gap = fc.constantFrom('', ' ', '  ', '\u00a0', '\u200b', ' \u200b')

  it('counts any number of symbols up to the maximum, whatever damage each one took', () => {
    fc.assert(
      fc.property(
        meter.chain((m) =>
          fc.tuple(
            fc.constant(m),
            fc.array(fc.tuple(fc.constantFrom(...Object.values(VARIANTS)), gap), { minLength: 0, maxLength: m.max }),
          ),
        ),
        ([m, symbols]) => {
          const text = symbols.length === 0 ? '0' : symbols.map(([s, g]) => s + g).join('')
          expect(parseMeter(text, m)).toEqual(ok(symbols.length))
        },
      ),
    )
  })

  it('rejects any count over the maximum', () => {
    fc.assert(
      fc.property(meter, fc.integer({ min: 1, max: 5 }), fc.constantFrom(...Object.values(VARIANTS)), (m, extra, symbol) => {
        expect(parseMeter(symbol.repeat(m.max + extra), m)).toMatchObject({ ok: false })
        expect(parseMeter(String(m.max + extra), m)).toMatchObject({ ok: false })
      }),
    )
  })
})

describe('meterSymbolBase', () => {
  it.each([
    ['🤦🏻\u200d♂️', '🤦'],
    ['🤦\u200d♀️', '🤦'],
    ['🤦', '🤦'],
    ['★', '★'],
    ['❤️', '❤'],
  ])('finds the base of %j', (symbol, base) => {
    expect(meterSymbolBase(symbol)).toBe(base)
  })
})

describe('meterText and meterGoodness', () => {
  it('says the value in words', () => {
    expect(meterText(2, 5, FACEPALM, translatorFor('en'))).toBe('2 of 5 facepalms')
    expect(meterText(0, 10, STARS, translatorFor('en'))).toBe('0 of 10 stars')
    expect(meterText(2.5, 5, FACEPALM, translatorFor('en'))).toBe('2.5 of 5 facepalms')
  })

  it('says the value in the site language, keeping the owner’s unit', () => {
    expect(meterText(2, 5, { unit: '별' }, translatorFor('ko'))).toBe('별 2/5')
    expect(meterText(3, 10, { unit: '星' }, translatorFor('ja'))).toBe('星 3/10')
  })

  it('scores lower as better on a facepalm meter and higher as better on stars', () => {
    expect(meterGoodness(0, 5, 'lower-is-better')).toBe(1)
    expect(meterGoodness(5, 5, 'lower-is-better')).toBe(0)
    expect(meterGoodness(4, 5, 'higher-is-better')).toBeCloseTo(0.8)
  })
})
