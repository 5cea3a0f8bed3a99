// The words of a text as the static copy's search index holds them. Shared by the index builder
// (at build time) and search.js (in the reader's browser), so a query and the index always split
// text alike. Plain JavaScript: browsers load it as it is.

// Scripts written without spaces between words (Korean particles stick to nouns, so it joins them).
const UNSEGMENTED = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]/u
const RUN = /[\p{L}\p{N}\p{M}]+/gu
const MAX_TERM = 40
const ASCII = /^[\x00-\x7f]*$/

/** Lower case, accents off ("Café" → "cafe"), for scripts that separate words. */
const fold = (word) => word.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC').toLowerCase()

/**
 * The terms of a text: words of spaced scripts, folded; runs of unspaced scripts as overlapping
 * pairs of characters (`종이등` → `종이`, `이등`), a lone character as itself.
 * @param {string} text
 * @returns {string[]}
 */
export function searchTerms(text) {
  const out = []
  for (const [run] of String(text).normalize('NFC').matchAll(RUN)) {
    // Most words are plain ASCII: nothing to fold but the case, no unspaced script.
    if (ASCII.test(run)) {
      out.push(run.toLowerCase().slice(0, MAX_TERM))
      continue
    }
    let spaced = ''
    let unspaced = []
    const flush = () => {
      if (spaced) {
        const word = fold(spaced)
        if (word) out.push(word.slice(0, MAX_TERM))
        spaced = ''
      }
      if (unspaced.length === 1) out.push(unspaced[0])
      for (let i = 0; i + 1 < unspaced.length; i++) out.push(unspaced[i] + unspaced[i + 1])
      unspaced = []
    }
    for (const ch of run) {
      if (UNSEGMENTED.test(ch)) {
        if (spaced) flush()
        unspaced.push(ch)
      } else {
        if (unspaced.length) flush()
        spaced += ch
      }
    }
    flush()
  }
  return out
}

/** Terms that look like words of a spaced script may match longer index terms (`lantern` finds `lanterns`). */
export const isPrefixTerm = (term) => !UNSEGMENTED.test(term)

/**
 * The shard of the index that holds a term: its first three characters for spaced scripts (a
 * shorter term is its own), its first for the others, as hexadecimal code points (file names stay
 * plain ASCII). A word typed in full is in one shard; a two-letter start is in the shards named
 * after it (`shardsFor`).
 * @param {string} term
 */
export function shardOf(term) {
  const chars = [...term].slice(0, isPrefixTerm(term) ? 3 : 1)
  return chars.map((c) => c.codePointAt(0).toString(16)).join('-')
}

/**
 * The shards that can hold the terms a query term matches, among those the index has.
 * @param {string} term
 * @param {string[]} shards
 */
export function shardsFor(term, shards) {
  const name = shardOf(term)
  if (!isPrefixTerm(term) || [...term].length >= 3) return shards.includes(name) ? [name] : []
  return shards.filter((s) => s === name || s.startsWith(`${name}-`))
}

/**
 * The file of documents that holds a review (`d-CHUNK.json`): reviews are kept 256 to a file by
 * id, so an edit rewrites one small file.
 * @param {number} id
 */
export const docsChunkOf = (id) => Math.floor(id / 256)
