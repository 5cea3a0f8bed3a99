// A generated corpus of pasted reviews for the benchmarks. Words follow a Zipf distribution over
// a large made-up vocabulary, as words do in real writing: a few occur in nearly every review,
// most in a handful, so searches and tag pages have the spread of matches a real blog has.
import { DEFAULT_SETTINGS } from '../src/domain/settings.ts'

const COUNTRIES = ['South Korea', 'Japan', 'China', 'Taiwan', 'Thailand', 'Philippines', 'Hong Kong']
const PLATFORMS = ['Netflix', 'Viki', 'iQIYI', 'Prime Video', 'Disney+', 'WeTV']
const COMMON = 'the a and of to in is it that was but for with as on this at by not be are his her they one all so'.split(' ')
const ONSETS = ['b', 'ch', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 's', 'sh', 't', 'v', 'w', 'y', 'z']
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ae', 'ou', 'ia']
const CODAS = ['', 'n', 'r', 'l', 'm', 'st', 'nd', 'k']

/** Deterministic pseudo-random numbers (mulberry32), so every run builds the same corpus. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** 8,000 made-up words, most frequent first: "the"-like function words, then two- and three-syllable inventions. */
export const VOCABULARY: readonly string[] = (() => {
  const words = new Set<string>(COMMON)
  const next = random(7)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!
  while (words.size < 8000) {
    const syllables = 2 + Math.floor(next() * 2)
    let w = ''
    for (let s = 0; s < syllables; s++) w += pick(ONSETS) + pick(VOWELS) + (s === syllables - 1 ? pick(CODAS) : '')
    words.add(w)
  }
  return [...words]
})()

// Cumulative Zipf weights (exponent 1.05) for sampling a word by rank.
const CUMULATIVE = (() => {
  const out = new Float64Array(VOCABULARY.length)
  let sum = 0
  for (let i = 0; i < VOCABULARY.length; i++) out[i] = sum += 1 / Math.pow(i + 1, 1.05)
  return out.map((x) => x / sum)
})()

function zipfWord(next: () => number): string {
  const x = next()
  let lo = 0
  let hi = CUMULATIVE.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (CUMULATIVE[mid]! < x) lo = mid + 1
    else hi = mid
  }
  return VOCABULARY[lo]!
}

function paragraph(next: () => number, words: number): string {
  const out: string[] = []
  for (let i = 0; i < words; i++) out.push(zipfWord(next))
  const text = out.join(' ')
  return text[0]!.toUpperCase() + text.slice(1) + '.'
}

const capital = (w: string) => w[0]!.toUpperCase() + w.slice(1)

/** Review number `i` as pasted blog text, like the demo's, about 700 words long. */
export function corpusReview(i: number): string {
  const next = random(1000 + i)
  // Titles and tags use the rarer half of the vocabulary, so most of them are nearly unique.
  const rare = () => VOCABULARY[300 + Math.floor(next() * 7000)]!
  const title = `${capital(rare())} ${capital(rare())} ${i}`
  const rubric = DEFAULT_SETTINGS.rubric
  return [
    'Image: Generated benchmark poster.',
    `Year: ${2010 + (i % 16)}`,
    `Origin: ${COUNTRIES[i % COUNTRIES.length]}`,
    `Season: ${1 + (i % 3)}`,
    `Platform: ${PLATFORMS[i % PLATFORMS.length]}`,
    `First Watch: ${i % 4 === 0 ? 'No' : 'Yes'}`,
    `Review Date: ${1 + (i % 28)} Mar ${2019 + (i % 6)}`,
    `AsianWiki: ${title}`,
    `Facepalm Meter: ${'🤦🏻‍♂️'.repeat(i % 6)}`,
    `Tags: ${VOCABULARY[100 + (i % 40)]}, ${VOCABULARY[140 + ((i * 7) % 160)]}`,
    `Cast: ${capital(rare())} ${capital(rare())}, ${capital(rare())} ${capital(rare())}`,
    '',
    `${capital(zipfWord(next))} ${paragraph(next, 8).toLowerCase().replace(/\.$/, '?')}`,
    '',
    `${title} – ${paragraph(next, 5).replace(/\.$/, '')}`,
    '',
    paragraph(next, 70),
    '',
    paragraph(next, 60),
    ...rubric.flatMap((aspect) => ['', `${aspect} – ${paragraph(next, 4).replace(/\.$/, '')}`, '', paragraph(next, 60), '', paragraph(next, 40)]),
  ].join('\n')
}

/** A word that occurs in about `share` of the reviews (0 < share ≤ 1), for searches of a known spread. */
export function wordWithShare(share: number, wordsPerReview = 700): string {
  // P(word of rank r in a review) ≈ 1 - (1 - p_r)^wordsPerReview; the first rank at or below `share`.
  for (let r = 0; r < VOCABULARY.length; r++) {
    const p = CUMULATIVE[r]! - (r ? CUMULATIVE[r - 1]! : 0)
    if (1 - Math.pow(1 - p, wordsPerReview) <= share) return VOCABULARY[r]!
  }
  return VOCABULARY[VOCABULARY.length - 1]!
}
