// Latin letters lose their accents (é → e) so slugs stay typeable, but marks on
// other scripts are part of the letter (Japanese が is not か; Thai and Devanagari
// vowel signs never compose) and are kept. Marks with no letter to sit on are dropped.
const LATIN_MARKS = /(\p{Script=Latin})\p{M}+/gu
const STRAY_MARKS = /(^|[^\p{L}\p{M}])\p{M}+/gu
const NOT_SLUG = /[^\p{L}\p{M}\p{N}]+/gu
// Apostrophes join their word ("Director’s" → "directors"), typed straight or curly.
const APOSTROPHES = /['\u2018\u2019\u02bc`\u00b4]/g

/**
 * Turns any title or name into a lower-case URL slug, keeping non-Latin letters.
 * @example slugify('Paper Lanterns: Season 1') // 'paper-lanterns-season-1'
 * @example slugify('종이등') // '종이등'
 */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(LATIN_MARKS, '$1')
    .normalize('NFC')
    .toLowerCase()
    .replace(APOSTROPHES, '')
    .replace(STRAY_MARKS, '$1')
    .replace(NOT_SLUG, '-')
    .replace(/^-+|-+$/g, '')
}

const encoder = new TextEncoder()
const utf8Length = (s: string) => encoder.encode(s).length

/** Longest slug base in UTF-8 bytes: room for `-season-N-YEAR` and a file name under 255 bytes. */
export const MAX_SLUG_BYTES = 150

/** Shortens a slug to `maxBytes` of UTF-8, cutting at a hyphen when one is near. */
export function truncateSlug(slug: string, maxBytes = MAX_SLUG_BYTES): string {
  if (utf8Length(slug) <= maxBytes) return slug
  let out = ''
  for (const ch of slug) {
    if (utf8Length(out + ch) > maxBytes) break
    out += ch
  }
  const hyphen = out.lastIndexOf('-')
  return (hyphen > out.length / 2 ? out.slice(0, hyphen) : out).replace(/-+$/, '')
}

/** The slug a review gets before uniqueness is applied: its title, plus the season when it has one. */
export function reviewSlugBase(title: string, season: number | null): string {
  const base = truncateSlug(slugify(title)) || 'review'
  return season === null ? base : `${base}-season-${season}`
}

/**
 * Picks the first free slug among `base`, `base-YEAR` (when a year is known), `base-2`, `base-3`…
 * `isTaken` answers whether another item already uses a candidate.
 */
export function uniqueSlug(base: string, isTaken: (slug: string) => boolean, year?: number | null): string {
  if (!isTaken(base)) return base
  if (year && !isTaken(`${base}-${year}`)) return `${base}-${year}`
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`
    if (!isTaken(candidate)) return candidate
  }
}

/** True when the text is already a valid slug (what URLs and documents carry). */
export function isSlug(text: string): boolean {
  return text.length > 0 && utf8Length(text) <= 200 && slugify(text) === text
}
