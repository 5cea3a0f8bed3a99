import fc from 'fast-check'
import { ReviewDocument, type ReviewDocumentInput } from '../src/domain/review.ts'
import { compileAspectMatcher } from '../src/domain/rubric.ts'
import { DEFAULT_RUBRIC } from '../src/domain/settings.ts'

/**
 * Strings that YAML, JSON or Markdown could mistake for something else: booleans, nulls, dates,
 * numbers, list markers, comments, anchors, quotes, and text in other scripts.
 */
export const TRICKY_STRINGS = [
  'yes', 'no', 'Yes', 'NO', 'on', 'off', 'y', 'n', 'true', 'False', 'null', 'Null', '~',
  '- x', '-', '? x', ': x', 'x: y', 'key: value', 'a #b', '#hashtag', '# heading', '---', '...',
  '2024-03-17', '2024-03-17T10:00:00Z', '12:30', '1:2:3', '123', '0123', '0x1F', '0o17', '1e3', '1_000',
  '3.14', '-7', '+1', '.inf', '-.Inf', '.NaN', 'NaN',
  '"quoted"', "'single'", "it's", 'say "hi"', '@handle', '`tick`', '%percent', '&anchor', '*alias',
  '!tag', '!!str', '|', '>', '[a, b]', '{a: b}', '<html>', 'back\\slash', 'tab\tinside',
  '종이등', '겨울 감', '雪国の灯', '月下账簿', 'เกลือกับน้ำผึ้ง', 'Beyoğlu', 'Ümit', 'Ærø',
  '🤦🏻‍♂️', '🤦', '🎬 Movie night', 'Spider-Lily', 'C#', 'Paper Lanterns: Season 2', 'Q&A',
]

const LINE_BREAKS = /[\n\r\u2028\u2029]/g

/** One line of arbitrary text (any script, emoji, punctuation) that survives `trim()` and fits `max`. */
export function lineText(max: number): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 2, arbitrary: fc.constantFrom(...TRICKY_STRINGS) },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 24 }) },
      { weight: 1, arbitrary: fc.array(fc.constantFrom(...TRICKY_STRINGS), { minLength: 2, maxLength: 4 }).map((w) => w.join(' ')) },
    )
    .map((s) => s.replace(LINE_BREAKS, ' '))
    .filter((s) => s.trim().length > 0 && s.trim().length <= max)
}

const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 3 })

const WORDS = [
  'drama', 'episode', 'finale', 'the', 'lead', 'is', 'great', 'yes', 'null', '#tag', 'C#', '**bold**', '_soft_',
  '[link](https://example.com/a)', '`code`', '🤦🏻‍♂️', '종이등', '雪国', 'Beyoğlu', '–', '-', '—', ':', '{x}',
  '2024-03-17', '42', '"quoted"', "it's", '&', '<b>', '##nospace', '\\', '|', '...',
]
const words = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 8 }).map((w) => w.join(' '))

/** One Markdown block: a paragraph, a list, a quote, a sub-heading, an indented or fenced code block. */
const markdownBlock: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.array(words, { minLength: 1, maxLength: 3 }).map((l) => l.join('\n')) },
  { weight: 2, arbitrary: fc.array(words.map((w) => `- ${w}`), { minLength: 1, maxLength: 4 }).map((l) => l.join('\n')) },
  { weight: 1, arbitrary: fc.array(words, { minLength: 1, maxLength: 3 }).map((l) => l.map((w, i) => `${i + 1}. ${w}`).join('\n')) },
  { weight: 1, arbitrary: fc.array(words.map((w) => `* ${w}`), { minLength: 1, maxLength: 3 }).map((l) => l.join('\n')) },
  { weight: 1, arbitrary: words.map((w) => `> ${w}`) },
  { weight: 1, arbitrary: words.map((w) => `### ${w}`) },
  { weight: 1, arbitrary: words.map((w) => `    ${w}`) },
  { weight: 1, arbitrary: fc.array(words, { maxLength: 3 }).map((l) => ['```', ...l, '```'].join('\n')) },
  { weight: 1, arbitrary: words.map((w) => `${w}  `) },
)

/**
 * Multi-paragraph Markdown (lists, quotes, code), sometimes with blank-line padding or CRLF line ends
 * that the schema normalises. No line starts with `## `: in Markdown files that starts a section.
 */
export const markdownText: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(markdownBlock, { maxLength: 5 }),
    fc.constantFrom('\n\n', '\n\n\n', '\r\n\r\n'),
    fc.constantFrom('', '\n', '\n\n  \n'),
  )
  .map(([blocks, gap, pad]) => `${pad}${blocks.join(gap)}${pad}`)

const matchDefaultAspect = compileAspectMatcher(DEFAULT_RUBRIC)
const DASH = /[-\u2010-\u2015\u2212]/u

/** Aspects outside the default rubric that a heading can still carry unchanged. */
const freeAspect = lineText(80).filter((s) => !DASH.test(s) && matchDefaultAspect(s.trim()) === null)

/** A verdict that reads back from a `Aspect – Verdict` heading: one line, not opening or closing on a dash. */
const verdict = fc.oneof(
  fc.constant(''),
  lineText(200).filter((s) => !/^[\s\-\u2010-\u2015\u2212]|[\s\-\u2010-\u2015\u2212]$/u.test(s.trim())),
)

const section = fc.record(
  {
    aspect: fc.oneof(fc.constantFrom(...DEFAULT_RUBRIC), freeAspect),
    verdict,
    body: markdownText,
    score: nullable(fc.oneof(fc.integer({ min: 0, max: 10 }), fc.double({ min: 0, max: 1000, noNaN: true }))),
    scoreMax: nullable(fc.integer({ min: 1, max: 1000 })),
    spoiler: fc.boolean(),
  },
  { requiredKeys: ['aspect'] },
)

const isoDate = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10))

const slug = fc.oneof(
  fc.stringMatching(/^[a-z0-9]{1,12}(-[a-z0-9]{1,12}){0,4}$/),
  fc.constantFrom('paper-lanterns-season-1', '종이등', '雪国の灯', 'beyoglu-2'),
)

const link = fc.record({
  site: fc.constantFrom('AsianWiki', 'MyDramaList', 'mdl', 'imdb', 'TMDB', 'Wikipedia', 'Letterboxd', 'Douban', '豆瓣'),
  label: fc.oneof(fc.constant(''), lineText(200)),
  url: nullable(fc.oneof(fc.webUrl({ validSchemes: ['https', 'http'] }), fc.constant('https://asianwiki.com/Paper_Lanterns'))),
})

const poster = fc.record({
  src: nullable(fc.oneof(fc.constantFrom('/media/posters/paper-lanterns.jpg', '/media/a_b/c-d.webp'), fc.webUrl())),
  credit: nullable(lineText(500)),
  alt: nullable(lineText(300)),
})

/** Inputs the schema accepts: some keys missing (defaults apply), strings not yet trimmed. */
export const reviewDocumentInput: fc.Arbitrary<ReviewDocumentInput> = fc.record(
  {
    slug,
    title: lineText(200),
    nativeTitle: nullable(lineText(200)),
    romanizedTitle: nullable(lineText(200)),
    year: nullable(fc.integer({ min: 1900, max: 2100 })),
    origin: nullable(fc.constantFrom('South Korea', 'Korea', 'japan', 'Thailand', 'Türkiye', 'Philippines', 'KR')),
    season: nullable(fc.integer({ min: 0, max: 99 })),
    episodes: nullable(fc.integer({ min: 1, max: 10_000 })),
    platform: nullable(lineText(80)),
    firstWatch: nullable(fc.boolean()),
    reviewedOn: nullable(isoDate),
    links: fc.array(link, { maxLength: 4 }),
    meter: nullable(fc.integer({ min: 1, max: 10 }).chain((max) => fc.record({ value: fc.integer({ min: 0, max }), max: fc.constant(max) }))),
    hook: nullable(lineText(500)),
    headline: nullable(lineText(300)),
    intro: markdownText,
    sections: fc.array(section, { maxLength: 5 }),
    poster: nullable(poster),
    tags: fc.array(lineText(60), { maxLength: 5 }),
    people: fc.array(fc.record({ name: lineText(120), role: nullable(fc.constantFrom('cast', 'director', 'writer', 'OST singer')) }), { maxLength: 4 }),
    songs: fc.array(lineText(200), { maxLength: 3 }),
    status: fc.constantFrom('draft', 'scheduled', 'published', 'unpublished'),
    author: nullable(lineText(120)),
    // Tags in other spellings than the canonical one too (`zh-hant-tw`, `JA`): reading canonicalises them.
    language: fc.constantFrom('ko', 'ja', 'ko-KR', 'en', 'zh-hant-tw', 'th', 'JA', 'es-419', 'tl'),
    publishedAt: nullable(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString())),
    source: nullable(fc.record({ id: lineText(500), url: nullable(fc.webUrl({ validSchemes: ['https', 'http'] })) })),
  },
  { requiredKeys: ['title'] },
)

/** Canonical review documents: generated inputs passed through `ReviewDocument.parse`. */
export const reviewDocument: fc.Arbitrary<ReviewDocument> = reviewDocumentInput.map((input) => ReviewDocument.parse(input))
