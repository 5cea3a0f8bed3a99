// Mutations for fuzzing the readers: each one is plain data (so fast-check prints, replays and
// shrinks it) applied to the bytes of a valid input. Working on bytes rather than characters
// reaches what a damaged file holds: split multi-byte characters and invalid UTF-8, besides
// lost, doubled or swapped lines and junk dropped anywhere.
import fc from 'fast-check'

/** Characters that copy-paste, editors and broken tools leave in text. */
const CONTROL = [
  '\u0000', '\u0001', '\u0007', '\b', '\t', '\u000b', '\f', '\r', '\n', '\r\n', '\u001b', '\u007f', '\u0085',
  '\u00a0', '\u200b', '\u200d', '\u2028', '\u2029', '\u202e', '\ufeff', '\ufffd', '\uffff', '\u{10ffff}',
]

/** Pieces of the syntax of every format read: YAML, JSON, CSV, XML, Markdown, the house format. */
const SYNTAX = [
  ': ', ' – ', ' - ', '—', '---', '...', '## ', '# ', '- ', '> ', '```', '{', '}', '[', ']', '"', "'", ',', ';', '\\', '\\u0000', '"\\ud800"',
  '&a [x]', '*a', '<<: *a', '!!js/function', '!!binary', '? ', '|', '>-', '%YAML 1.2', '{score=1e999}', '{spoiler}', 'Acting – ', 'Year: ',
  'Facepalm Meter: 🤦🏻‍♂️🤦', 'Origin: Atlantis', 'Review Date: 31 Feb 2024', '"",,,"', '"\n"', '""""', '<', '>', '&', '&amp;', '&#0;', '&#x110000;',
  '&bogus;', ']]>', '<![CDATA[', '</item>', '<item>', '</channel>', '<!DOCTYPE x [<!ENTITY a "aaaa">]>', '&a;', '<?xml version="1.0"?>',
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', 'javascript:alert(1)', 'data:text/html,x', '__proto__', 'constructor',
]

/** Numbers no field can hold, and spellings of numbers that parsers disagree on. */
const NUMBERS = [
  '1e999', '-1e999', '1e-400', '9'.repeat(400), '99999999999999999999', '9007199254740993', '4294967296', '-0', 'NaN', 'Infinity',
  '-Infinity', '0x7fffffff', '0o777', '1_000', '.5', '5.', '+1', '1.7976931348623157e309', '2147483648', '-2147483649',
]

/** Openers that nest when repeated: arrays, objects, lists, quotes, elements. */
const NESTERS = ['[', '{"a":', '[{"a":', '- ', '  - ', '> ', '<a>', '<div>', '<b><i>', '*', '_', '`', '(', '"', '\\', '&a [', 'a:\n  ']

/** A piece of junk to insert: control characters, syntax, huge numbers, deep nesting, long runs, random text. */
export const junk: fc.Arbitrary<string> = fc.oneof(
  // Few huge pieces: one costs as much reading as hundreds of small ones.
  { weight: 80, arbitrary: fc.constantFrom(...CONTROL) },
  { weight: 120, arbitrary: fc.constantFrom(...SYNTAX) },
  { weight: 60, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...NESTERS), fc.integer({ min: 2, max: 20_000 })).map(([s, n]) => s.repeat(n)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', ' ', '\n', 'é', '🤦', 'x,'), fc.integer({ min: 100, max: 250_000 })).map(([s, n]) => s.repeat(n)) },
  { weight: 60, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 60, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 10, arbitrary: fc.tuple(fc.constantFrom(...NESTERS), fc.integer({ min: 2, max: 200 })).map(([s, n]) => s.repeat(n)) },
)

/** Byte sequences that are not UTF-8: stray continuation bytes, overlong forms, surrogates, truncated sequences. */
const INVALID_UTF8 = [[0xff], [0xfe], [0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xf0, 0x9f], [0xf8, 0x88, 0x80, 0x80, 0x80]]

export type Mutation =
  | { op: 'delete'; at: number; length: number }
  | { op: 'duplicate'; at: number; length: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'replace'; at: number; text: string }
  | { op: 'bytes'; at: number; bytes: number[] }
  | { op: 'flip'; at: number; byte: number }
  | { op: 'truncate'; at: number }
  | { op: 'deleteLine'; line: number }
  | { op: 'duplicateLine'; line: number }
  | { op: 'swapLines'; line: number; other: number }
  | { op: 'junkLine'; line: number; text: string }
  | { op: 'lineEnds'; to: '\n' | '\r\n' | '\r' }

const at = fc.nat()
const length = fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 400 }))

/** One mutation: byte edits, line edits, junk and invalid UTF-8. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), at, length }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('duplicate' as const), at, length }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('insert' as const), at, text: junk }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('replace' as const), at, text: junk }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('bytes' as const), at, bytes: fc.constantFrom(...INVALID_UTF8) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('flip' as const), at, byte: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('deleteLine' as const), line: at }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('duplicateLine' as const), line: at }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('swapLines' as const), line: at, other: at }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('junkLine' as const), line: at, text: junk }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('lineEnds' as const), to: fc.constantFrom('\n' as const, '\r\n' as const, '\r' as const) }) },
)

/** A few mutations in a row. */
export const mutations: fc.Arbitrary<Mutation[]> = fc.array(mutation, { minLength: 1, maxLength: 6 })

const NL = 0x0a

function splitLines(data: Buffer): Buffer[] {
  const lines: Buffer[] = []
  let start = 0
  for (let i = data.indexOf(NL); i >= 0; i = data.indexOf(NL, start)) {
    lines.push(data.subarray(start, i))
    start = i + 1
  }
  lines.push(data.subarray(start))
  return lines
}

const joinLines = (lines: Buffer[]) => Buffer.concat(lines.flatMap((l, i) => (i ? [Buffer.from([NL]), l] : [l])))

/** Applies one mutation to bytes. Positions wrap around the input's length, so any number fits. */
export function applyMutation(data: Buffer, m: Mutation): Buffer {
  const pos = (n: number, size = data.length + 1) => n % size
  switch (m.op) {
    case 'delete': {
      const from = pos(m.at)
      return Buffer.concat([data.subarray(0, from), data.subarray(from + m.length)])
    }
    case 'duplicate': {
      const from = pos(m.at)
      return Buffer.concat([data.subarray(0, from + m.length), data.subarray(from)])
    }
    case 'insert':
    case 'bytes': {
      const from = pos(m.at)
      const piece = m.op === 'insert' ? Buffer.from(m.text, 'utf8') : Buffer.from(m.bytes)
      return Buffer.concat([data.subarray(0, from), piece, data.subarray(from)])
    }
    case 'replace': {
      const from = pos(m.at)
      return Buffer.concat([data.subarray(0, from), Buffer.from(m.text, 'utf8'), data.subarray(from + 1)])
    }
    case 'flip': {
      if (data.length === 0) return data
      const out = Buffer.from(data)
      out[pos(m.at, data.length)] = m.byte
      return out
    }
    case 'truncate':
      return data.subarray(0, pos(m.at))
    case 'lineEnds':
      return Buffer.from(data.toString('latin1').replace(/\r\n|\r|\n/g, m.to), 'latin1')
    default: {
      const lines = splitLines(data)
      const n = pos(m.line, lines.length)
      if (m.op === 'deleteLine') lines.splice(n, 1)
      else if (m.op === 'duplicateLine') lines.splice(n, 0, lines[n]!)
      else if (m.op === 'junkLine') lines.splice(n, 0, Buffer.from(m.text, 'utf8'))
      else {
        const other = pos(m.other, lines.length)
        ;[lines[n], lines[other]] = [lines[other]!, lines[n]!]
      }
      return joinLines(lines)
    }
  }
}

/** Applies mutations in order. */
export function mutateBytes(data: Buffer, list: readonly Mutation[]): Buffer {
  return list.reduce(applyMutation, data)
}

/** Mutates text through its UTF-8 bytes and decodes the result as a file read as UTF-8 would be. */
export function mutateText(text: string, list: readonly Mutation[]): string {
  return mutateBytes(Buffer.from(text, 'utf8'), list).toString('utf8')
}

/** Valid inputs (fixtures, generated documents) damaged by a few mutations. */
export function mutatedText(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(valid, mutations).map(([text, list]) => mutateText(text, list))
}

/** Random text of every kind: binary junk, any Unicode, and runs of format syntax. */
export const randomText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.array(junk, { maxLength: 40 }).map((parts) => parts.join('')),
  fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
)

/** The number of lines a reader may point at: every kind of line end counts. */
export function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length
}
