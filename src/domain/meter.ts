import type { Translator } from './i18n.ts'
import type { MeterSettings } from './settings.ts'

export type MeterParse = { ok: true; value: number } | { ok: false; reason: string }

// Pieces that decorate an emoji and are routinely lost or changed by copy-paste:
// zero-width joiner, variation selectors, skin tones, gender signs, tag characters.
const DECORATION = /[\u200d\ufe0e\ufe0f\u{1f3fb}-\u{1f3ff}\u2640\u2642\u{e0020}-\u{e007f}\u20e3\s]/u
const INVISIBLE = /[\u200b\u2060\ufeff\u00ad]/gu

/** The code point that identifies a meter symbol whatever happened to its modifiers. */
export function meterSymbolBase(symbol: string): string {
  for (const ch of symbol.normalize('NFC')) if (!DECORATION.test(ch)) return ch
  return symbol
}

/**
 * Reads a meter value as written in pasted text: repeated symbols, `3/5`, `3 of 5` or a bare number.
 * Symbols count one per base emoji, so `🤦🏻‍♂️`, `🤦🏻♂️`, `🤦‍♂️`, `🤦` and `🤦♂` each count once.
 */
export function parseMeter(text: string, meter: MeterSettings): MeterParse {
  const t = text.normalize('NFC').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim()
  if (t === '') return { ok: false, reason: 'no value given' }
  const fraction = /^(\d+)\s*(?:\/|of|out of)\s*(\d+)$/i.exec(t)
  if (fraction) {
    const scale = Number(fraction[2])
    if (scale !== meter.max) {
      return { ok: false, reason: `"${t}" is on a scale of ${scale}, but the ${meter.name} goes to ${meter.max}` }
    }
    return checkRange(Number(fraction[1]), meter)
  }
  if (/^\d+$/.test(t)) return checkRange(Number(t), meter)

  const base = meterSymbolBase(meter.symbol)
  const parts = new Set(meter.symbol.normalize('NFC'))
  let count = 0
  for (const ch of t) {
    if (ch === base) count++
    else if (!DECORATION.test(ch) && !parts.has(ch)) {
      return { ok: false, reason: `unexpected "${ch}" in "${t}": expected ${meter.symbol} symbols, "N/${meter.max}" or a number` }
    }
  }
  if (count === 0) return { ok: false, reason: `no ${meter.symbol} symbols in "${t}"` }
  return checkRange(count, meter)
}

function checkRange(value: number, meter: MeterSettings): MeterParse {
  if (value > meter.max) return { ok: false, reason: `${value} is over the ${meter.name}'s maximum of ${meter.max}` }
  return { ok: true, value }
}

/** The accessible text of a meter value in the site's language: "2 of 5 facepalms"; the unit stays the owner's own word. */
export function meterText(value: number, max: number, meter: Pick<MeterSettings, 'unit'>, tr: Pick<Translator, 't'>): string {
  return tr.t('meter.level', { value: String(value), max: String(max), unit: meter.unit })
}

/** Whether a value is good news on this meter, as a 0–1 score where 1 is best (for colours and structured data). */
export function meterGoodness(value: number, max: number, direction: MeterSettings['direction']): number {
  const share = max === 0 ? 0 : value / max
  return direction === 'lower-is-better' ? 1 - share : share
}
