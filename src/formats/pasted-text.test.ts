import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ReviewDocument } from '../domain/review.ts'
import { DEFAULT_SETTINGS, type SiteSettings } from '../domain/settings.ts'
import { readPastedText } from './pasted-text.ts'

const FIXTURES = new URL('../../test/fixtures/pasted/', import.meta.url)
const DEMO = new URL('../../demo/reviews/', import.meta.url)
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8')
const readFixture = (name: string, settings: SiteSettings = DEFAULT_SETTINGS) => readPastedText(fixture(name), settings, name)
const FIXTURE_NAMES = readdirSync(FIXTURES).filter((f) => f.endsWith('.txt')).sort()

/** The document a reader returns, or a failure listing its issues. */
function documentOf(result: ReturnType<typeof readPastedText>): ReviewDocument {
  if (!result.ok) throw new Error(`expected a document, got issues:\n${JSON.stringify(result.issues, null, 2)}`)
  return result.value
}

const section = (aspect: string, verdict: string, body: string, extra: Partial<ReviewDocument['sections'][number]> = {}) => ({
  aspect, verdict, body, score: null, scoreMax: null, spoiler: false, ...extra,
})

const EMPTY = {
  nativeTitle: null, romanizedTitle: null, year: null, origin: null, season: null, episodes: null, platform: null,
  firstWatch: null, reviewedOn: null, links: [], meter: null, hook: null, headline: null, intro: '', sections: [],
  poster: null, tags: [], people: [], songs: [], status: 'published', author: null, publishedAt: null, source: null,
} as const

describe('readPastedText on copy-paste damage', () => {
  it('has the fixtures it needs', () => {
    expect(FIXTURE_NAMES.length).toBeGreaterThanOrEqual(8)
  })

  it('reads a file with a BOM and CRLF line ends (whole document)', () => {
    expect(documentOf(readFixture('crlf-bom.txt'))).toEqual({
      ...EMPTY,
      title: 'The Lighthouse Keeper',
      nativeTitle: '등대지기',
      year: 2023,
      origin: 'South Korea',
      season: 2,
      platform: 'Netflix',
      firstWatch: false,
      reviewedOn: '2024-03-17',
      links: [{ site: 'AsianWiki', label: 'The Lighthouse Keeper', url: null }],
      meter: { value: 3, max: 5 },
      hook: 'Who keeps the light burning when the keeper goes missing?',
      headline: 'A Second Season That Finds Its Feet',
      intro:
        'Season one left me cold. This one had me hooked by the end of episode two.\n\n' +
        'The island is the same, the fog is the same, but the people finally feel alive.',
      sections: [
        section('Story / Writing', 'Tighter Knots', 'The mystery is leaner now. Fewer red herrings, more actual fish.'),
        section('Acting', 'Quietly Excellent', 'The lead says very little and means all of it.'),
        section('Impact', 'I Would Watch A Third', ''),
      ],
      poster: { src: null, credit: 'Poster made for the Dramalog tests. Fictional drama.', alt: null },
      tags: ['mystery', 'coastal', 'slow burn'],
    })
  })

  it('reads a film with no season and bulleted lists (whole document)', () => {
    expect(documentOf(readFixture('film-no-season.txt'))).toEqual({
      ...EMPTY,
      title: 'Midnight Noodles',
      year: 2021,
      origin: 'Thailand',
      platform: 'Netflix',
      firstWatch: true,
      reviewedOn: '2021-11-02',
      meter: { value: 0, max: 5 },
      hook: 'A whole film about one bowl of noodles?',
      headline: 'Ninety Minutes Of Broth And Feelings',
      intro: 'What I loved:\n\n- the broth\n- the grandmother\n- the rain',
      sections: [
        section('Story / Writing', 'Simple And Sure', 'A cook, a stall, one last night before the market closes.'),
        section('Vibes', 'Steam On The Windows', 'Things that made me hungry:\n\n- boat noodles\n- iced tea'),
      ],
      poster: { src: null, credit: 'Poster made for the Dramalog tests. Fictional film.', alt: null },
      tags: ['film', 'food'],
    })
  })

  it('reads headings with scores and spoiler marks (whole document)', () => {
    expect(documentOf(readFixture('scores-spoilers.txt'))).toEqual({
      ...EMPTY,
      title: 'The Long Feud',
      year: 2019,
      origin: 'Philippines',
      season: 3,
      platform: 'YouTube',
      meter: { value: 2, max: 5 },
      hook: 'How long can one family feud last?',
      headline: 'Season Three Ends It At Last',
      intro: 'Three seasons, two weddings, one very patient grandmother.',
      sections: [
        section('Story / Writing', 'Finally Some Answers', 'The answers arrive, mostly.', { score: 8, scoreMax: 10 }),
        section('Acting', 'Grandma Wins Again', 'She outlives everyone.', { score: 9, scoreMax: 10, spoiler: true }),
        section('Impact', 'That Last Scene', 'I cried at a funeral for a goat.', { spoiler: true }),
      ],
    })
  })

  it('ignores non-breaking and zero-width spaces', () => {
    const doc = documentOf(readFixture('nbsp-zero-width.txt'))
    expect(doc).toMatchObject({
      title: 'Jade Harbour',
      headline: 'Two Hours Across The Water',
      year: 2020,
      origin: 'Hong Kong',
      season: 1,
      platform: 'Viki',
      firstWatch: true,
      meter: { value: 2, max: 5 },
      intro: 'The whole show takes place on one ferry crossing, and it never once feels small.',
    })
    expect(doc.sections.map((s) => [s.aspect, s.verdict, s.body])).toEqual([
      ['Acting', 'Two Leads, One Deck', 'Both leads are excellent.'],
      ['Vibes', 'Salt Spray And Neon', 'Harbour lights, wet rails, cheap noodles.'],
    ])
  })

  it('makes each line a paragraph when blank lines were lost', () => {
    const doc = documentOf(readFixture('lost-blank-lines.txt'))
    expect(doc).toMatchObject({
      title: 'Umbrella Weather',
      hook: 'Would you share an umbrella with your worst enemy?',
      headline: 'A Romcom That Never Dries Out',
      reviewedOn: '2020-05-23',
      meter: { value: 1, max: 5 },
      intro:
        'I watched this during a week of rain and it felt like a warm drink.\n\n' +
        'The leads bicker like an old married couple from the first episode.',
    })
    expect(doc.sections.map((s) => [s.aspect, s.verdict, s.body])).toEqual([
      ['Story / Writing', 'Forecastable But Fun', 'Every twist arrives exactly on schedule, like the monsoon.\n\nI did not mind one bit.'],
      ['Acting', 'Banter Like Badminton', 'The two leads trade lines at speed.'],
      ['Impact', 'My Rainy Day Show', ''],
    ])
  })

  it('reads header labels and aspects in any case and spacing', () => {
    const doc = documentOf(readFixture('odd-labels.txt'))
    expect(doc).toMatchObject({
      title: 'Lanterns In The Snow',
      nativeTitle: '雪国の灯',
      year: 2019,
      origin: 'Japan',
      season: 1,
      platform: 'Prime Video',
      firstWatch: true,
      reviewedOn: '2021-02-09',
      meter: { value: 1, max: 5 },
      poster: { src: null, credit: 'Poster made for the Dramalog tests.' },
      tags: ['Healing', 'Winter'],
      people: [{ name: 'Aoi Kuramori', role: 'cast' }, { name: 'Ren Shiratori', role: 'cast' }],
    })
    expect(doc.sections.map((s) => s.aspect)).toEqual(['Story / Writing', 'Acting'])
  })

  it('accepts hyphens for dashes, keeps hyphens inside the title, and maps Korea to South Korea', () => {
    const doc = documentOf(readFixture('hyphen-dashes.txt'))
    expect(doc).toMatchObject({ title: 'Spider-Lily', headline: 'A Romance With Thorns', origin: 'South Korea', platform: 'Disney+' })
    expect(doc.sections.map((s) => [s.aspect, s.verdict])).toEqual([
      ['Story / Writing', 'Petals And Plot Holes'],
      ['Acting', 'A Two-Hander Done Right'],
      ['Originality', 'Old Soil, New Bloom'],
    ])
  })

  it('counts a meter whose emoji lost joiners and skin tones', () => {
    expect(documentOf(readFixture('damaged-meter.txt'))).toMatchObject({
      title: 'Moonlit Accounts',
      meter: { value: 4, max: 5 },
      reviewedOn: '2022-08-04',
      season: 1,
    })
  })

  it('reads link lines with and without addresses, leaving brackets out of the address', () => {
    const doc = documentOf(readFixture('links.txt'))
    expect(doc.links).toEqual([
      { site: 'AsianWiki', label: 'Crimson Oath', url: 'https://asianwiki.com/Crimson_Oath' },
      { site: 'MyDramaList', label: 'Crimson Oath', url: null },
      { site: 'IMDb', label: '', url: 'https://www.imdb.com/title/tt0000001/' },
      { site: 'Wikipedia', label: 'Crimson Oath', url: 'https://en.wikipedia.org/wiki/Crimson_Oath' },
    ])
    expect(doc).toMatchObject({ title: 'Crimson Oath', hook: null, meter: { value: 3, max: 5 } })
  })

  it('keeps balanced parentheses that belong to an address', () => {
    const text = 'Wikipedia: Signal (https://en.wikipedia.org/wiki/Signal_(TV_series))\n\nSignal – Cold Cases\n\nActing – Good\n'
    expect(documentOf(readPastedText(text, DEFAULT_SETTINGS)).links).toEqual([
      { site: 'Wikipedia', label: 'Signal', url: 'https://en.wikipedia.org/wiki/Signal_(TV_series)' },
    ])
  })

  it('takes the title from a Title header, with no hook before the title line', () => {
    expect(documentOf(readFixture('title-header-no-hook.txt'))).toMatchObject({
      title: 'Glass Orchard',
      hook: null,
      headline: 'A Period Piece In A Hothouse',
      origin: 'United Kingdom',
      firstWatch: false,
      meter: { value: 3, max: 5 },
      sections: [{ aspect: 'Story / Writing', verdict: 'Fragile Plotting' }],
    })
  })

  it('does not mistake an intro paragraph with a dash for the title line when there is no hook', () => {
    const text = [
      'Year: 2020',
      '',
      'Paper Boats – A Small Show About Big Feelings',
      '',
      'I expected very little – and got a great deal.',
      '',
      'Acting – Lovely',
      '',
      'Everyone is good.',
    ].join('\n')
    expect(documentOf(readPastedText(text, DEFAULT_SETTINGS))).toMatchObject({
      title: 'Paper Boats',
      headline: 'A Small Show About Big Feelings',
      hook: null,
      intro: 'I expected very little – and got a great deal.',
    })
  })

  it('leaves a body sentence that opens with an aspect word and a hyphen in the body', () => {
    const text = 'Paper Boats – A Headline\n\nActing-wise, nobody puts a foot wrong.\n\nActing – Lovely\n\nEveryone is good.\n'
    const doc = documentOf(readPastedText(text, DEFAULT_SETTINGS))
    expect(doc.intro).toBe('Acting-wise, nobody puts a foot wrong.')
    expect(doc.sections).toEqual([section('Acting', 'Lovely', 'Everyone is good.')])
  })

  it('reads a meter named and drawn the way the site configures it', () => {
    const settings: SiteSettings = {
      ...DEFAULT_SETTINGS,
      meter: { name: 'Cringe Scale', symbol: '★', max: 10, direction: 'lower-is-better', unit: 'stars' },
    }
    const body = '\n\nPaper Boats – A Headline\n\nActing – Fine\n'
    expect(documentOf(readPastedText(`Cringe Scale: ★★★${body}`, settings)).meter).toEqual({ value: 3, max: 10 })
    expect(documentOf(readPastedText(`cringe: 7/10${body}`, settings)).meter).toEqual({ value: 7, max: 10 })
  })

  it('imports every demo review', () => {
    const names = readdirSync(DEMO).filter((f) => f.endsWith('.txt'))
    expect(names.length).toBeGreaterThan(0)
    for (const name of names) {
      const doc = documentOf(readPastedText(readFileSync(new URL(name, DEMO), 'utf8'), DEFAULT_SETTINGS, name))
      expect(doc.hook, name).toBeTruthy()
      expect(doc.headline, name).toBeTruthy()
      expect(doc.meter?.max, name).toBe(5)
      expect(doc.sections.length, name).toBeGreaterThanOrEqual(4)
    }
  })
})

/** A valid pasted review; tests swap single lines to break it. */
const GOOD = [
  'Year: 2024', // 1
  'Origin: South Korea', // 2
  'Season: 1', // 3
  'Review Date: 2024-03-17', // 4
  'Facepalm Meter: 2/5', // 5
  'AsianWiki: Paper Lanterns', // 6
  '', // 7
  'Would you trust a stranger?', // 8
  '', // 9
  'Paper Lanterns – A Quiet Thriller', // 10
  '', // 11
  'Intro paragraph.', // 12
  '', // 13
  'Acting – The Lead Carries It', // 14
  '', // 15
  'Body paragraph.', // 16
]
const withLine = (n: number, text: string) => GOOD.map((l, i) => (i === n - 1 ? text : l)).join('\n')
const insertAfter = (n: number, text: string) => [...GOOD.slice(0, n), text, ...GOOD.slice(n)].join('\n')

describe('readPastedText errors', () => {
  it('reads the base text cleanly', () => {
    expect(documentOf(readPastedText(GOOD.join('\n'), DEFAULT_SETTINGS))).toMatchObject({ title: 'Paper Lanterns', year: 2024 })
  })

  it.each([
    ['an unknown country', withLine(2, 'Origin: Narnia'), 2, 'origin', /Narnia/],
    ['an impossible date', withLine(4, 'Review Date: 30 February 2024'), 4, 'reviewedOn', /no day 30/],
    ['an ambiguous date', withLine(4, 'Review Date: 04/08/2025'), 4, 'reviewedOn', /ambiguous/],
    ['too many meter symbols', withLine(5, `Facepalm Meter: ${'🤦🏻‍♂️'.repeat(6)}`), 5, 'meter', /maximum of 5/],
    ['a meter over its maximum', withLine(5, 'Facepalm Meter: 6/5'), 5, 'meter', /maximum of 5/],
    ['a meter on the wrong scale', withLine(5, 'Facepalm Meter: 3/10'), 5, 'meter', /scale of 10/],
    ['a missing title line', withLine(10, 'Paper Lanterns, A Quiet Thriller'), 10, 'title', /Title – Headline/],
    ['no rubric headings', withLine(14, 'Soundtrack – Great'), 12, 'sections', /rubric/],
    ['a header given twice', insertAfter(3, 'Year: 2023'), 4, 'year', /twice \(first on line 1\)/],
    ['an unknown label between headers', withLine(3, 'Seasn: 1'), 3, 'seasn', /unknown header label "Seasn"/],
    ['a label named like an object property', withLine(3, 'Constructor: Bob'), 3, 'constructor', /unknown header label/],
    ['a javascript: link', withLine(6, 'AsianWiki: javascript:alert(1)'), 6, 'links', /http/],
    ['a bad year', withLine(1, 'Year: twenty'), 1, 'year', /not a year/],
    ['a bad first-watch answer', insertAfter(3, 'First Watch: maybe'), 4, 'firstWatch', /yes nor no/],
  ])('reports %s at its line and field', (_name, text, line, field, message) => {
    const r = readPastedText(text, DEFAULT_SETTINGS, 'review.txt')
    expect(r).toEqual({ ok: false, issues: [{ file: 'review.txt', line, field, message: expect.stringMatching(message) }] })
  })

  it('reads an ambiguous date when the site sets a date order', () => {
    const text = withLine(4, 'Review Date: 04/08/2025')
    expect(documentOf(readPastedText(text, { ...DEFAULT_SETTINGS, dateOrder: 'dmy' })).reviewedOn).toBe('2025-08-04')
    expect(documentOf(readPastedText(text, { ...DEFAULT_SETTINGS, dateOrder: 'mdy' })).reviewedOn).toBe('2025-04-08')
  })

  it('counts lines the same with a BOM and CRLF', () => {
    const text = `\ufeff${withLine(2, 'Origin: Narnia').replace(/\n/g, '\r\n')}`
    expect(readPastedText(text, DEFAULT_SETTINGS, 'crlf.txt')).toMatchObject({ ok: false, issues: [{ file: 'crlf.txt', line: 2, field: 'origin' }] })
  })

  it('reports an empty file', () => {
    expect(readPastedText('', DEFAULT_SETTINGS, 'empty.txt')).toMatchObject({ ok: false, issues: [{ file: 'empty.txt', line: 1, field: 'title' }] })
  })

  it('reports a mistyped last header label, but keeps a hook with a colon as the hook', () => {
    const typo = 'Year: 2024\nReveiw Date: 2024 17 Mar\n\nWho writes these?\n\nLanterns – Quiet\n\nActing – Fine\nBody.'
    expect(readPastedText(typo, DEFAULT_SETTINGS, 't.txt')).toEqual({
      ok: false,
      issues: [{ file: 't.txt', line: 2, field: 'reveiwdate', message: 'unknown header label "Reveiw Date"' }],
    })
    const hook = 'Year: 2024\nConfession: I cried.\n\nLanterns – Quiet\n\nActing – Fine\nBody.'
    expect(readPastedText(hook, DEFAULT_SETTINGS, 't.txt')).toMatchObject({ ok: true, value: { hook: 'Confession: I cried.', title: 'Lanterns' } })
  })

  it('reports a review with no rubric section, with or without an intro', () => {
    for (const text of ['Year: 2024\n\nLone Title – Just A Headline', 'Year: 2024\n\nHook?\n\nLone Title – Headline\n\nAn intro only.']) {
      const result = readPastedText(text, DEFAULT_SETTINGS, 'lone.txt')
      expect(result).toMatchObject({ ok: false, issues: [{ file: 'lone.txt', field: 'sections' }] })
    }
  })

  it('reports every problem in a file, not only the first', () => {
    expect(readFixture('bad-many-problems.txt')).toEqual({
      ok: false,
      issues: [
        { file: 'bad-many-problems.txt', line: 2, field: 'origin', message: expect.stringContaining('Atlantis') },
        { file: 'bad-many-problems.txt', line: 4, field: 'reviewedOn', message: expect.any(String) },
        { file: 'bad-many-problems.txt', line: 5, field: 'meter', message: expect.stringContaining('maximum') },
        { file: 'bad-many-problems.txt', line: 6, field: 'platfrom', message: expect.stringContaining('Platfrom') },
        { file: 'bad-many-problems.txt', line: 8, field: 'year', message: expect.stringContaining('twice') },
        { file: 'bad-many-problems.txt', line: 9, field: 'links', message: expect.stringContaining('javascript:') },
      ],
    })
  })

  it('reports schema problems together with header problems, each at its line', () => {
    const lines = [...GOOD]
    lines[1] = 'Origin: Narnia'
    lines[9] = `Paper Lanterns – ${'Very '.repeat(70)}Long`
    lines.splice(6, 0, `MyDramaList: ${'x'.repeat(250)}`) // line 7; the title line moves to 11
    const r = readPastedText(lines.join('\n'), DEFAULT_SETTINGS, 'r.txt')
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.issues.map(({ line, field }) => ({ line, field }))).toEqual([
      { line: 2, field: 'origin' },
      { line: 7, field: 'links.1.label' },
      { line: 11, field: 'headline' },
    ])
  })
})

describe('readPastedText on any input', () => {
  const lineCount = (text: string) => text.replace(/^\ufeff/, '').split(/\r\n|\r|\n/).length

  function checkResult(text: string): void {
    const r = readPastedText(text, DEFAULT_SETTINGS, 'fuzz.txt')
    if (r.ok) {
      expect(ReviewDocument.parse(r.value)).toEqual(r.value)
      return
    }
    expect(r.issues.length).toBeGreaterThan(0)
    for (const issue of r.issues) {
      expect(issue.file).toBe('fuzz.txt')
      expect(issue.field).not.toBe('')
      expect(issue.line).toBeGreaterThanOrEqual(1)
      expect(issue.line).toBeLessThanOrEqual(lineCount(text))
    }
  }

  it('never throws on arbitrary text', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.constantFrom('\n', '\r\n', '\r', '\ufeff', '\u00a0', '\u200b', ': ', ' – ', ' - ', '🤦🏻‍♂️', 'Acting – x', 'Year: 2024', 'Origin:'),
    )
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }).map((p) => p.join('')), checkResult), { numRuns: 150 })
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), checkResult), { numRuns: 150 })
  })

  type Mutation =
    | { op: 'delete'; at: number }
    | { op: 'duplicate'; at: number }
    | { op: 'swap'; at: number; other: number }
    | { op: 'strip'; at: number; char: number }
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('swap' as const), at: fc.nat(), other: fc.nat() }),
    fc.record({ op: fc.constant('strip' as const), at: fc.nat(), char: fc.nat() }),
  )

  /** Damages text the way careless pasting does: lines lost, doubled or swapped, characters dropped. */
  function mutate(text: string, mutations: readonly Mutation[]): string {
    const lines = text.split('\n')
    for (const m of mutations) {
      if (lines.length === 0) break
      const at = m.at % lines.length
      if (m.op === 'delete') lines.splice(at, 1)
      else if (m.op === 'duplicate') lines.splice(at, 0, lines[at]!)
      else if (m.op === 'swap') {
        const other = m.other % lines.length
        ;[lines[at], lines[other]] = [lines[other]!, lines[at]!]
      } else {
        const chars = [...lines[at]!]
        if (chars.length) chars.splice(m.char % chars.length, 1)
        lines[at] = chars.join('')
      }
    }
    return lines.join('\n')
  }

  it('never throws on damaged fixtures, and points only at lines in the file', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIXTURE_NAMES), fc.array(mutation, { minLength: 1, maxLength: 8 }), (name, mutations) => {
        checkResult(mutate(fixture(name), mutations))
      }),
      { numRuns: 400 },
    )
  })
})
