// Inputs the fuzzing campaign found, each kept as a test of what it broke.
import { describe, expect, it } from 'vitest'
import { DEFAULT_RUBRIC, DEFAULT_SETTINGS } from '../../src/domain/settings.ts'
import { readJsonReviews } from '../../src/formats/json.ts'
import { MAX_YAML_DEPTH, tooDeepAt } from '../../src/formats/locate.ts'
import { readMarkdownReview } from '../../src/formats/markdown.ts'
import { readPastedText } from '../../src/formats/pasted-text.ts'

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
