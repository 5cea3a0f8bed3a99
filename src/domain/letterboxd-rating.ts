import type { MeterSettings } from './settings.ts'

/** Letterboxd's lowest and highest star ratings; ratings come in half stars between them. */
export const LETTERBOXD_MIN_STARS = 0.5
export const LETTERBOXD_MAX_STARS = 5

export type StarsParse = { ok: true; stars: number | null } | { ok: false; reason: string }

/**
 * Reads the `Rating` column of a Letterboxd CSV: empty means "not rated" (null); otherwise a number
 * of stars from 0.5 to 5 in half steps (`3`, `3.5`, `0.5`).
 */
export function parseLetterboxdStars(text: string): StarsParse {
  const t = text.trim()
  if (t === '') return { ok: true, stars: null }
  if (!/^\d+(?:\.\d+)?$/.test(t)) return { ok: false, reason: `"${t}" is not a number of stars` }
  const stars = Number(t)
  if (stars < LETTERBOXD_MIN_STARS || stars > LETTERBOXD_MAX_STARS) {
    return { ok: false, reason: `${t} is outside Letterboxd's 0.5–5 stars` }
  }
  if (!Number.isInteger(stars * 2)) return { ok: false, reason: `${t} is not a whole or half star` }
  return { ok: true, stars }
}

/**
 * Maps a Letterboxd star rating onto the site's meter.
 *
 * The rule: the stars become a share of "how good", f = (stars − 0.5) / 4.5, so 0.5★ (the worst
 * Letterboxd allows) is 0 and 5★ is 1. On a higher-is-better meter the value is round(f × max);
 * on a lower-is-better meter (the Facepalm Meter) it is max − round(f × max), so a 5★ film gets
 * 0 facepalms and a 0.5★ film the full max. The two ends of the meter are always reached.
 *
 * Ties cannot happen: with h = 2 × stars − 1 half steps (0…9), f × max = h × max / 9, and
 * h × max / 9 = k + ½ would need 2 × h × max (even) to equal 9 × (2k + 1) (odd). The value is
 * computed in integers, so no floating-point error can push a value across a rounding boundary.
 *
 * `stars` must be a valid rating (see `parseLetterboxdStars`); anything else throws, because a
 * caller passing one is a bug, not bad input.
 */
export function letterboxdStarsToMeter(stars: number, meter: Pick<MeterSettings, 'max' | 'direction'>): { value: number; max: number } {
  const halfSteps = stars * 2 - 1
  if (!Number.isInteger(halfSteps) || halfSteps < 0 || halfSteps > 9) throw new RangeError(`${stars} is not a Letterboxd rating (0.5–5 in half stars)`)
  // round(h × max / 9) = floor((2 × h × max + 9) / 18), exactly, in integers.
  const better = Math.floor((2 * halfSteps * meter.max + 9) / 18)
  return { value: meter.direction === 'lower-is-better' ? meter.max - better : better, max: meter.max }
}
