import { CompiledQuery, sql, type Kysely, type RawBuilder } from 'kysely'
import { countryByCode } from '../domain/countries.ts'
import {
  bigramIndexText, bigramTokens, cleanText, hasFilters, isUsefulSearch, NO_FILTERS, parseSearch, searchedRuns,
  type Highlighted, type ParsedSearch, type SearchExcerpt, type SearchFilterOptions, type SearchFilters, type SearchHit,
  type SearchPage, type SearchPiece, type SearchQuery, type SearchTerm,
} from '../domain/search.ts'
import type { Conn, DB, Tx } from './db.ts'
import { binaryText } from './dialect.ts'
import { SUMMARY_COLUMNS, toSummary } from './summaries.ts'

/**
 * Full-text search over reviews. SQLite implements it with FTS5 (below), PostgreSQL with a
 * tsvector column and a GIN index (search-postgres.ts); `searchIndexFor` (search-index.ts) picks
 * the one of a connection. What is indexed, how results are paged and how highlights become
 * excerpts is shared, so both find and show the same. Only published reviews are found: the status is checked when
 * searching, so publishing or unpublishing never leaves the index wrong.
 */
export interface SearchIndex {
  /**
   * Brings the index entry of a review up to date with its stored rows (drafts included). A
   * caller that has just written the review passes what it wrote, saving the index a read-back.
   */
  reindexReview(trx: Tx, reviewId: number, written?: IndexSource): Promise<void>
  /** Drops a review from the index. */
  removeReview(trx: Tx, reviewId: number): Promise<void>
  /** Published reviews that match, best first, one page at a time; any text is safe to pass. */
  search(db: Conn, query: SearchQuery): Promise<SearchPage>
  /** Creates the index's tables (migration 0004). */
  createTable(db: Kysely<any>): Promise<void>
  /** Indexes every review again (after creating the table, a restore, or to repair it). */
  rebuild(trx: Tx): Promise<void>
}

/*
 * The FTS5 table, one row per review, rowid = reviews.id.
 *
 * Text columns are tokenised by unicode61 (accents folded: "cafe" finds "Café") with the Porter
 * stemmer on top ("lantern" finds "Lanterns"). unicode61 keeps a run of Chinese, Japanese, Korean
 * or Thai as a single token, so `病棟` would not find `静かな病棟`. Two extra columns hold those
 * runs as overlapping grapheme pairs (`종이등` → `종이 이등 등`), the approach of Lucene's CJK
 * bigram filter and pg_bigm: a substring of two or more characters is a phrase of pairs, and one
 * character is a prefix query. A trigram table was the other candidate, but FTS5's trigram
 * tokenizer cannot MATCH fewer than three characters, and two-character words (종이, 病棟, 月下)
 * are the common case; keeping the pairs in this table also lets one MATCH expression combine
 * both kinds of term with AND, OR and NOT, ranked by one bm25.
 *
 * The order of the columns matters: bm25() weights and highlight() name them by position.
 */
export const COLUMNS = ['title', 'native_title', 'headline', 'hook', 'body', 'spoilers', 'tags', 'people', 'cjk_head', 'cjk_body'] as const
export type Column = (typeof COLUMNS)[number]
const col = (name: Column) => COLUMNS.indexOf(name)

/** Title matches rank highest, then the other names of the show, then what sits beside them. */
const WEIGHTS: Record<Column, number> = {
  title: 10, native_title: 8, headline: 5, hook: 3, body: 1, spoilers: 0.5, tags: 4, people: 4, cjk_head: 8, cjk_body: 1,
}
// section_map is stored, not indexed; bm25 still wants a weight for it.
const BM25 = sql.raw(`bm25(review_search, ${COLUMNS.map((c) => WEIGHTS[c].toFixed(1)).join(', ')}, 0.0)`)

// highlight() wraps matches in these; indexed text never holds them (cleanText removes control characters).
export const OPEN = '\u0002'
export const CLOSE = '\u0003'

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }

/** Plain text of rendered review HTML (our Markdown renderer's output): tags out, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(?:br|hr)\b[^>]*>|<\/(?:p|li|h[1-6]|blockquote|pre|tr|td|th|dt|dd)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (m, e: string) => {
      if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? m
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))
      return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : m
    })
    .replace(UNTIDY_SPACE, ' ')
    .replace(/ *\n[\s]*/g, '\n')
    .trim()
}

// Runs of white space but line breaks, other than a lone space (which would be replaced by itself,
// for every word of the text).
const UNTIDY_SPACE = /[^\S\n ][^\S\n]*| [^\S\n]+/g

/** Where the intro and each rubric section sit in the body and spoilers columns. */
type SectionMap = {
  intro: [number, number]
  sections: { col: 'body' | 'spoilers'; aspect: string; verdict: [number, number] | null; text: [number, number] }[]
}

export type IndexedDocument = Record<Column, string> & { section_map: string }

/** What the index reads of a review: its names, texts and rendered HTML. */
export type IndexSource = {
  title: string
  native_title: string | null
  romanized_title: string | null
  headline: string | null
  hook: string | null
  intro_html: string
  sections: { aspect: string; verdict: string; body_html: string; spoiler: number }[]
  tags: string[]
  people: string[]
  /** `indexedText` of the intro and sections, when worked out beforehand. */
  text?: IndexedText
}

/**
 * The part of a review's index entry that comes from its intro and sections: most of the work of
 * indexing, and pure, so a caller with time elsewhere (an import's reader threads) can work it out
 * beforehand and pass it in `IndexSource.text`.
 */
export type IndexedText = { body: string; spoilers: string; map: SectionMap; cjk: string }

/** Reads what the index needs of a stored review, or null when there is no such review. */
export async function loadSource(db: Conn, reviewId: number): Promise<IndexSource | null> {
  const row = await db
    .selectFrom('reviews')
    .select(['title', 'native_title', 'romanized_title', 'headline', 'hook', 'intro_html'])
    .where('id', '=', reviewId)
    .executeTakeFirst()
  if (!row) return null
  const [sections, tags, people] = await Promise.all([
    db.selectFrom('sections').select(['aspect', 'verdict', 'body_html', 'spoiler']).where('review_id', '=', reviewId).orderBy('position').execute(),
    db
      .selectFrom('review_tags')
      .innerJoin('tags', 'tags.id', 'review_tags.tag_id')
      .select('tags.name')
      .where('review_tags.review_id', '=', reviewId)
      .orderBy('review_tags.position')
      .execute(),
    db
      .selectFrom('review_people')
      .innerJoin('people', 'people.id', 'review_people.person_id')
      .select('people.name')
      .where('review_people.review_id', '=', reviewId)
      .orderBy('review_people.position')
      .execute(),
  ])
  return { ...row, sections, tags: tags.map((t) => t.name), people: people.map((p) => p.name) }
}

const indexText = (s: string | null) => cleanText(s ?? '').normalize('NFC')

/** Works out the text part of a review's index entry (see `IndexedText`). */
export function indexedText(src: Pick<IndexSource, 'intro_html' | 'sections'>): IndexedText {
  let body = ''
  let spoilers = ''
  const append = (column: 'body' | 'spoilers', part: string, separator: string): [number, number] => {
    const current = column === 'body' ? body : spoilers
    const start = current ? current.length + separator.length : 0
    const next = current ? current + separator + part : part
    if (column === 'body') body = next
    else spoilers = next
    return [start, start + part.length]
  }
  const intro = indexText(htmlToText(src.intro_html))
  const map: SectionMap = { intro: intro ? append('body', intro, '') : [0, 0], sections: [] }
  for (const s of src.sections) {
    const verdict = append('body', indexText(s.verdict), '\n\n')
    const sectionText = indexText(htmlToText(s.body_html))
    if (s.spoiler === 1) {
      map.sections.push({ col: 'body', aspect: s.aspect, verdict, text: [verdict[1], verdict[1]] })
      map.sections.push({ col: 'spoilers', aspect: s.aspect, verdict: null, text: append('spoilers', sectionText, '\n\n') })
    } else {
      map.sections.push({ col: 'body', aspect: s.aspect, verdict, text: append('body', sectionText, '\n') })
    }
  }
  return { body, spoilers, map, cjk: [body, spoilers].map(bigramIndexText).join(' ') }
}

/** The indexed columns of a review: cleaned text, CJK pairs, and where each section sits. */
export function indexedDocument(src: IndexSource): IndexedDocument {
  const { body, spoilers, map, cjk } = src.text ?? indexedText(src)
  const doc = {
    title: indexText(src.title),
    native_title: [src.native_title, src.romanized_title].filter(Boolean).map(indexText).join(' · '),
    headline: indexText(src.headline),
    hook: indexText(src.hook),
    body,
    spoilers,
    tags: src.tags.map(indexText).join(', '),
    people: src.people.map(indexText).join(', '),
  }
  return {
    ...doc,
    cjk_head: [doc.title, doc.native_title, doc.headline, doc.hook].map(bigramIndexText).join(' '),
    cjk_body: [cjk, bigramIndexText(doc.tags), bigramIndexText(doc.people)].join(' '),
    section_map: JSON.stringify(map),
  }
}

// ---------------------------------------------------------------------------------------------
// Queries: the parsed search becomes an FTS5 expression in which every piece of user text is a
// double-quoted string (quotes doubled), so nothing a reader types is read as FTS5 syntax.

const quoted = (s: string) => `"${s.replace(/"/g, '""')}"`

function pieceExpr(p: SearchPiece): string {
  if (p.kind === 'words') return quoted(p.text)
  if (p.graphemes.length === 1) return `{cjk_head cjk_body} : ${quoted(p.graphemes[0]!)} *`
  return `{cjk_head cjk_body} : ${quoted(bigramTokens(p.graphemes).slice(0, -1).join(' '))}`
}

const termExpr = (t: SearchTerm) => (t.length === 1 ? pieceExpr(t[0]!) : `(${t.map(pieceExpr).join(' AND ')})`)

/** The MATCH expression of a useful parsed search. */
export function matchExpression(s: ParsedSearch): string {
  const all = s.clauses.map((c) => (c.length === 1 ? termExpr(c[0]!) : `(${c.map(termExpr).join(' OR ')})`)).join(' AND ')
  return s.exclusions.length ? `(${all}) NOT (${s.exclusions.map(termExpr).join(' OR ')})` : all
}

/** The SQL condition of the search filters, on reviews as `r`: published, and every filter given. */
export function filterConditions(f: SearchFilters): RawBuilder<unknown> {
  const conds: RawBuilder<unknown>[] = [sql`r.status = 'published'`]
  if (f.country !== null) conds.push(sql`r.origin_code = ${f.country}`)
  if (f.platform !== null) conds.push(sql`r.platform_slug = ${f.platform}`)
  if (f.year !== null) conds.push(sql`r.year = ${f.year}`)
  if (f.meter !== null) conds.push(sql`r.meter_value = ${f.meter}`)
  return sql.join(conds, sql` AND `)
}

// The same columns the other lists read, so `toSummary` from the review store maps them.
export const SUMMARY = sql.raw(['id', ...SUMMARY_COLUMNS].map((c) => `r.${c}`).join(', '))
export type SummaryRow = Pick<DB['reviews'], (typeof SUMMARY_COLUMNS)[number]> & { id: number }

export type HitRow = SummaryRow & Record<`hl_${Column}`, string | null> & { section_map: string }

const HIGHLIGHTS = sql.raw(
  COLUMNS.slice(0, 8)
    .map((c) => `highlight(review_search, ${col(c)}, char(2), char(3)) AS hl_${c}`)
    .join(', '),
)

/** The page to show (clamped to the last) and its offset. */
export function pageOf(requested: number | undefined, total: number, perPage: number) {
  const pageCount = Math.max(1, Math.ceil(total / perPage))
  const page = Math.min(Math.max(1, Math.floor(requested ?? 1) || 1), pageCount)
  return { page, pageCount, offset: (page - 1) * perPage }
}

/** Past this many unpublished reviews, ranking joins every match to its review instead. */
const FEW_UNPUBLISHED = 200

/** Integer ids written into the SQL text: FTS5 looks up `rowid IN (1, 2)` row by row, but drops the constraint when the ids are bound (better-sqlite3 binds numbers as REAL). */
const idList = (ids: readonly number[]) => sql.raw(ids.map((id) => String(Math.trunc(id))).join(', '))

type Ranked = { ids: number[]; total: number; page: number; pageCount: number }

/**
 * Ranks matches without touching the reviews table: the usual case, no filters and few drafts.
 * Joining each match to its review to check the status costs more than ranking itself when a
 * word occurs in most reviews, so unpublished reviews are counted and left out separately.
 * Ties on bm25 fall back to the newest review first (highest id), as in the joined query.
 */
async function rankPublished(db: Conn, match: string, unpublished: number[], requested: number | undefined, perPage: number): Promise<Ranked> {
  const matches = await sql<{ n: number }>`SELECT count(*) AS n FROM review_search WHERE review_search MATCH ${match}`.execute(db)
  const hidden = unpublished.length
    ? await sql<{ id: number }>`SELECT rowid AS id FROM review_search WHERE review_search MATCH ${match} AND rowid IN (${idList(unpublished)})`.execute(db)
    : { rows: [] }
  const hiddenIds = new Set(hidden.rows.map((r) => Number(r.id)))
  const total = Number(matches.rows[0]?.n ?? 0) - hiddenIds.size
  const { page, pageCount, offset } = pageOf(requested, total, perPage)
  if (total <= 0) return { ids: [], total: Math.max(0, total), page, pageCount }
  const ranked = await sql<{ id: number }>`
    SELECT rowid AS id FROM review_search WHERE review_search MATCH ${match}
    ORDER BY ${BM25}, rowid DESC LIMIT ${offset + perPage + hiddenIds.size}`.execute(db)
  const ids = ranked.rows.map((r) => Number(r.id)).filter((id) => !hiddenIds.has(id))
  return { ids: ids.slice(offset, offset + perPage), total, page, pageCount }
}

/** Ranks matches joined to their reviews, for filters (country, platform, year, meter) or many drafts. */
async function rankJoined(db: Conn, match: string, filters: SearchFilters, requested: number | undefined, perPage: number): Promise<Ranked> {
  // CROSS JOIN keeps the FTS5 table as the outer loop: one MATCH, then a primary-key lookup per hit.
  const from = sql`review_search CROSS JOIN reviews r ON r.id = review_search.rowid`
  const where = sql`review_search MATCH ${match} AND ${filterConditions(filters)}`
  const counted = await sql<{ n: number }>`SELECT count(*) AS n FROM ${from} WHERE ${where}`.execute(db)
  const total = Number(counted.rows[0]?.n ?? 0)
  const { page, pageCount, offset } = pageOf(requested, total, perPage)
  if (total === 0) return { ids: [], total, page, pageCount }
  // (A window count(*) OVER () would save the count, but FTS5 refuses bm25() in a window query.)
  const ranked = await sql<{ id: number }>`
    SELECT r.id AS id FROM ${from} WHERE ${where}
    ORDER BY ${BM25}, r.id DESC LIMIT ${perPage} OFFSET ${offset}`.execute(db)
  return { ids: ranked.rows.map((r) => Number(r.id)), total, page, pageCount }
}

async function searchText(db: Conn, parsed: ParsedSearch, filters: SearchFilters, requested: number | undefined, perPage: number): Promise<SearchPage> {
  const match = matchExpression(parsed)
  let ranked: Ranked | null = null
  if (!hasFilters(filters)) {
    const unpublished = await db
      .selectFrom('reviews')
      .select('id')
      .where('status', 'in', ['draft', 'scheduled', 'unpublished'])
      .limit(FEW_UNPUBLISHED + 1)
      .execute()
    if (unpublished.length <= FEW_UNPUBLISHED) ranked = await rankPublished(db, match, unpublished.map((r) => r.id), requested, perPage)
  }
  ranked ??= await rankJoined(db, match, filters, requested, perPage)
  const { ids, total, page, pageCount } = ranked
  if (!ids.length) return { items: [], total, page, perPage, pageCount }
  // Highlights only for the page's rows: computing them in the ranking query would do it for every match.
  const rows = await sql<HitRow>`
    SELECT ${SUMMARY}, ${HIGHLIGHTS}, review_search.section_map AS section_map
    FROM review_search CROSS JOIN reviews r ON r.id = review_search.rowid
    WHERE review_search MATCH ${match} AND review_search.rowid IN (${idList(ids)})`.execute(db)
  const byId = new Map(rows.rows.map((r) => [Number(r.id), r]))
  const runs = searchedRuns(parsed)
  const items = ids.flatMap((id) => {
    const row = byId.get(id)
    return row ? [toHit(row, runs)] : []
  })
  return { items, total, page, perPage, pageCount }
}

async function listFiltered(db: Conn, filters: SearchFilters, requested: number | undefined, perPage: number): Promise<SearchPage> {
  const where = filterConditions(filters)
  const counted = await sql<{ n: number }>`SELECT count(*) AS n FROM reviews r WHERE ${where}`.execute(db)
  const total = Number(counted.rows[0]?.n ?? 0)
  const { page, pageCount, offset } = pageOf(requested, total, perPage)
  const rows = await sql<SummaryRow>`
    SELECT ${SUMMARY} FROM reviews r WHERE ${where}
    ORDER BY r.sort_date DESC, r.id DESC LIMIT ${perPage} OFFSET ${offset}`.execute(db)
  const plain = (s: string | null): Highlighted | null => (s ? [{ text: s, mark: false }] : null)
  const items = rows.rows.map((r): SearchHit => {
    const hook = plain(r.hook)
    return {
      review: toSummary(r),
      title: [{ text: r.title, mark: false }],
      nativeTitle: plain(r.native_title),
      headline: plain(r.headline),
      excerpt: hook ? { where: 'hook', section: null, text: hook, cutBefore: false, cutAfter: false } : null,
    }
  })
  return { items, total, page, perPage, pageCount }
}

// ---------------------------------------------------------------------------------------------
// Highlights and excerpts. highlight() returns a column's text with matches between sentinel
// characters; it is read here into plain text plus marked ranges, and views escape the text and
// wrap the marked parts in <mark>, so no stored text is ever treated as HTML. Unsegmented runs
// were matched through the pair columns, so they are found in the text here.

type Marked = { plain: string; marks: [number, number][] }

function readMarked(highlighted: string | null, runs: readonly string[]): Marked {
  const text = highlighted ?? ''
  let plain = ''
  const marks: [number, number][] = []
  let openAt = -1
  let from = 0
  for (let i = text.search(/[\u0002\u0003]/); i >= 0; i = nextSentinel(text, i + 1)) {
    plain += text.slice(from, i)
    from = i + 1
    if (text[i] === OPEN) {
      if (openAt < 0) openAt = plain.length
    } else if (openAt >= 0) {
      if (plain.length > openAt) marks.push([openAt, plain.length])
      openAt = -1
    }
  }
  plain += text.slice(from)
  if (openAt >= 0 && plain.length > openAt) marks.push([openAt, plain.length])
  for (const run of runs) {
    for (let at = plain.indexOf(run); at >= 0 && marks.length < 2000; at = plain.indexOf(run, at + run.length)) {
      marks.push([at, at + run.length])
    }
  }
  marks.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const merged: [number, number][] = []
  for (const m of marks) {
    const last = merged[merged.length - 1]
    if (last && m[0] <= last[1]) last[1] = Math.max(last[1], m[1])
    else merged.push([m[0], m[1]])
  }
  return { plain, marks: merged }
}

function nextSentinel(text: string, from: number): number {
  const a = text.indexOf(OPEN, from)
  const b = text.indexOf(CLOSE, from)
  return a < 0 ? b : b < 0 ? a : Math.min(a, b)
}

/** The marked text between two offsets, as segments. */
function segments(m: Marked, from = 0, to = m.plain.length): Highlighted {
  const out: { text: string; mark: boolean }[] = []
  let pos = from
  for (const [s, e] of m.marks) {
    if (e <= from || s >= to) continue
    const a = Math.max(s, pos)
    const b = Math.min(e, to)
    if (a > pos) out.push({ text: m.plain.slice(pos, a), mark: false })
    if (b > a) out.push({ text: m.plain.slice(a, b), mark: true })
    pos = Math.max(pos, b)
  }
  if (pos < to) out.push({ text: m.plain.slice(pos, to), mark: false })
  return out
}

const hasMarks = (m: Marked, from = 0, to = m.plain.length) => m.marks.some(([s, e]) => e > from && s < to)
const inside = (at: number, [s, e]: [number, number]) => at >= s && at < e

const EXCERPT_BEFORE = 60
const EXCERPT_LENGTH = 220
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff

/** About EXCERPT_LENGTH characters of [lo, hi) around `at`, cut at spaces where there are any. */
function excerptAround(m: Marked, at: number, lo: number, hi: number): Pick<SearchExcerpt, 'text' | 'cutBefore' | 'cutAfter'> {
  const text = m.plain
  let start = Math.max(lo, at - EXCERPT_BEFORE)
  if (start > lo) {
    // Start at a sentence or line when one begins shortly before the match, else after a space.
    const before = text.slice(start, at)
    const sentence = /.*(?:[.!?。！？]\s|\n)/su.exec(before)
    const space = before.search(/\s/)
    if (sentence) start += sentence[0].length
    else if (space >= 0 && space < 25) start += space + 1
  }
  let end = Math.min(hi, Math.max(start + EXCERPT_LENGTH, at + 1))
  if (end < hi) {
    const space = text.slice(at, end).search(/\s\S*$/)
    if (space >= 0 && at + space > end - 30) end = at + space
  }
  if (isLowSurrogate(text.charCodeAt(start))) start++
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end--
  while (start < end && /\s/.test(text[start]!)) start++
  while (end > start && /\s/.test(text[end - 1]!)) end--
  return { text: segments(m, start, end), cutBefore: start > lo, cutAfter: end < hi }
}

/** The mark with the most different matched words close after it, in the same part of the text. */
function bestMark(m: Marked, zoneOf: (at: number) => [number, number]): [number, number] | null {
  let best: [number, number] | null = null
  let bestScore = 0
  for (let i = 0; i < m.marks.length && i < 300; i++) {
    const mark = m.marks[i]!
    const limit = Math.min(mark[0] + EXCERPT_LENGTH - EXCERPT_BEFORE, zoneOf(mark[0])[1])
    const words = new Set<string>()
    for (let j = i; j < m.marks.length && m.marks[j]![0] < limit; j++) words.add(m.plain.slice(...m.marks[j]!).toLowerCase())
    if (words.size > bestScore) {
      best = mark
      bestScore = words.size
    }
  }
  return best
}

function bodyExcerpt(body: Marked, map: SectionMap): SearchExcerpt | null {
  const sections = map.sections.filter((s) => s.col === 'body')
  const zone = (s: SectionMap['sections'][number]): [number, number] => [s.verdict?.[0] ?? s.text[0], Math.max(s.text[1], s.verdict?.[1] ?? 0)]
  const sectionAt = (at: number) => sections.find((s) => inside(at, zone(s)))
  const zoneOf = (at: number): [number, number] => {
    const s = sectionAt(at)
    return s ? zone(s) : map.intro
  }
  const mark = bestMark(body, zoneOf)
  if (!mark) return null
  const section = sectionAt(mark[0])
  if (!section) return { where: 'intro', section: null, ...excerptAround(body, mark[0], ...map.intro) }
  // The verdict is shown (highlighted) as the section's name; the excerpt comes from its text.
  const inText = body.marks.find(([s]) => inside(s, section.text))
  return {
    where: 'section',
    section: { aspect: section.aspect, verdict: section.verdict ? segments(body, ...section.verdict) : [] },
    ...excerptAround(body, inText?.[0] ?? section.text[0], ...section.text),
  }
}

/** A search hit from a row with highlighted columns (marker characters around matches). */
export function toHit(row: HitRow, runs: readonly string[]): SearchHit {
  const marked = (c: Column) => readMarked(row[`hl_${c}`], runs)
  const optional = (c: Column) => {
    const m = marked(c)
    return m.plain ? segments(m) : null
  }
  const map = JSON.parse(row.section_map) as SectionMap
  const body = marked('body')
  let excerpt = bodyExcerpt(body, map)
  if (!excerpt) {
    const spoilers = marked('spoilers')
    const spoiler = map.sections.find((s) => s.col === 'spoilers' && hasMarks(spoilers, ...s.text))
    const hook = marked('hook')
    const people = marked('people')
    const tags = marked('tags')
    const whole = (where: SearchExcerpt['where'], m: Marked): SearchExcerpt => ({ where, section: null, text: segments(m), cutBefore: false, cutAfter: false })
    if (spoiler) excerpt = { where: 'spoiler', section: { aspect: spoiler.aspect, verdict: [] }, text: [], cutBefore: false, cutAfter: false }
    else if (hasMarks(hook)) excerpt = whole('hook', hook)
    else if (hasMarks(people)) excerpt = whole('people', people)
    else if (hasMarks(tags)) excerpt = whole('tags', tags)
    else if (map.intro[1] > 0) excerpt = { where: 'intro', section: null, ...excerptAround(body, 0, ...map.intro) }
  }
  return {
    review: toSummary(row),
    title: segments(marked('title')),
    nativeTitle: optional('native_title'),
    headline: optional('headline'),
    excerpt,
  }
}

/**
 * FTS5 keeps the terms of a transaction's new rows in memory and writes them out as a new segment
 * of the index whenever they pass `hashsize` bytes (1 MB by default), merging segments as they pile
 * up. An import of thousands of reviews in one transaction then spends much of its time merging:
 * with 16 MB, 10,000 reviews went into the index in 40 % less time. A transaction of one review
 * never comes near either size.
 */
export async function sizeWriteBuffer(db: Kysely<any>): Promise<void> {
  await sql`INSERT INTO review_search (review_search, rank) VALUES ('hashsize', ${sql.lit(16 * 1024 * 1024)})`.execute(db)
}

const STORED = [...COLUMNS, 'section_map'] as const
const DELETE_ROW = 'DELETE FROM review_search WHERE rowid = ?'
const INSERT_ROW = `INSERT INTO review_search (rowid, ${STORED.join(', ')}) VALUES (?${', ?'.repeat(STORED.length)})`

/** The SQLite (FTS5) search index. */
export const sqliteSearchIndex: SearchIndex = {
  async reindexReview(trx, reviewId, written) {
    // Fixed texts, run as they are: an import reindexes thousands of reviews.
    await trx.executeQuery(CompiledQuery.raw(DELETE_ROW, [BigInt(reviewId)]))
    const source = written ?? (await loadSource(trx, reviewId))
    if (!source) return
    const doc = indexedDocument(source)
    await trx.executeQuery(CompiledQuery.raw(INSERT_ROW, [reviewId, ...STORED.map((n) => doc[n])]))
  },

  async removeReview(trx, reviewId) {
    await sql`DELETE FROM review_search WHERE rowid = ${BigInt(reviewId)}`.execute(trx)
  },

  search: (db, query) => searchWith(db, query, searchText),

  /*
   * Created by migration 0004: the index is derived data, so its migration uses this current
   * definition; a later change to the columns drops the table, calls this and refills it.
   */
  async createTable(db) {
    await sql`CREATE VIRTUAL TABLE review_search USING fts5(
      ${sql.raw(COLUMNS.join(', '))}, section_map UNINDEXED,
      tokenize = 'porter unicode61 remove_diacritics 2'
    )`.execute(db)
    await sizeWriteBuffer(db)
  },

  async rebuild(trx) {
    await sql`DELETE FROM review_search`.execute(trx)
    const rows = await trx.selectFrom('reviews').select('id').orderBy('id').execute()
    for (const { id } of rows) await this.reindexReview(trx, id)
  },
}

/**
 * Runs a search the same way in every dialect: parses the text, asks `searchText` when there are
 * words to find, lists filtered reviews newest first when there are only filters.
 */
export async function searchWith(
  db: Conn,
  query: SearchQuery,
  searchText: (db: Conn, parsed: ParsedSearch, filters: SearchFilters, requested: number | undefined, perPage: number) => Promise<SearchPage>,
): Promise<SearchPage> {
  const filters = { ...NO_FILTERS, ...query.filters }
  const perPage = Math.min(100, Math.max(1, Math.floor(query.perPage ?? 12) || 12))
  const parsed = parseSearch(query.text)
  if (isUsefulSearch(parsed)) return searchText(db, parsed, filters, query.page, perPage)
  if (hasFilters(filters)) return listFiltered(db, filters, query.page, perPage)
  return { items: [], total: 0, page: 1, perPage, pageCount: 1 }
}

/** What the filter selects offer: the countries, platforms and years of published reviews. */
export async function listSearchFilterOptions(db: Conn): Promise<SearchFilterOptions> {
  const published = db.selectFrom('reviews').where('status', '=', 'published')
  const [countries, platforms, years] = await Promise.all([
    published.select('origin_code').distinct().where('origin_code', 'is not', null).execute(),
    published
      .select((eb) => ['platform_slug', eb.fn.min(binaryText(db, sql`platform`)).as('platform')])
      .where('platform_slug', 'is not', null)
      .groupBy('platform_slug')
      .execute(),
    published.select('year').distinct().where('year', 'is not', null).orderBy('year', 'desc').execute(),
  ])
  return {
    countries: countries
      .map((c) => ({ code: c.origin_code!, name: countryByCode(c.origin_code!)?.name ?? c.origin_code! }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en')),
    platforms: platforms
      .map((p) => ({ slug: p.platform_slug!, name: String(p.platform ?? p.platform_slug) }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' })),
    years: years.map((y) => y.year!),
  }
}
