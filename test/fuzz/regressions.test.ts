// Inputs the fuzzing campaign found, each kept as a test of what it broke.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_RUBRIC, DEFAULT_SETTINGS } from '../../src/domain/settings.ts'
import { readJsonReviews } from '../../src/formats/json.ts'
import { readLetterboxd } from '../../src/formats/letterboxd.ts'
import { readLetterboxdList } from '../../src/formats/letterboxd-list.ts'
import { readWxr } from '../../src/formats/wxr.ts'
import { MAX_YAML_DEPTH, tooDeepAt } from '../../src/formats/locate.ts'
import { readMarkdownReview } from '../../src/formats/markdown.ts'
import { readPastedText } from '../../src/formats/pasted-text.ts'
import { writeZip, zipBytes } from '../helpers/zip.ts'
import { createTargets } from './readers.ts'

/** Milliseconds `run` takes. */
function timed(run: () => unknown): number {
  const started = performance.now()
  run()
  return performance.now() - started
}

describe('inputs found by fuzzing', () => {
  it('pasted text: a long run of spaces inside a line is read in linear time', () => {
    // Trailing space was trimmed with /\s+$/, which tries every start in the run: 40,000 spaces
    // took 8 s, the 300,000 here minutes.
    const spaces = ' '.repeat(300_000)
    for (const text of [`${spaces}x`, `Year: 2024\n\nA – B\n\nActing – Fine\n${spaces}x\n`]) {
      let result: ReturnType<typeof readPastedText> | undefined
      expect(timed(() => (result = readPastedText(text, DEFAULT_SETTINGS, 'spaces.txt')))).toBeLessThan(1000)
      expect(result!.ok || result!.issues.every((i) => i.file === 'spaces.txt' && i.line >= 1 && i.line <= text.split('\n').length)).toBe(true)
    }
  })
})

describe('lists in a header line', () => {
  it('pasted text: tags and songs with a long run of spaces are split in linear time', () => {
    // Tags were split on /\s*[,;]\s*|\s+\/\s+/, which retries every start in a run of spaces:
    // a 224,000-character Tags line ran for minutes.
    const spaces = ' '.repeat(200_000)
    for (const field of ['Tags', 'OST']) {
      const text = `Year: 2024\n${field}: slow burn,${spaces}x / y ; z${spaces}\nA – B\n\nActing – Fine\nGood.\n`
      let result: ReturnType<typeof readPastedText> | undefined
      expect(timed(() => (result = readPastedText(text, DEFAULT_SETTINGS, 'list.txt')))).toBeLessThan(1000)
      expect(result!.ok || result!.issues.every((i) => i.file === 'list.txt' && i.line >= 1 && i.line <= 6)).toBe(true)
    }
    const tags = readPastedText('Year: 2024\nTags: slow burn,  revenge ;office / romance,  \nA – B\n\nActing – Fine\nGood.\n', DEFAULT_SETTINGS, 't.txt')
    expect(tags.ok && tags.value.tags).toEqual(['slow burn', 'revenge', 'office', 'romance'])
  })
})

describe('a Letterboxd list that ends at its header', () => {
  it('points at a line the file has', () => {
    // The missing row of the list itself was reported on the line after the header, past the end.
    const csv = 'Letterboxd list export v7\nDate,Name,Tags,URL,Description'
    expect(readLetterboxdList(Buffer.from(csv), 'list.csv')).toEqual({
      list: null,
      issues: [{ file: 'list.csv', line: 2, field: 'Name', message: "the list's own row is missing" }],
    })
  })
})

describe('very long lists', () => {
  it('pasted text: 150,000 tags give a located problem, not a stack overflow', () => {
    // The tags were added with push(...list): past about 120,000 arguments V8 throws a RangeError.
    const text = `Year: 2024\nTags: ${'x,'.repeat(150_000)}\nA – B\n\nActing – Fine\nGood.\n`
    const result = readPastedText(text, DEFAULT_SETTINGS, 'tags.txt')
    expect(result.ok || result.issues.every((i) => i.file === 'tags.txt' && i.line >= 1 && i.line <= 7)).toBe(true)
  })
})

describe('many unknown header lines', () => {
  it('pasted text: each is reported, in linear time', () => {
    // Each unknown label copied the rest of the lines to find the next one: 17,000 "a:" lines took 2 s, 100,000 a minute.
    const text = `Year: 2024\nOrigin: Japan\n${'  a:\n'.repeat(30_000)}A – B\n\nActing – Fine\nGood.\n`
    let result: ReturnType<typeof readPastedText> | undefined
    expect(timed(() => (result = readPastedText(text, DEFAULT_SETTINGS, 'many.txt')))).toBeLessThan(1000)
    expect(result!.ok).toBe(false)
    const issues = result!.ok ? [] : result!.issues
    // The last one, right above the title line, is read as the hook.
    expect(issues).toHaveLength(29_999)
    expect(issues[0]).toEqual({ file: 'many.txt', line: 3, field: 'a', message: 'unknown header label "a"' })
    expect(issues.at(-1)!.line).toBe(30_001)
  })
})

describe('deeply nested input', () => {
  const nested = (n: number) => [`{"title":${'['.repeat(n)}${']'.repeat(n)}}`, `[${'{"a":'.repeat(n)}1${'}'.repeat(n)}]`, '['.repeat(n)]

  it('JSON: thousands of levels give located issues, and do not abort the process', () => {
    // Handed to the YAML parser to find lines, these made V8 abort with "RegExpCompiler
    // Allocation failed" on the second document: the whole server, not just the import.
    for (const n of [5000, 20000, 100000]) {
      for (const text of nested(n)) {
        const r = readJsonReviews(text, 'deep.json')
        expect(r.ok).toBe(false)
        if (!r.ok) for (const issue of r.issues) expect(issue).toMatchObject({ file: 'deep.json', line: 1 })
      }
    }
  })

  it('Markdown: front matter nesting past the limit is refused at its line', () => {
    for (const text of nested(5000)) {
      expect(readMarkdownReview(`---\ntitle: A\nx: ${text}\n---\n`, DEFAULT_RUBRIC, 'deep.md')).toEqual({
        ok: false,
        issues: [{ file: 'deep.md', line: 3, field: '(front matter)', message: `nests deeper than ${MAX_YAML_DEPTH} levels` }],
      })
    }
    const compact = `---\ntitle: A\nx:\n${'  '.repeat(300)}- a\n---\n`
    expect(readMarkdownReview(compact, DEFAULT_RUBRIC, 'deep.md')).toMatchObject({ ok: false, issues: [{ line: 4, field: '(front matter)' }] })
  })

  it('keeps reading what real files nest', () => {
    expect(tooDeepAt('a: [[1, 2], {b: [c, "]]]]"]}]\nd:\n  - e:\n      - f\n')).toBeNull()
    expect(tooDeepAt(`t: "${'['.repeat(500)}"\nu: '${'{'.repeat(500)}'`)).toBeNull()
    expect(tooDeepAt(`ok: 1\nx: [a', ${'['.repeat(100)}`)).toBe(2)
  })
})

describe('large JSON', () => {
  it('finds the line of a bad field among 100,000 keys in linear time', () => {
    // Lines came from a YAML parse of the whole file, which slows down with the square of a
    // map's size: seconds for 20,000 keys, minutes for this.
    const keys = Array.from({ length: 100_000 }, (_, k) => `"k${k}": ${k}`).join(',\n')
    const text = `{\n"title": "A",\n${keys},\n"year": "soon"\n}`
    // Measured against JSON.parse of the same text, in the same run, so a busy machine cannot fail it.
    const parse = timed(() => JSON.parse(text))
    let result: ReturnType<typeof readJsonReviews> | undefined
    expect(timed(() => (result = readJsonReviews(text, 'wide.json')))).toBeLessThan(10 * parse + 200)
    expect(result).toMatchObject({ ok: false, issues: [{ file: 'wide.json', line: 100_003, field: 'year' }] })
  })

  it('points at the line where the syntax goes wrong, however deep', () => {
    const deep = `${'[\n'.repeat(30_000)}1,,`
    expect(readJsonReviews(deep, 'deep.json')).toMatchObject({ ok: false, issues: [{ line: 30_001, field: '(json)' }] })
    expect(readJsonReviews('{\n  "title": "A",\n  "year": 2020,\n}\n', 'comma.json')).toMatchObject({ ok: false, issues: [{ line: 4, field: '(json)' }] })
  })
})

describe('long runs of spaces in headings and title lines', () => {
  // Patterns that could start at any space of a run (a spaced dash, a score, a closing `#`
  // sequence) tried every one of them: an 18,000-space line took 9 s.
  const spaces = ' '.repeat(100_000)
  const pasted = [
    `Year: 2024\n\nHow long can one feud ${spaces} last?\n\nA – B\n\nActing – Fine\nText.\n`,
    `Year: 2024\n\nA – B\n\nActing – Fine ${spaces} (8/10${spaces}x\nText.\n`,
    `Year: 2024\n\nA – B\n\nActing – Fine ${spaces} [spoiler${spaces}x\nText.\n`,
  ]
  const markdown = [`---\ntitle: A\n---\n## Acting – Fine${spaces}x\n`, `---\ntitle: A\n---\n## Acting – Fine ${spaces}{x${spaces}\n`, `---\ntitle: A\n---\n## Acting${spaces}#${spaces}#x\n`]

  it('reads them in linear time, with located issues or a document', () => {
    for (const text of pasted) {
      let r: ReturnType<typeof readPastedText> | undefined
      expect(timed(() => (r = readPastedText(text, DEFAULT_SETTINGS, 'run.txt')))).toBeLessThan(1000)
      if (!r!.ok) for (const i of r!.issues) expect(i.line).toBeLessThanOrEqual(text.split('\n').length)
    }
    for (const text of markdown) {
      let r: ReturnType<typeof readMarkdownReview> | undefined
      expect(timed(() => (r = readMarkdownReview(text, DEFAULT_RUBRIC, 'run.md')))).toBeLessThan(1000)
      if (!r!.ok) for (const i of r!.issues) expect(i.line).toBeLessThanOrEqual(text.split('\n').length)
    }
  })

  it('still reads closing hashes, scores and spoiler marks as before', () => {
    expect(readMarkdownReview('---\ntitle: A\n---\n## Acting – Fine ##  \nx\n', DEFAULT_RUBRIC)).toMatchObject({ ok: true, value: { sections: [{ aspect: 'Acting', verdict: 'Fine' }] } })
    const r = readPastedText('Year: 2024\n\nA – B\n\nActing – Fine  (8/10)  (spoilers)\nText.\n', DEFAULT_SETTINGS)
    expect(r).toMatchObject({ ok: true, value: { sections: [{ aspect: 'Acting', verdict: 'Fine', score: 8, scoreMax: 10, spoiler: true }] } })
  })
})

describe('large front matter', () => {
  it('refuses front matter over 64 KB at once, at its first line', () => {
    // The YAML parser slows down with the square of a map's size: 40,000 keys took 6 s.
    const text = `---\n${'a: 1\n'.repeat(40_000)}---\nBody.\n`
    let r: ReturnType<typeof readMarkdownReview> | undefined
    expect(timed(() => (r = readMarkdownReview(text, DEFAULT_RUBRIC, 'big.md')))).toBeLessThan(1000)
    expect(r).toEqual({ ok: false, issues: [{ file: 'big.md', line: 2, field: '(front matter)', message: "is longer than 64 KB: keep the review's text in the body" }] })
  })
})

describe('markup nested deeper than the HTML converter can walk', () => {
  const deep = '<blockquote>'.repeat(20_000) + 'x'

  it('Letterboxd: a review with it is a problem on its row, not a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dramalog-regression-'))
    try {
      const file = join(dir, 'export.zip')
      const csv = `Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\n2024-02-12,Deep Show,2021,https://boxd.it/aR04,4,,"${deep}",,2024-02-11\n`
      await writeZip(file, { 'reviews.csv': csv })
      const items = await collectItems(readLetterboxd(file, 'export.zip', DEFAULT_SETTINGS))
      expect(items.filter((i) => i.kind === 'review')).toEqual([])
      expect(items.flatMap((i) => (i.kind === 'issue' ? [i.issue] : []))).toContainEqual(
        expect.objectContaining({ file: 'export.zip:reviews.csv', line: 2, field: 'Review', message: expect.stringContaining('nested too deeply') }),
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('WordPress: a post with it is a problem of that post; the others are still read', async () => {
    const post = (id: number, content: string) =>
      `<item><title>Post ${id}</title><wp:post_id>${id}</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>` +
      `<content:encoded><![CDATA[${content}]]></content:encoded></item>`
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/"><channel>\n' +
      `${post(1, `<p>Year: 2023</p><p>Origin: Taiwan</p><p>Hook?</p><p>Deep – Headline</p><h2>Acting – Fine</h2>${'<div>'.repeat(20_000)}x</p>`)}\n` +
      `${post(2, '<p>Year: 2023</p><p>Origin: Taiwan</p><p>Hook?</p><p>Fine Show – A Headline</p><h2>Acting – Fine</h2><p>Good.</p>')}\n</channel></rss>\n`
    const items = await collectItems(readWxr(async function* () { yield Buffer.from(xml) }, 'deep.xml', DEFAULT_SETTINGS))
    const issues = items.flatMap((i) => (i.kind === 'issue' ? [i.issue] : []))
    expect(issues.every((i) => i.file === 'deep.xml' && i.line === 3)).toBe(true) // the line its <item> starts on
    expect(issues.some((i) => i.field === 'content' && i.message.includes('nested too deeply'))).toBe(true)
    expect(items.some((i) => i.kind === 'review' && i.review.doc.title === 'Fine Show')).toBe(true)
  })
})

describe('archives damaged after their first entry', () => {
  it('a backup manifest refused on its second line is checked against the manifest, not the damage after it', async () => {
    // The checker counted the entries' lines by reading the whole archive, which fails on the
    // damaged second entry, and then allowed only line 1 in the manifest the backup reader read.
    const dir = mkdtempSync(join(tmpdir(), 'dramalog-regression-'))
    try {
      const manifest = '{\n  "format": "#ramalog-backup",\n  "version": 1\n}\n'
      const bytes = await zipBytes({ 'dramalog-backup.json': manifest, 'media/a.txt': 'second entry' })
      const second = bytes.indexOf(Buffer.from('PK\x03\x04'), 4)
      expect(second).toBeGreaterThan(0)
      bytes[second + 2] = 0 // the second local header's signature no longer reads
      const zip = (await createTargets(dir)).find((t) => t.name === 'zip')!
      await expect(zip.check(bytes)).resolves.toBeUndefined()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

async function collectItems<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}
