import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { letterboxdStarsToMeter, parseLetterboxdStars } from './letterboxd-rating.ts'
import { DEFAULT_SETTINGS, type MeterSettings } from './settings.ts'

const FACEPALM = DEFAULT_SETTINGS.meter
const TEN_POINT: Pick<MeterSettings, 'max' | 'direction'> = { max: 10, direction: 'higher-is-better' }
const ALL_STARS = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5]

const stars = fc.integer({ min: 1, max: 10 }).map((h) => h / 2)
const meter = fc.record({ max: fc.integer({ min: 1, max: 10 }), direction: fc.constantFrom('lower-is-better' as const, 'higher-is-better' as const) })
/** How good a meter value is, whatever the direction: larger is better. */
const goodness = (value: number, m: Pick<MeterSettings, 'max' | 'direction'>) => (m.direction === 'lower-is-better' ? m.max - value : value)

describe('letterboxdStarsToMeter', () => {
  it('gives the documented table on the default Facepalm Meter (lower is better)', () => {
    expect(ALL_STARS.map((s) => letterboxdStarsToMeter(s, FACEPALM).value)).toEqual([5, 4, 4, 3, 3, 2, 2, 1, 1, 0])
    expect(letterboxdStarsToMeter(3, FACEPALM)).toEqual({ value: 2, max: 5 })
  })

  it('gives the documented table on a 10-point higher-is-better meter', () => {
    expect(ALL_STARS.map((s) => letterboxdStarsToMeter(s, TEN_POINT).value)).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9, 10])
  })

  it('maps 0.5–5 onto 0–9 exactly on a 9-point meter, where every half star is one step', () => {
    expect(ALL_STARS.map((s) => letterboxdStarsToMeter(s, { max: 9, direction: 'higher-is-better' }).value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('always gives a whole number between 0 and the max, carrying the max', () => {
    fc.assert(
      fc.property(stars, meter, (s, m) => {
        const r = letterboxdStarsToMeter(s, m)
        expect(Number.isInteger(r.value)).toBe(true)
        expect(r.value).toBeGreaterThanOrEqual(0)
        expect(r.value).toBeLessThanOrEqual(m.max)
        expect(r.max).toBe(m.max)
      }),
    )
  })

  it('follows the documented formula: round((stars − 0.5) / 4.5 × max), flipped for lower-is-better', () => {
    fc.assert(
      fc.property(stars, meter, (s, m) => {
        const better = Math.round(((s - 0.5) / 4.5) * m.max)
        expect(letterboxdStarsToMeter(s, m).value).toBe(m.direction === 'lower-is-better' ? m.max - better : better)
      }),
    )
  })

  it('is monotonic: more stars never give a worse meter value', () => {
    fc.assert(
      fc.property(stars, stars, meter, (a, b, m) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a]
        expect(goodness(letterboxdStarsToMeter(hi, m).value, m)).toBeGreaterThanOrEqual(goodness(letterboxdStarsToMeter(lo, m).value, m))
      }),
    )
  })

  it('sends 5 stars to the best end and 0.5 stars to the worst end', () => {
    fc.assert(
      fc.property(meter, (m) => {
        const best = m.direction === 'lower-is-better' ? 0 : m.max
        const worst = m.max - best
        expect(letterboxdStarsToMeter(5, m).value).toBe(best)
        expect(letterboxdStarsToMeter(0.5, m).value).toBe(worst)
      }),
    )
  })

  it('mirrors between the two directions', () => {
    fc.assert(
      fc.property(stars, fc.integer({ min: 1, max: 10 }), (s, max) => {
        const up = letterboxdStarsToMeter(s, { max, direction: 'higher-is-better' }).value
        const down = letterboxdStarsToMeter(s, { max, direction: 'lower-is-better' }).value
        expect(up + down).toBe(max)
      }),
    )
  })

  it('refuses a value that is not a Letterboxd rating', () => {
    for (const bad of [0, 0.25, 5.5, 3.3, Number.NaN]) expect(() => letterboxdStarsToMeter(bad, FACEPALM)).toThrow(RangeError)
  })
})

describe('parseLetterboxdStars', () => {
  it('reads empty as unrated and every half star from 0.5 to 5', () => {
    expect(parseLetterboxdStars('')).toEqual({ ok: true, stars: null })
    expect(parseLetterboxdStars('  ')).toEqual({ ok: true, stars: null })
    for (const s of ALL_STARS) expect(parseLetterboxdStars(String(s))).toEqual({ ok: true, stars: s })
    expect(parseLetterboxdStars('4.0')).toEqual({ ok: true, stars: 4 })
  })

  it.each([
    ['0', /outside/],
    ['5.5', /outside/],
    ['10', /outside/],
    ['3.3', /half star/],
    ['-1', /not a number/],
    ['four', /not a number/],
    ['3,5', /not a number/],
  ])('refuses %j', (text, reason) => {
    const r = parseLetterboxdStars(text)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.reason).toMatch(reason)
  })
})
