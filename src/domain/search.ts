import type { Page, ReviewSummary } from './records.ts'

/**
 * Search, without a database: what readers may type and what a result holds. The store compiles a
 * parsed query to its own dialect (an FTS5 MATCH expression for SQLite, a tsquery for PostgreSQL),
 * so user text never reaches a query parser as it was typed.
 */

/** Longest search text read; the rest is ignored, so a pasted essay cannot make a slow query. */
export const MAX_SEARCH_CHARS = 200
/** Most terms (words, phrases, exclusions) a query keeps. */
export const MAX_SEARCH_TERMS = 16

/**
 * One piece of a term. `words` is text in a script that separates words with spaces (Latin,
 * Cyrillic…), matched word by word as a phrase; `cjk` is a run of a script written without spaces
 * (Chinese, Japanese, Korean, Thai…), matched as a substring.
 */
export type SearchPiece = { kind: 'words'; text: string } | { kind: 'cjk'; text: string; graphemes: readonly string[] }
/** A typed word or quoted phrase: every piece must match (`K드라마` is `k` and `드라마`). */
export type SearchTerm = readonly SearchPiece[]

/** A query: every clause must match (a clause is one term, or terms joined by `OR`); no exclusion may. */
export type ParsedSearch = {
  clauses: SearchTerm[][]
  exclusions: SearchTerm[]
}

export type SearchFilters = {
  /** ISO 3166 alpha-2 code, upper case. */
  country: string | null
  /** Slug of the platform name. */
  platform: string | null
  year: number | null
  meter: number | null
}

export const NO_FILTERS: SearchFilters = Object.freeze({ country: null, platform: null, year: null, meter: null })

/** What a search index is asked. Page numbers past the last give the last page. */
export type SearchQuery = { text: string; filters?: Partial<SearchFilters>; page?: number; perPage?: number }

/** Text with the parts that matched the query marked; views wrap marked parts in `<mark>`. */
export type Highlighted = readonly { text: string; mark: boolean }[]

/** Where in a review the query matched, with the text around the match. */
export type SearchExcerpt = {
  where: 'intro' | 'section' | 'spoiler' | 'hook' | 'tags' | 'people'
  /** The rubric section the match is in; for `spoiler` the text stays hidden. */
  section: { aspect: string; verdict: Highlighted } | null
  text: Highlighted
  /** Text was cut before / after the excerpt. */
  cutBefore: boolean
  cutAfter: boolean
}

export type SearchHit = {
  review: ReviewSummary
  title: Highlighted
  /** The native title, then the romanised one. */
  nativeTitle: Highlighted | null
  headline: Highlighted | null
  excerpt: SearchExcerpt | null
}

export type SearchPage = Page<SearchHit>

/** Values the filter selects offer: only what published reviews have. */
export type SearchFilterOptions = {
  countries: { code: string; name: string }[]
  platforms: { slug: string; name: string }[]
  years: number[]
}

/** A search as the page asks for it: text, filters and page, already checked. */
export type SearchRequest = { q: string; filters: SearchFilters; page: number }

// Scripts written without spaces between words. Korean uses spaces, but particles stick to the
// noun (종이등은, 종이등을), so it is searched by substring too.
const UNSEGMENTED = /^[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]/u
const WORD_CHAR = /^[\p{L}\p{N}\p{M}]/u
const HAS_WORD_CHAR = /[\p{L}\p{N}\p{Co}]/u
const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' })

/** True for a grapheme of a script without spaces that is part of a word (not `。` or `「`). */
export function isUnsegmented(grapheme: string): boolean {
  return UNSEGMENTED.test(grapheme) && WORD_CHAR.test(grapheme)
}

/** Text that any parser can take: lone surrogates become U+FFFD, control characters spaces. */
export function cleanText(text: string): string {
  return text.toWellFormed().replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, ' ')
}

// Candidate runs of unsegmented script with their marks; only these go through the (slow) grapheme
// segmenter, so long Latin-script reviews are split in one regex pass.
const SCRIPT_RUN = /(?:[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}][\p{M}\u200c\u200d\ufe00-\ufe0f]*)+/gu

/** Splits text into runs of unsegmented-script graphemes and the text between them. */
export function splitScripts(text: string): SearchPiece[] {
  const pieces: SearchPiece[] = []
  let words = ''
  let last = 0
  for (const m of text.matchAll(SCRIPT_RUN)) {
    words += text.slice(last, m.index)
    last = m.index + m[0].length
    let run: string[] = []
    for (const { segment } of graphemes.segment(m[0])) {
      if (isUnsegmented(segment)) {
        if (words) pieces.push({ kind: 'words', text: words })
        words = ''
        run.push(segment)
      } else {
        if (run.length) pieces.push({ kind: 'cjk', text: run.join(''), graphemes: run })
        run = []
        words += segment
      }
    }
    if (run.length) pieces.push({ kind: 'cjk', text: run.join(''), graphemes: run })
  }
  words += text.slice(last)
  if (words) pieces.push({ kind: 'words', text: words })
  return pieces
}

/**
 * The tokens a run of unsegmented script is indexed as: every pair of neighbouring graphemes, then
 * the last grapheme alone (`종이등` → `종이 이등 등`). A substring of two or more graphemes is then
 * a phrase of pairs, and one grapheme is a prefix of a pair or the last one.
 */
export function bigramTokens(run: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i + 1 < run.length; i++) out.push(run[i]! + run[i + 1]!)
  if (run.length) out.push(run[run.length - 1]!)
  return out
}

/**
 * Text without a character from U+00B7 up has no unsegmented run, not even after NFKC: no code point
 * below it belongs to those scripts or becomes one of them (checked for every code point by the tests).
 */
export const MAY_HOLD_UNSEGMENTED = /[^\u0000-\u00b6]/

/** The bigram text of every unsegmented run in `text`, for the index (see `bigramTokens`). */
export function bigramIndexText(text: string): string {
  if (!MAY_HOLD_UNSEGMENTED.test(text)) return ''
  // NFKC, as queries are: half-width katakana and full-width forms then match their usual forms.
  return splitScripts(text.normalize('NFKC'))
    .flatMap((p) => (p.kind === 'cjk' ? bigramTokens(p.graphemes) : []))
    .join(' ')
}

/** The pieces of one typed word or phrase that can match something; empty when none can. */
function toTerm(text: string): SearchTerm {
  return splitScripts(text).filter((p) => p.kind === 'cjk' || HAS_WORD_CHAR.test(p.text))
}

type Token = { type: 'or' } | { type: 'term'; text: string; negated: boolean }

function lex(text: string): Token[] {
  const tokens: Token[] = []
  const isSpace = (ch: string | undefined) => ch !== undefined && /\s/u.test(ch)
  let i = 0
  while (i < text.length) {
    if (isSpace(text[i])) {
      i++
      continue
    }
    let negated = false
    if (text[i] === '-' && i + 1 < text.length && !isSpace(text[i + 1])) {
      negated = true
      i++
    }
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1)
      tokens.push({ type: 'term', text: text.slice(i + 1, end < 0 ? text.length : end), negated })
      i = end < 0 ? text.length : end + 1
      continue
    }
    let j = i
    while (j < text.length && !isSpace(text[j]) && text[j] !== '"') j++
    const word = text.slice(i, j)
    i = j
    tokens.push(!negated && word === 'OR' ? { type: 'or' } : { type: 'term', text: word, negated })
  }
  return tokens
}

/**
 * Reads what a reader typed: words must all match, `"a phrase"` stays a phrase, `-word` (or
 * `-"a phrase"`) excludes, and `OR` between two terms accepts either. Everything else (operators,
 * `*`, `:`, brackets, `NEAR`, emoji) is just text; punctuation that cannot match is dropped.
 * @example parseSearch('slow "small town" -gumiho') // two clauses, one exclusion
 */
export function parseSearch(text: string): ParsedSearch {
  const clean = cleanText(text.slice(0, MAX_SEARCH_CHARS)).normalize('NFKC')
  const clauses: SearchTerm[][] = []
  const exclusions: SearchTerm[] = []
  let count = 0
  let pendingOr = false
  for (const token of lex(clean)) {
    if (token.type === 'or') {
      pendingOr = clauses.length > 0
      continue
    }
    const term = toTerm(token.text)
    if (!term.length || count >= MAX_SEARCH_TERMS) {
      pendingOr = false
      continue
    }
    count++
    if (token.negated) exclusions.push(term)
    else if (pendingOr) clauses[clauses.length - 1]!.push(term)
    else clauses.push([term])
    pendingOr = false
  }
  return { clauses, exclusions }
}

/** True when the query asks for something (exclusions alone match nothing in particular). */
export const isUsefulSearch = (s: ParsedSearch): boolean => s.clauses.length > 0

/** The unsegmented runs the query looks for, which the store marks in result text itself. */
export function searchedRuns(s: ParsedSearch): string[] {
  const runs = new Set<string>()
  for (const clause of s.clauses) for (const term of clause) for (const p of term) if (p.kind === 'cjk') runs.add(p.text)
  return [...runs]
}

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim()

/** Checks the query string of `/search`: bad filters and page numbers are ignored, not errors. */
export function readSearchRequest(raw: Record<string, string | string[] | undefined>): SearchRequest {
  const country = one(raw.country)
  const platform = one(raw.platform)
  const year = one(raw.year)
  const meter = one(raw.meter)
  const page = one(raw.page)
  return {
    q: cleanText(one(raw.q)).slice(0, MAX_SEARCH_CHARS * 2).trim(),
    filters: {
      country: /^[a-z]{2}$/i.test(country) ? country.toUpperCase() : null,
      platform: /^[a-z0-9]+(-[a-z0-9]+)*$/.test(platform) && platform.length <= 160 ? platform : null,
      year: /^\d{4}$/.test(year) ? Number(year) : null,
      meter: /^\d{1,2}$/.test(meter) ? Number(meter) : null,
    },
    page: /^[1-9]\d{0,5}$/.test(page) ? Number(page) : 1,
  }
}

/** True when any filter is set. */
export const hasFilters = (f: SearchFilters): boolean => Object.values(f).some((v) => v !== null)

/** The address of a search page; empty parts are left out. */
export function searchHref(r: SearchRequest, page = r.page): string {
  const params = new URLSearchParams()
  if (r.q) params.set('q', r.q)
  if (r.filters.country) params.set('country', r.filters.country.toLowerCase())
  if (r.filters.platform) params.set('platform', r.filters.platform)
  if (r.filters.year !== null) params.set('year', String(r.filters.year))
  if (r.filters.meter !== null) params.set('meter', String(r.filters.meter))
  if (page > 1) params.set('page', String(page))
  const qs = params.toString()
  return qs ? `/search?${qs}` : '/search'
}
