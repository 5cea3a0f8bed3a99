import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import MarkdownIt from 'markdown-it'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { declareUncompressedSize, writeHostileZip, writeZip, zipBytes, zipFolder } from '../../test/helpers/zip.ts'
import { formatIssue, type InputIssue } from '../domain/errors.ts'
import { DEFAULT_SETTINGS, type SiteSettings } from '../domain/settings.ts'
import type { ImportedDiaryEntry, ImportedList, ImportedReview, SkippedItem } from './import-batch.ts'
import { csvText, letterboxdReviewMarkdown, readLetterboxd } from './letterboxd.ts'
import { renderMarkdown } from './markdown-html.ts'
import type { ZipLimits } from './zip.ts'

const FIXTURE = join(import.meta.dirname, '../../test/fixtures/letterboxd')
const TEN_POINT: SiteSettings = { ...DEFAULT_SETTINGS, meter: { name: 'Score', symbol: '★', max: 10, direction: 'higher-is-better', unit: 'points' } }

let dir: string
let exportZip: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dramalog-letterboxd-'))
  exportZip = await zipFolder(FIXTURE, join(dir, 'letterboxd-export.zip'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

type Read = {
  reviews: ImportedReview[]
  diary: ImportedDiaryEntry[]
  lists: ImportedList[]
  skipped: SkippedItem[]
  issues: InputIssue[]
  warnings: string[]
  progress: { done: number; total: number }[]
  kinds: string[]
}

async function read(zip: string, settings: SiteSettings = DEFAULT_SETTINGS, label = 'export.zip', limits?: ZipLimits): Promise<Read> {
  const out: Read = { reviews: [], diary: [], lists: [], skipped: [], issues: [], warnings: [], progress: [], kinds: [] }
  for await (const item of readLetterboxd(zip, label, settings, limits)) {
    out.kinds.push(item.kind)
    if (item.kind === 'review') out.reviews.push(item.review)
    else if (item.kind === 'diary') out.diary.push(item.entry)
    else if (item.kind === 'list') out.lists.push(item.list)
    else if (item.kind === 'skipped') out.skipped.push(item.item)
    else if (item.kind === 'issue') out.issues.push(item.issue)
    else if (item.kind === 'warning') out.warnings.push(item.message)
    else if (item.kind === 'progress') out.progress.push({ done: item.done, total: item.total })
  }
  return out
}

/** A ZIP in the temp folder holding `entries` (CSV text by file name). */
let count = 0
const zipOf = (entries: Record<string, string>) => writeZip(join(dir, `case-${++count}.zip`), entries)

const DIARY_HEADER = 'Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date'
const REVIEWS_HEADER = 'Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date'

describe('readLetterboxd on a full export', () => {
  it('reads every review with its fields, its place and its text as Markdown', async () => {
    const r = await read(exportZip)
    expect(r.issues).toEqual([])
    expect(r.warnings).toEqual([])
    expect(r.reviews.map((x) => [x.doc.title, x.at.line])).toEqual([
      ['The Salt Ledger', 2],
      ['Paper Lanterns', 3],
      ['종이등', 9],
      ['雪国の灯', 12],
    ])
    const lanterns = r.reviews[1]!
    expect(lanterns.at).toEqual({ file: 'export.zip:reviews.csv', line: 3 })
    expect(lanterns.poster).toBeNull()
    expect(lanterns.comments).toEqual([])
    expect(lanterns.doc).toMatchObject({
      title: 'Paper Lanterns',
      year: 2024,
      firstWatch: true,
      reviewedOn: '2024-03-17',
      publishedAt: '2024-03-18T00:00:00Z',
      // 4.5 stars on the Facepalm Meter (lower is better): one facepalm.
      meter: { value: 1, max: 5 },
      // "Thriller" repeats "thriller" in another case.
      tags: ['thriller', 'slow burn'],
      status: 'published',
      links: [{ site: 'Letterboxd', label: 'Paper Lanterns', url: 'https://boxd.it/aR01' }],
      source: { id: 'letterboxd:review:https://boxd.it/aR01', url: 'https://boxd.it/aR01' },
    })
    expect(lanterns.doc.intro).toBe(
      [
        'A quiet thriller that burns slowly, and then *all at once*.',
        '',
        'The lead, a night-shift pharmacist, carries every scene; the script trusts her silences, which is rare.\\',
        'She says "I only fill prescriptions" and you believe her, until episode six.',
        '',
        '**Best episode:** the blackout. Read the [film page](https://letterboxd.com/film/paper-lanterns/) for the cast.',
      ].join('\n'),
    )
    const html = renderMarkdown(lanterns.doc.intro)
    expect(html).toContain('<em>all at once</em>')
    expect(html).toContain('<strong>Best episode:</strong>')
    expect(html).toContain('<a href="https://letterboxd.com/film/paper-lanterns/" rel="noopener nofollow ugc">film page</a>')
  })

  it('marks a rewatch, keeps a missing rating as none, and keeps Markdown-looking text as text', async () => {
    const r = await read(exportZip)
    const [salt, , korean, snow] = r.reviews
    expect(salt!.doc).toMatchObject({ firstWatch: false, meter: { value: 1, max: 5 }, reviewedOn: '2024-02-11' })
    expect(korean!.doc).toMatchObject({ title: '종이등', firstWatch: false, meter: { value: 2, max: 5 }, tags: ['korean', 'rewatch'] })
    expect(renderMarkdown(korean!.doc.intro)).toContain('<blockquote>\n<p>Every lantern needs a keeper.</p>\n</blockquote>')
    expect(renderMarkdown(korean!.doc.intro)).toContain('3 &lt; 4')
    expect(snow!.doc).toMatchObject({ title: '雪国の灯', meter: null, tags: [], firstWatch: true })
    const snowHtml = renderMarkdown(snow!.doc.intro)
    expect(snowHtml).not.toMatch(/<ul|<li|<h1/)
    expect(snowHtml).toContain('* this is not a list<br>\n# nor a heading')
  })

  it('gives one diary entry per logged watch, linked to its review, and one per film only watched or rated', async () => {
    const r = await read(exportZip)
    const rows = r.diary.map((e) => [e.title, e.status, e.finishedOn, e.rewatch, e.meter?.value ?? null, e.reviewSourceId, `${e.at.file}:${e.at.line}`])
    expect(rows).toEqual([
      ['The Salt Ledger', 'finished', '2024-01-05', false, 2, null, 'export.zip:diary.csv:2'],
      ['The Salt Ledger', 'finished', '2024-02-11', true, 1, 'letterboxd:review:https://boxd.it/aR04', 'export.zip:diary.csv:3'],
      ['Paper Lanterns', 'finished', '2024-03-17', false, 1, 'letterboxd:review:https://boxd.it/aR01', 'export.zip:diary.csv:4'],
      ['종이등', 'finished', '2024-05-01', true, 2, 'letterboxd:review:https://boxd.it/aR02', 'export.zip:diary.csv:5'],
      ['雪国の灯', 'finished', '2024-06-09', false, null, 'letterboxd:review:https://boxd.it/aR03', 'export.zip:diary.csv:6'],
      ['Moonlit Bakery, Part Two', 'finished', '2024-06-30', false, 5, null, 'export.zip:diary.csv:7'],
      ['Hôtel Beyoğlu', 'finished', '2024-08-14', false, 3, null, 'export.zip:diary.csv:8'],
      // Watched without a diary log: undated; the rating of the same film is merged in.
      ['Winter Persimmon', 'finished', null, false, 1, null, 'export.zip:watched.csv:2'],
      ['The Glass Orchard', 'finished', null, false, null, null, 'export.zip:watched.csv:3'],
      ['เกลือกับน้ำผึ้ง', 'finished', null, false, 4, null, 'export.zip:watched.csv:4'],
      // Rated, never marked watched, never logged.
      ['Lantern Street Detectives', 'finished', null, false, 3, null, 'export.zip:ratings.csv:2'],
      ['The Ninth Ferry', 'planned', null, false, null, null, 'export.zip:watchlist.csv:2'],
      ['월하장부', 'planned', null, false, null, null, 'export.zip:watchlist.csv:3'],
    ])
    expect(r.diary.map((e) => e.sourceId)).toEqual([
      'letterboxd:diary:https://boxd.it/aD01:2024-01-05',
      'letterboxd:diary:https://boxd.it/aR04:2024-02-11',
      'letterboxd:diary:https://boxd.it/aR01:2024-03-17',
      'letterboxd:diary:https://boxd.it/aR02:2024-05-01',
      'letterboxd:diary:https://boxd.it/aR03:2024-06-09',
      'letterboxd:diary:https://boxd.it/aD02:2024-06-30',
      'letterboxd:diary:https://boxd.it/aD03:2024-08-14',
      'letterboxd:watched:https://boxd.it/fW01',
      'letterboxd:watched:https://boxd.it/fG01',
      'letterboxd:watched:https://boxd.it/fT01',
      'letterboxd:watched:https://boxd.it/fL01',
      'letterboxd:watchlist:https://boxd.it/fN01',
      'letterboxd:watchlist:https://boxd.it/fK01',
    ])
    expect(new Set(r.diary.map((e) => e.sourceId)).size).toBe(r.diary.length)
    // Every review belongs to one watch.
    const linked = r.diary.map((e) => e.reviewSourceId).filter(Boolean)
    expect(new Set(linked)).toEqual(new Set(r.reviews.map((x) => x.doc.source!.id)))
  })

  it('skips the other files of the export, each with a reason, and a watchlist film already seen', async () => {
    const r = await read(exportZip)
    expect(r.skipped).toEqual([
      { at: { file: 'export.zip:comments.csv', line: 1 }, what: 'comments.csv', reason: 'comments you wrote on Letterboxd are not imported' },
      { at: { file: 'export.zip:deleted/diary.csv', line: 1 }, what: 'deleted/diary.csv', reason: 'entries deleted on Letterboxd are not imported' },
      { at: { file: 'export.zip:likes/films.csv', line: 1 }, what: 'likes/films.csv', reason: 'likes are not imported' },
      { at: { file: 'export.zip:profile.csv', line: 1 }, what: 'profile.csv', reason: expect.stringMatching(/^the Letterboxd profile is not imported/) },
      { at: { file: 'export.zip:watchlist.csv', line: 4 }, what: 'The Glass Orchard (2016)', reason: 'on the watchlist but already watched; imported as watched' },
    ])
    // deleted/diary.csv is not mistaken for the diary.
    expect(r.diary.map((e) => e.title)).not.toContain('A Film Deleted Long Ago')
  })

  it('reads each list: ranked by its positions, or unranked in file order, with notes as plain text', async () => {
    const r = await read(exportZip)
    expect(r.lists.map((l) => [l.sourceId, l.at, l.entryLines])).toEqual([
      ['letterboxd:list:https://boxd.it/lB24', { file: 'export.zip:lists/best-of-2024.csv', line: 3 }, [7, 6, 8]],
      ['letterboxd:list:https://boxd.it/lS01', { file: 'export.zip:lists/slow-burn-favourites.csv', line: 3 }, [6, 7, 8]],
    ])
    expect(r.lists[0]!.doc).toEqual({
      kind: 'list', slug: 'best-of-2024-so-far', title: 'Best of 2024 (so far)', description: 'My year in dramas & films.', ranked: true,
      status: 'published', publishedAt: '2024-12-30T00:00:00.000Z',
      entries: [
        { review: null, title: 'Paper Lanterns', year: 2024, origin: null, note: 'The one I keep recommending.' },
        { review: null, title: '종이등', year: 2023, origin: null, note: 'Technically a 2023 release; I watched it in 2024.' },
        { review: null, title: 'The Salt Ledger', year: 2020, origin: null, note: 'Same title but not the year of the review: not linked.' },
      ],
    })
    expect(r.lists[1]!.doc).toMatchObject({
      title: 'Slow burn favourites', description: 'Dramas that take their time.\n\nNo order: start anywhere.', ranked: false,
      entries: [
        { title: 'Winter Persimmon', year: 2018, note: 'Nothing happens for four episodes, and then everything does.' },
        { title: 'Paper Lanterns', year: 2024, note: null },
        { title: 'Moonlit Bakery, Part Two', year: 2019, note: 'A sequel that earns it, somehow.' },
      ],
    })
  })

  it('points at the bad rows of a list file', async () => {
    const zip = await writeZip(join(dir, 'bad-list.zip'), [
      { name: 'watched.csv', data: Buffer.from('Date,Name,Year,Letterboxd URI\n') },
      { name: 'lists/broken.csv', data: Buffer.from('Letterboxd list export v7\nDate,Name,Tags,URL,Description\n2024-01-01,Broken,,https://boxd.it/lX,\n\nPosition,Name,Year,URL,Description\n1,,2020,https://boxd.it/a,\nfirst,Thing,20x0,https://boxd.it/b,\n3,Fine,2021,https://boxd.it/c\n') },
      { name: 'lists/headless.csv', data: Buffer.from('just some text\n') },
    ])
    const r = await read(zip, DEFAULT_SETTINGS, 'bad-list.zip')
    expect(r.lists).toEqual([])
    expect(r.issues.map((i) => `${i.file}:${i.line}: ${i.field}`)).toEqual([
      'bad-list.zip:lists/broken.csv:6: Name',
      'bad-list.zip:lists/broken.csv:7: Year',
      'bad-list.zip:lists/broken.csv:7: Position',
      'bad-list.zip:lists/broken.csv:8: (row)',
      'bad-list.zip:lists/headless.csv:1: Name',
    ])
  })

  it('reports progress in rows, from 0 to all of them, never going back', async () => {
    const r = await read(exportZip)
    // 4 reviews + 7 diary + 5 ratings + 9 watched + 3 watchlist rows.
    expect(r.progress[0]).toEqual({ done: 0, total: 28 })
    expect(r.progress.at(-1)).toEqual({ done: 28, total: 28 })
    for (let i = 1; i < r.progress.length; i++) expect(r.progress[i]!.done).toBeGreaterThanOrEqual(r.progress[i - 1]!.done)
    expect(r.kinds.at(-1)).toBe('progress')
  })

  it("maps ratings onto the site's own meter: a 10-point higher-is-better one", async () => {
    const r = await read(exportZip, TEN_POINT)
    expect(r.reviews.map((x) => x.doc.meter)).toEqual([{ value: 8, max: 10 }, { value: 9, max: 10 }, { value: 6, max: 10 }, null])
    expect(r.diary.find((e) => e.title === 'Moonlit Bakery, Part Two')!.meter).toEqual({ value: 0, max: 10 })
  })

  it('reads an export zipped again inside its folder the same way', async () => {
    const nested = await zipFolder(FIXTURE, join(dir, 'nested.zip'), 'letterboxd-mina-2024-09-10-utc/')
    const [flat, wrapped] = [await read(exportZip), await read(nested)]
    expect(wrapped.issues).toEqual([])
    expect(wrapped.reviews.map((x) => x.doc)).toEqual(flat.reviews.map((x) => x.doc))
    expect(wrapped.diary.map((e) => e.sourceId)).toEqual(flat.diary.map((e) => e.sourceId))
    expect(wrapped.reviews[0]!.at.file).toBe('export.zip:letterboxd-mina-2024-09-10-utc/reviews.csv')
    expect(wrapped.skipped.map((s) => s.reason)).toEqual(flat.skipped.map((s) => s.reason))
  })
})

describe('readLetterboxd joins across files', () => {
  it('links a diary row to its review by film and date when the URIs differ, and counts a film logged twice in a day', async () => {
    const zip = await zipOf({
      'reviews.csv': [REVIEWS_HEADER, '2024-04-02,Glass Orchard,2016,https://boxd.it/rev1,4,,Good.,,2024-04-01'].join('\n'),
      'diary.csv': [
        DIARY_HEADER,
        '2024-04-02,Glass Orchard,2016,https://boxd.it/log1,4,,,2024-04-01',
        '2024-04-02,Double Feature,2010,https://boxd.it/log2,3,,,2024-04-01',
        '2024-04-02,Double Feature,2010,https://boxd.it/log2,3,Yes,,2024-04-01',
      ].join('\n'),
    })
    const r = await read(zip)
    expect(r.issues).toEqual([])
    expect(r.diary.map((e) => [e.sourceId, e.reviewSourceId])).toEqual([
      ['letterboxd:diary:https://boxd.it/log1:2024-04-01', 'letterboxd:review:https://boxd.it/rev1'],
      ['letterboxd:diary:https://boxd.it/log2:2024-04-01', null],
      ['letterboxd:diary:https://boxd.it/log2:2024-04-01:2', null],
    ])
  })

  it('links a review with no diary row to the undated entry of its film', async () => {
    const zip = await zipOf({
      'reviews.csv': [REVIEWS_HEADER, '2024-04-02,Undated,2016,https://boxd.it/rev9,3,,Fine.,,'].join('\n'),
      'watched.csv': ['Date,Name,Year,Letterboxd URI', '2024-04-02,Undated,2016,https://boxd.it/film9'].join('\n'),
    })
    const r = await read(zip)
    expect(r.reviews[0]!.doc.reviewedOn).toBe('2024-04-02')
    expect(r.diary).toMatchObject([{ sourceId: 'letterboxd:watched:https://boxd.it/film9', finishedOn: null, reviewSourceId: 'letterboxd:review:https://boxd.it/rev9' }])
  })

  it('matches a film across files by its URI too, whatever its name', async () => {
    const zip = await zipOf({
      'diary.csv': [DIARY_HEADER, '2024-01-01,The Same Film,2000,https://boxd.it/same,2,,,2024-01-01'].join('\n'),
      'watched.csv': ['Date,Name,Year,Letterboxd URI', '2024-01-01,Renamed Since,2000,https://boxd.it/same'].join('\n'),
      'ratings.csv': ['Date,Name,Year,Letterboxd URI,Rating', '2024-01-01,Renamed Since,2000,https://boxd.it/same,2'].join('\n'),
    })
    const r = await read(zip)
    expect(r.diary.map((e) => e.sourceId)).toEqual(['letterboxd:diary:https://boxd.it/same:2024-01-01'])
  })

  it('reads an export missing some files (a new account) without complaint', async () => {
    const zip = await zipOf({ 'watchlist.csv': ['Date,Name,Year,Letterboxd URI', '2024-09-01,The Ninth Ferry,2025,https://boxd.it/fN01'].join('\n'), 'profile.csv': 'Username\nmina\n' })
    const r = await read(zip)
    expect(r.issues).toEqual([])
    expect(r.reviews).toEqual([])
    expect(r.diary).toMatchObject([{ title: 'The Ninth Ferry', status: 'planned', finishedOn: null }])
    expect(r.skipped.map((s) => s.what)).toEqual(['profile.csv'])
  })

  it('reads Windows line ends and a byte-order mark, counting lines the same', async () => {
    const text = '\uFEFF' + [REVIEWS_HEADER, '2024-01-02,A,2020,https://boxd.it/r1,3,,"one', '', 'two",,2024-01-01', '2024-01-03,B,2020,https://boxd.it/r2,3,,x,,2024-01-02'].join('\r\n') + '\r\n'
    const r = await read(await zipOf({ 'reviews.csv': text }))
    expect(r.issues).toEqual([])
    expect(r.reviews.map((x) => [x.doc.title, x.at.line, x.doc.intro])).toEqual([
      ['A', 2, 'one\n\ntwo'],
      ['B', 5, 'x'],
    ])
  })
})

describe('readLetterboxd reports every bad row and goes on', () => {
  it('locates each problem as FILE:LINE: column: reason', async () => {
    const zip = await zipOf({
      'reviews.csv': [
        REVIEWS_HEADER,
        '2024-01-02,Long Review,2020,https://boxd.it/r1,4,,"Line one,',
        'line two, with ""quotes"",',
        '',
        'line four",,2024-01-01',
        '2024-01-03,,2020,https://boxd.it/r2,4,,Nameless.,,2024-01-02',
        '2024-01-04,Long Review,2020,https://boxd.it/r1,4,,Again.,,2024-01-03',
      ].join('\n'),
      'diary.csv': [
        DIARY_HEADER,
        '2024-01-06,Good One,2020,https://boxd.it/b001,3,,,2024-01-05',
        '2024-01-07,Bad Date,2020,https://boxd.it/b002,3,,,2024-13-40',
        '2024-01-08,Too Many Stars,2020,https://boxd.it/b003,5.5,,,2024-01-08',
        '2024-01-09,Odd Stars,2020,https://boxd.it/b004,3.3,,,2024-01-09',
        '2024-01-10,,2020,https://boxd.it/b005,3,,,2024-01-10',
        '2024-01-11,Spelled Date,2020,https://boxd.it/b006,3,,,11 Jan 2024',
        '2024-01-12,Three Problems,20x0,https://boxd.it/b007,0,Maybe,,2024-01-12',
        '2024-01-13,No Address,2020,javascript:alert(1),3,,,2024-01-13',
        '2024-01-14,Stray Comma,2020,https://boxd.it/b009,3,,a,b,2024-01-14',
      ].join('\n'),
      'watchlist.csv': ['Date,Name,Year,Letterboxd URI', 'someday,Later,2025,https://boxd.it/w1', '2024-02-02,Fine,2025,https://boxd.it/w2'].join('\n'),
    })
    const r = await read(zip, DEFAULT_SETTINGS, 'mina.zip')
    expect(r.issues.map(formatIssue)).toEqual([
      'mina.zip:diary.csv:10: (row): has 9 fields, but the header names 8 (a comma outside quotes?)',
      'mina.zip:reviews.csv:6: Name: is missing',
      'mina.zip:reviews.csv:7: Letterboxd URI: the same review is already on line 2',
      'mina.zip:diary.csv:3: Watched Date: 2024-13-40 is not a real calendar date',
      "mina.zip:diary.csv:4: Rating: 5.5 is outside Letterboxd's 0.5–5 stars",
      'mina.zip:diary.csv:5: Rating: 3.3 is not a whole or half star',
      'mina.zip:diary.csv:6: Name: is missing',
      'mina.zip:diary.csv:7: Watched Date: "11 Jan 2024" is not a date as YYYY-MM-DD',
      'mina.zip:diary.csv:8: Year: "20x0" is not a year',
      "mina.zip:diary.csv:8: Rating: 0 is outside Letterboxd's 0.5–5 stars",
      'mina.zip:diary.csv:8: Rewatch: "Maybe" is not "Yes" or empty',
      'mina.zip:diary.csv:9: Letterboxd URI: "javascript:alert(1)" is not an http(s) address',
      'mina.zip:watchlist.csv:2: Date: "someday" is not a date as YYYY-MM-DD',
    ])
    // The sound rows are all still read, so the summary can show them beside the problems.
    expect(r.reviews.map((x) => [x.doc.title, x.at.line])).toEqual([['Long Review', 2]])
    expect(r.diary.map((e) => e.title)).toEqual(['Good One', 'Fine'])
  })

  it('reports broken quoting, a missing column and an empty file', async () => {
    const zip = await zipOf({
      'reviews.csv': [REVIEWS_HEADER, '2024-01-01,Sound,2020,https://boxd.it/r0,4,,x,,', '2024-01-02,A,2020,https://boxd.it/r1,4,,"never closed', '2024-01-03,B,2020,https://boxd.it/r2,4,,x,,'].join('\n'),
      'diary.csv': ['Date,Title,Year,Rating', '2024-01-01,A,2020,3'].join('\n'),
      'watched.csv': '',
      'watchlist.csv': ['Date,Name,Year,Letterboxd URI', '2024-09-01,Fine,2025,https://boxd.it/w'].join('\n'),
    })
    const r = await read(zip)
    expect(r.issues.map(formatIssue)).toEqual([
      expect.stringMatching(/^export\.zip:reviews\.csv:4: \(csv\): not a readable CSV file: Quote Not Closed/),
      'export.zip:diary.csv:1: Name: this column is missing from the header',
      'export.zip:diary.csv:1: Letterboxd URI: this column is missing from the header',
      'export.zip:watched.csv:1: (csv): the file is empty: no header row',
    ])
    // A file that cannot be read to its end gives none of its rows, not even those before the break.
    expect(r.reviews).toEqual([])
    expect(r.diary.map((e) => e.title)).toEqual(['Fine'])
  })

  it('warns about a missing optional column and a year the site cannot store', async () => {
    const zip = await zipOf({ 'reviews.csv': ['Date,Name,Year,Letterboxd URI,Rating,Review', '2024-01-02,Roundabout Garden,1888,https://boxd.it/r1,5,Old.'].join('\n') })
    const r = await read(zip)
    expect(r.issues).toEqual([])
    expect(r.warnings).toEqual([
      'export.zip:reviews.csv: no "Rewatch", "Tags", "Watched Date" column; read without it',
      'export.zip:reviews.csv:2: Year: 1888 is outside 1900–2100; the review is imported without a year',
    ])
    expect(r.reviews[0]!.doc).toMatchObject({ year: null, reviewedOn: '2024-01-02', firstWatch: true, meter: { value: 0, max: 5 } })
  })

  it('reports a review the document schema refuses, on the column it came from', async () => {
    const tags = Array.from({ length: 51 }, (_, i) => `tag${i}`).join(', ')
    const zip = await zipOf({ 'reviews.csv': [REVIEWS_HEADER, `2024-01-02,Tagged,2020,https://boxd.it/r1,4,,Text.,"${tags}",2024-01-01`].join('\n') })
    const r = await read(zip)
    expect(r.reviews).toEqual([])
    expect(r.issues).toEqual([{ file: 'export.zip:reviews.csv', line: 2, field: 'Tags', message: expect.stringMatching(/50/) }])
  })
})

describe('readLetterboxd refuses what is not an export', () => {
  it('says so for a ZIP without any of the five files', async () => {
    const r = await read(await zipOf({ 'notes.txt': 'hello', 'photos/a.csv': 'x' }))
    expect(r.kinds).toEqual(['issue'])
    expect(r.issues).toEqual([{ file: 'export.zip', line: 1, field: '(archive)', message: expect.stringMatching(/^not a Letterboxd export: it holds none of reviews\.csv, diary\.csv/) }])
  })

  it('passes on the ZIP reader’s refusal of a hostile entry, under the label, and yields nothing else', async () => {
    const zip = await writeHostileZip(join(dir, 'hostile.zip'), [
      { name: 'diary.csv', data: [DIARY_HEADER, '2024-01-06,Good One,2020,https://boxd.it/b001,3,,,2024-01-05'].join('\n') },
      { name: '../diary.csv', data: 'evil' },
    ])
    const r = await read(zip, DEFAULT_SETTINGS, 'upload.zip')
    expect(r.kinds).toEqual(['issue'])
    expect(r.issues).toEqual([{ file: 'upload.zip', line: 1, field: 'entry ../diary.csv', message: 'refused: the entry has ".." in its path' }])
  })

  it('refuses an entry that expands past the limits, as an issue', async () => {
    const bytes = await zipBytes({ 'diary.csv': DIARY_HEADER + '\n' + ' '.repeat(3_000_000) })
    const liar = join(dir, 'liar.zip')
    await writeFile(liar, declareUncompressedSize(bytes, 'diary.csv', 100))
    const r = await read(liar)
    expect(r.kinds).toEqual(['issue'])
    expect(r.issues[0]).toMatchObject({ file: 'export.zip', field: 'entry diary.csv', message: expect.stringMatching(/^refused: damaged entry/) })
    const small = await read(await writeZip(join(dir, 'honest.zip'), { 'diary.csv': DIARY_HEADER + '\n' + 'x'.repeat(5000) }), DEFAULT_SETTINGS, 'export.zip', {
      maxEntries: 10,
      maxTotalBytes: 4096,
      maxEntryBytes: 4096,
      maxRatio: 200,
    })
    expect(small.issues).toEqual([{ file: 'export.zip', line: 1, field: 'entry diary.csv', message: expect.stringMatching(/^refused: expands to \d+ bytes, more than the 4096 allowed/) }])
  })

  it('says a file that is not a ZIP is not readable', async () => {
    const file = join(dir, 'diary.csv.zip')
    await writeFile(file, DIARY_HEADER + '\n')
    const r = await read(file)
    expect(r.issues).toEqual([{ file: 'export.zip', line: 1, field: '(archive)', message: expect.stringMatching(/^not a readable ZIP archive/) }])
  })
})

describe('letterboxdReviewMarkdown', () => {
  it('keeps safe links, resolves Letterboxd’s relative ones, and drops unsafe ones and scripts', () => {
    const md = letterboxdReviewMarkdown(
      'See <a href="/film/paper-lanterns/">the film</a>, <a href="javascript:alert(1)">this</a>, <a href="data:text/html,x">that</a> and <a href="https://example.com/a (b)">a wiki</a>.<script>alert(1)</script><img src=x onerror=alert(1)>',
    )
    expect(md).toBe('See [the film](https://letterboxd.com/film/paper-lanterns/), this, that and [a wiki](https://example.com/a%20%28b%29).')
    const html = renderMarkdown(md)
    expect(html).not.toMatch(/javascript:|data:|<script|<img|onerror/)
  })

  it('keeps a < that starts no tag as text', () => {
    expect(letterboxdReviewMarkdown('I <3 it, a <b and <spoilers> stay')).toBe('I \\<3 it, a \\<b and \\<spoilers> stay')
  })

  it('turns <br /> into a line break, not two', () => {
    expect(letterboxdReviewMarkdown('one<br />\ntwo<br>three')).toBe('one\\\ntwo\\\nthree')
  })

  it('nests a blockquote that spans paragraphs', () => {
    expect(letterboxdReviewMarkdown('Before.\n<blockquote>First.\n\nSecond.</blockquote>\nAfter.')).toBe('Before.\n\n> First.\n> \n> Second.\n\nAfter.')
  })

  it('escapes every Markdown construct in plain text, so the text reads back exactly', () => {
    // A plain CommonMark renderer (no typographer) shows whether any character was taken as syntax.
    const md = new MarkdownIt({ html: false, linkify: false, typographer: false })
    const decode = (html: string) =>
      html
        .replace(/<br>/g, ' ')
        .replace(/<[^>]+>/g, ' ')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&')
    const squash = (s: string) => s.replace(/\s+/g, ' ').trim()
    const syntax = fc.constantFrom(
      '*', '**', '_', '`', '#', '# ', '- ', '+ ', '> ', '1. ', '2) ', '===', '---', '|', '|-|', '~~', '[', ']', '(', ')', '](', '![', '\\',
      ':', '[a]: http://x.y', 'http://x.y', '<http://x.y>', '<3', ' <y', '<spoilers>', ' < ', 'Q&A', '&copy;', '  ', '\n', '\n\n', '    code',
    )
    const words = fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => s.replace(/[<&\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ''))
    const text = fc.array(fc.oneof({ weight: 3, arbitrary: syntax }, { weight: 1, arbitrary: words }), { maxLength: 24 }).map((a) => a.join(''))
    fc.assert(
      fc.property(text, (t) => {
        // Entities are entities in Letterboxd's HTML-ish text (`&copy;` reads as ©); a literal
        // `<` that starts no tag stays text.
        const out = decode(md.render(letterboxdReviewMarkdown(t)))
        expect(squash(out)).toBe(squash(t.replace(/&copy;/g, '©').replace(/&amp;/g, '&')))
      }),
      {
        numRuns: 500,
        // Constructs that only escaping keeps as text: each one broke a version of this code.
        examples: [['~~a~~'], ['[x](y)'], ['a|b\n-|-\nc|d'], ['&amp;copy;'], ['[a]\n\n[a]: http://x'], ['x <y'], ['1) one'], ['2024. A year'], ['<http://x.y>'], ['***'], ['a\n---']],
      },
    )
  })
})

describe('the text of a CSV file, a piece at a time', () => {
  it('is the whole file decoded, without its byte order mark, with LF line ends, however it is cut', () => {
    const parts = ['a', ',', '"', '\r', '\n', '\r\n', 'é', '🤦', '\uFEFF', '가', '\u0085']
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...parts), { maxLength: 60 }), fc.boolean(), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 4 }),
        (pieces, bom, piece, broken) => {
          // Now and then a byte that is not UTF-8, as a damaged export has.
          const data = Buffer.concat([Buffer.from((bom ? '\uFEFF' : '') + pieces.join('')), Buffer.alloc(broken ? 1 : 0, 0xc3)])
          const whole = data.toString('utf8').replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
          expect([...csvText(data, piece)].join('')).toBe(whole)
        }),
      { numRuns: 2_000 },
    )
  })
})
