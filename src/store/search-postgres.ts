import { sql, type RawBuilder } from 'kysely'
import {
  bigramTokens, cleanText, searchedRuns, type ParsedSearch, type SearchFilters, type SearchPage, type SearchPiece, type SearchTerm,
} from '../domain/search.ts'
import type { Conn } from './db.ts'
import {
  CLOSE, COLUMNS, filterConditions, indexedDocument, loadSource, OPEN, pageOf, searchWith, SUMMARY, toHit,
  type Column, type HitRow, type IndexedDocument, type SearchIndex, type SummaryRow,
} from './search.ts'

/*
 * The PostgreSQL search index: one row per review in `review_search`, holding the same document
 * columns as SQLite's FTS5 table (for excerpts) and a `document` tsvector with a GIN index.
 *
 * Matching like FTS5's `porter unicode61 remove_diacritics 2`:
 * - Text is folded here before PostgreSQL sees it (`foldText`): lower case, accents off Latin,
 *   Greek and Cyrillic letters, and every character that is not part of a word turned into a
 *   space, keeping the length. PostgreSQL's parser then sees plain words whatever the database's
 *   locale, no extension (unaccent) is needed, and offsets in the folded text are offsets in the
 *   stored text.
 * - The `dramalog` text search configuration stems English words (Snowball) with no stop words:
 *   "the" is searchable, as on SQLite.
 * - Runs of Chinese, Japanese, Korean or Thai are indexed as grapheme pairs, as on SQLite, written
 *   straight into the tsvector as lexemes starting with `~` (which folded text never holds), so a
 *   pair only ever matches a pair.
 * - Columns are kept apart by a `~` lexeme between them: a phrase never runs from the end of the
 *   title into the headline.
 *
 * Ranking: tsvector weights stand in for FTS5's per-column bm25 weights (A: titles, B: headline,
 * tags and people, C: hook, D: the text), ranked by ts_rank, ties newest first.
 *
 * Highlights: ts_headline marks every word of a phrase wherever it stands, where FTS5 marks only
 * whole phrases. Instead, the words of the page's rows are stemmed by PostgreSQL in one query and
 * matched here against the query's words and phrases; the result is the stored text with the same
 * marker characters FTS5's highlight() puts in, read by the same code.
 */

const CONFIG = sql.raw(`'dramalog'::regconfig`)
const PREFIX = '~'
const GAP = sql.raw(`'''${PREFIX}'':1'::tsvector`)
/** ts_rank weights for D, C, B, A. */
const RANK = sql.raw(`ts_rank('{0.1, 0.3, 0.45, 1.0}', s.document, q.query)`)
const WEIGHT: Record<Exclude<Column, 'cjk_head' | 'cjk_body'>, 'A' | 'B' | 'C' | 'D'> = {
  title: 'A', native_title: 'A', headline: 'B', hook: 'C', body: 'D', spoilers: 'D', tags: 'B', people: 'B',
}
const TEXT_COLUMNS = COLUMNS.filter((c): c is keyof typeof WEIGHT => c in WEIGHT)
const MAX_POSITION = 16383

// Scripts whose letters lose their accents (as unicode61 folds them); kana voicing marks and the
// like are letters of their own and stay.
const FOLDABLE = /[\u00c0-\u058f\u1e00-\u1fff]/gu
const NOT_WORD = /[^\p{L}\p{N}\p{M}\p{Co}]/gu
const WORD_RUN = /[\p{L}\p{N}\p{M}\p{Co}]+/gu
const MARKS = /^\p{M}+$/u

function foldChar(ch: string): string {
  const d = ch.normalize('NFD')
  const base = String.fromCodePoint(d.codePointAt(0)!)
  return base.length === ch.length && MARKS.test(d.slice(base.length)) ? base : ch
}

/** Text as the index reads it, of the same length: lower case, accents folded, only word characters. */
export function foldText(text: string): string {
  return text
    .replace(/\p{Lu}|\p{Lt}/gu, (ch) => {
      const lower = ch.toLowerCase()
      return lower.length === ch.length ? lower : ch
    })
    .replace(FOLDABLE, foldChar)
    .replace(NOT_WORD, (ch) => ' '.repeat(ch.length))
}

/** A lexeme or phrase as tsquery/tsvector text: quoted, with quotes and backslashes escaped. */
const quote = (lexeme: string) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`

/** The pair lexemes of the unsegmented runs of some texts, with positions and a weight, as tsvector text. */
function pairVector(bigramText: string, weight: 'A' | 'D'): string {
  const positions = new Map<string, number[]>()
  bigramText.split(' ').filter(Boolean).forEach((token, i) => {
    const list = positions.get(token) ?? []
    if (list.length < 256) list.push(Math.min(i + 1, MAX_POSITION))
    positions.set(token, list)
  })
  return [...positions].map(([token, at]) => `${quote(PREFIX + token)}:${[...new Set(at)].map((p) => `${p}${weight}`).join(',')}`).join(' ')
}

function documentVector(doc: IndexedDocument): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = []
  const text = (c: keyof typeof WEIGHT) => sql`setweight(to_tsvector(${CONFIG}, ${foldText(doc[c])}), ${sql.lit(WEIGHT[c])})`
  parts.push(text('title'), text('native_title'), sql`${pairVector(doc.cjk_head, 'A')}::tsvector`)
  for (const c of ['headline', 'hook', 'tags', 'people', 'body', 'spoilers'] as const) parts.push(text(c))
  parts.push(sql`${pairVector(doc.cjk_body, 'D')}::tsvector`)
  return sql.join(parts, sql` || ${GAP} || `)
}

// ---------------------------------------------------------------------------------------------
// Queries: every piece of user text is a bound parameter, folded first; pairs are tsquery text
// built here from graphemes, quoted.

function pieceQuery(p: SearchPiece): RawBuilder<unknown> {
  if (p.kind === 'words') return sql`phraseto_tsquery(${CONFIG}, ${foldText(cleanText(p.text))})`
  if (p.graphemes.length === 1) return sql`${`${quote(PREFIX + p.graphemes[0]!)}:*`}::tsquery`
  return sql`${bigramTokens(p.graphemes).slice(0, -1).map((t) => quote(PREFIX + t)).join(' <-> ')}::tsquery`
}

const termQuery = (t: SearchTerm) => sql`(${sql.join(t.map(pieceQuery), sql` && `)})`

/** The tsquery of a useful parsed search, as an SQL expression. */
function queryExpression(s: ParsedSearch): RawBuilder<unknown> {
  const all = sql.join(s.clauses.map((c) => sql`(${sql.join(c.map(termQuery), sql` || `)})`), sql` && `)
  if (!s.exclusions.length) return all
  return sql`(${all}) && !!(${sql.join(s.exclusions.map(termQuery), sql` || `)})`
}

type StoredRow = SummaryRow & Record<Exclude<Column, 'cjk_head' | 'cjk_body'>, string> & { section_map: string }

async function searchText(db: Conn, parsed: ParsedSearch, filters: SearchFilters, requested: number | undefined, perPage: number): Promise<SearchPage> {
  const from = sql`review_search s JOIN reviews r ON r.id = s.review_id CROSS JOIN (SELECT ${queryExpression(parsed)} AS query) q`
  const where = sql`s.document @@ q.query AND ${filterConditions(filters)}`
  const counted = await sql<{ n: number }>`SELECT count(*) AS n FROM ${from} WHERE ${where}`.execute(db)
  const total = Number(counted.rows[0]?.n ?? 0)
  const { page, pageCount, offset } = pageOf(requested, total, perPage)
  if (total === 0) return { items: [], total, page, perPage, pageCount }
  const rows = await sql<StoredRow>`
    SELECT ${SUMMARY}, ${sql.raw(TEXT_COLUMNS.map((c) => `s.${c}`).join(', '))}, s.section_map
    FROM ${from} WHERE ${where}
    ORDER BY ${RANK} DESC, r.id DESC LIMIT ${perPage} OFFSET ${offset}`.execute(db)
  const marked = await highlight(db, parsed, rows.rows)
  const runs = searchedRuns(parsed)
  return { items: marked.map((row) => toHit(row, runs)), total, page, perPage, pageCount }
}

// ---------------------------------------------------------------------------------------------
// Highlights

/** The words (runs of word characters) of folded text, with where each stands. */
function wordsOf(folded: string): { word: string; start: number; end: number }[] {
  return [...folded.matchAll(WORD_RUN)].map((m) => ({ word: m[0], start: m.index, end: m.index + m[0].length }))
}

/** The stemmed words the query looks for: one list per phrase (a single word is a phrase of one). */
function queryPhrases(parsed: ParsedSearch): string[][] {
  const phrases: string[][] = []
  for (const clause of parsed.clauses) {
    for (const term of clause) for (const p of term) if (p.kind === 'words') phrases.push(wordsOf(foldText(cleanText(p.text))).map((w) => w.word))
  }
  return phrases.filter((p) => p.length > 0)
}

/** Asks PostgreSQL for the lexemes of each word (usually one; none for a word it does not index). */
async function lexemesOf(db: Conn, words: Iterable<string>): Promise<Map<string, string[]>> {
  const list = [...new Set(words)]
  if (!list.length) return new Map()
  const result = await sql<{ w: string; lexemes: string[] | null }>`
    SELECT w, (SELECT array_agg(lexeme ORDER BY positions[1]) FROM unnest(to_tsvector(${CONFIG}, w))) AS lexemes
    FROM unnest(${list}::text[]) AS w`.execute(db)
  return new Map(result.rows.map((r) => [r.w, r.lexemes ?? []]))
}

/** The stored texts of each row with the query's words and phrases between FTS5's highlight markers. */
async function highlight(db: Conn, parsed: ParsedSearch, rows: StoredRow[]): Promise<HitRow[]> {
  const words = rows.map((row) => Object.fromEntries(TEXT_COLUMNS.map((c) => [c, wordsOf(foldText(row[c]))])) as Record<keyof typeof WEIGHT, ReturnType<typeof wordsOf>>)
  const phrases = queryPhrases(parsed)
  const lexemes = await lexemesOf(db, [...phrases.flat(), ...words.flatMap((w) => Object.values(w).flatMap((list) => list.map((x) => x.word)))])
  const wanted = phrases.map((p) => p.flatMap((w) => lexemes.get(w) ?? [])).filter((p) => p.length > 0)
  return rows.map((row, i) => {
    const hit: Record<string, unknown> = { ...row }
    for (const c of TEXT_COLUMNS) hit[`hl_${c}`] = markPhrases(row[c], words[i]![c], lexemes, wanted)
    return hit as HitRow
  })
}

/** `text` with every occurrence of the phrases marked, from the first word's start to the last word's end. */
function markPhrases(text: string, words: ReturnType<typeof wordsOf>, lexemes: Map<string, string[]>, phrases: string[][]): string {
  const tokens = words.flatMap((w) => (lexemes.get(w.word) ?? []).map((lexeme) => ({ lexeme, start: w.start, end: w.end })))
  const ranges: [number, number][] = []
  for (const phrase of phrases) {
    for (let i = 0; i + phrase.length <= tokens.length; i++) {
      if (phrase.every((lexeme, j) => tokens[i + j]!.lexeme === lexeme)) ranges.push([tokens[i]!.start, tokens[i + phrase.length - 1]!.end])
    }
  }
  if (!ranges.length) return text
  ranges.sort((a, b) => a[0] - b[0])
  let out = ''
  let at = 0
  let open: [number, number] | null = null
  const close = () => {
    out += text.slice(at, open![1]) + CLOSE
    at = open![1]
  }
  for (const r of ranges) {
    if (open && r[0] <= open[1]) {
      open[1] = Math.max(open[1], r[1])
      continue
    }
    if (open) close()
    out += text.slice(at, r[0]) + OPEN
    at = r[0]
    open = [r[0], r[1]]
  }
  close()
  return out + text.slice(at)
}

// ---------------------------------------------------------------------------------------------

/** The PostgreSQL (tsvector) search index. */
export const postgresSearchIndex: SearchIndex = {
  async reindexReview(trx, reviewId, written) {
    const source = written ?? (await loadSource(trx, reviewId))
    if (!source) {
      await postgresSearchIndex.removeReview(trx, reviewId)
      return
    }
    const doc = indexedDocument(source)
    const names = [...TEXT_COLUMNS, 'section_map'] as const
    await sql`INSERT INTO review_search (review_id, ${sql.raw(names.join(', '))}, document)
      VALUES (${reviewId}, ${sql.join(names.map((n) => doc[n]))}, ${documentVector(doc)})
      ON CONFLICT (review_id) DO UPDATE SET
        ${sql.raw([...names, 'document'].map((n) => `${n} = excluded.${n}`).join(', '))}`.execute(trx)
  },

  async removeReview(trx, reviewId) {
    await sql`DELETE FROM review_search WHERE review_id = ${reviewId}`.execute(trx)
  },

  search: (db, query) => searchWith(db, query, searchText),

  async createTable(db) {
    // The configuration lives in the schema beside the tables; a database restored from a dump
    // brings it along, so it is created only when missing.
    await sql`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = 'dramalog_english' AND dictnamespace = current_schema()::regnamespace) THEN
        CREATE TEXT SEARCH DICTIONARY dramalog_english (TEMPLATE = snowball, Language = english);
      END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'dramalog' AND cfgnamespace = current_schema()::regnamespace) THEN
        CREATE TEXT SEARCH CONFIGURATION dramalog (COPY = pg_catalog.simple);
        ALTER TEXT SEARCH CONFIGURATION dramalog
          ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH dramalog_english;
      END IF;
    END $$`.execute(db)
    await sql`CREATE TABLE review_search (
      review_id integer PRIMARY KEY REFERENCES reviews (id) ON DELETE CASCADE,
      ${sql.raw(TEXT_COLUMNS.map((c) => `${c} text NOT NULL`).join(', '))},
      section_map text NOT NULL,
      document tsvector NOT NULL
    )`.execute(db)
    await sql`CREATE INDEX review_search_document ON review_search USING gin (document)`.execute(db)
  },

  async rebuild(trx) {
    await sql`DELETE FROM review_search`.execute(trx)
    const rows = await trx.selectFrom('reviews').select('id').orderBy('id').execute()
    for (const { id } of rows) await postgresSearchIndex.reindexReview(trx, id)
  },
}
