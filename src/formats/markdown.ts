import { stringify } from 'yaml'
import type { InputIssue } from '../domain/errors.ts'
import { DOCUMENT_KEYS, ReviewDocument } from '../domain/review.ts'
import { compileAspectMatcher } from '../domain/rubric.ts'
import { locateYaml } from './locate.ts'
import { splitTitleLine } from './pasted-text.ts'
import { zodIssues, type ReadResult } from './result.ts'

const FRONT_MATTER = /^\ufeff?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/
// Far above what a review's keys take (a few KB), and low enough that the YAML parser, which
// slows down with the square of a map's size, answers at once.
const MAX_FRONT_MATTER = 64 * 1024
const FENCE = /^[ \t]{0,3}(`{3,}|~{3,})/
// A body line that would read as a section heading is written with one more backslash.
const HEADING_LIKE = /^(\\*)(##[ \t])/

/** Tracks fenced code blocks line by line: a fence closes only with its own character, at least as long. */
function fenceTracker() {
  let open: string | null = null
  return (line: string): boolean => {
    const f = FENCE.exec(line)?.[1]
    if (f && open === null) open = f
    else if (f && f[0] === open![0] && f.length >= open!.length && line.trim() === f) open = null
    else return open !== null
    return true
  }
}

/**
 * A heading's text without its optional closing `#` sequence and the spaces around it. Done in
 * steps, each matching only where its run starts: one regular expression for all of it tries every
 * position of a long run of spaces, which takes quadratic time.
 */
function closingHashesOff(text: string): string {
  return text.replace(/(?<![ \t])[ \t]+$/, '').replace(/(?<!#)#+$/, '').replace(/(?<![ \t])[ \t]+$/, '')
}

/** Escapes intro and body lines that would otherwise start a new section. */
function escapeHeadings(markdown: string): string {
  const inFence = fenceTracker()
  return markdown
    .split('\n')
    .map((line) => (!inFence(line) && HEADING_LIKE.test(line) ? `\\${line}` : line))
    .join('\n')
}
// Section-level fields ride on the heading: `## Acting – Verdict {score=8/10 spoiler}`.
const ATTRIBUTES = /(?<!\s)\s*\{([^{}]*)\}$/

/** Writes a review document as Markdown with YAML front matter (DESIGN §2). */
export function writeMarkdownReview(doc: ReviewDocument): string {
  const front: Record<string, unknown> = {}
  for (const key of DOCUMENT_KEYS) {
    if (key === 'intro' || key === 'sections') continue
    const value = doc[key]
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) continue
    front[key] = value
  }
  const parts = [`---\n${stringify(front, { lineWidth: 0 }).trimEnd()}\n---\n`]
  if (doc.intro) parts.push(`${escapeHeadings(doc.intro)}\n`)
  for (const s of doc.sections) {
    const attrs = [
      s.score !== null ? `score=${s.score}${s.scoreMax !== null ? `/${s.scoreMax}` : ''}` : '',
      s.spoiler ? 'spoiler' : '',
    ].filter(Boolean)
    let heading = s.verdict ? `${s.aspect} – ${s.verdict}` : s.aspect
    // A heading that itself ends in braces, or in `#` (which would read as a closing ATX sequence),
    // gets an empty attribute block so it reads back whole.
    if (attrs.length || /[}#]$/.test(heading)) heading += ` {${attrs.join(' ')}}`
    parts.push(`## ${heading}\n`)
    if (s.body) parts.push(`${escapeHeadings(s.body)}\n`)
  }
  return parts.join('\n')
}

type SectionDraft = { aspect: string; verdict: string; score: number | null; scoreMax: number | null; spoiler: boolean; body: string[]; line: number }

function readHeading(text: string, line: number, matchAspect: ReturnType<typeof compileAspectMatcher>, issues: InputIssue[], file?: string): SectionDraft {
  let heading = text.trim()
  let score: number | null = null
  let scoreMax: number | null = null
  let spoiler = false
  const attrs = ATTRIBUTES.exec(heading)
  if (attrs) {
    heading = heading.slice(0, attrs.index)
    for (const token of attrs[1]!.split(/\s+/).filter(Boolean)) {
      // Exponents too: the writer prints tiny scores the way JavaScript does (`1e-7`).
      const m = /^score=(\d+(?:\.\d+)?(?:e[-+]?\d+)?)(?:\/(\d+))?$/i.exec(token)
      if (m) {
        score = Number(m[1])
        scoreMax = m[2] === undefined ? null : Number(m[2])
      } else if (token === 'spoiler' || token === 'spoilers') spoiler = true
      else issues.push({ file, line, field: 'sections', message: `unknown heading attribute "${token}" (use score=N/M or spoiler)` })
    }
  }
  // Rubric aspects take the rubric's spelling, however the heading writes them.
  const known = matchAspect(heading)
  const split = known ? { title: known.aspect, headline: known.rest } : splitTitleLine(heading)
  return {
    aspect: split ? split.title : heading.trim(),
    verdict: split ? split.headline : '',
    score, scoreMax, spoiler, body: [], line,
  }
}

/**
 * The YAML front matter at the top of a Markdown file, read with its lines: the match, the parsed
 * value (a map, checked), where each key sits, and every problem, located. Shared by the review and
 * list readers, so both refuse oversized or deeply nested front matter before the YAML parser runs.
 */
export function readFrontMatter(text: string, file?: string):
    { ok: false; issues: InputIssue[] } | { ok: true; match: RegExpExecArray; front: Record<string, unknown> | null; lineOf: (path: readonly PropertyKey[]) => number; issues: InputIssue[] } {
  const fm = FRONT_MATTER.exec(text)
  if (!fm) {
    return { ok: false, issues: [{ file, line: 1, field: '(front matter)', message: 'expected YAML front matter between "---" lines at the top' }] }
  }
  if (fm[1]!.length > MAX_FRONT_MATTER) {
    return { ok: false, issues: [{ file, line: 2, field: '(front matter)', message: `is longer than ${MAX_FRONT_MATTER / 1024} KB: keep the review's text in the body` }] }
  }
  const issues: InputIssue[] = []
  const located = locateYaml(fm[1]!, 2)
  for (const e of located.errors) issues.push({ file, line: e.line, field: '(front matter)', message: e.message })
  let front: unknown = null
  try {
    front = located.doc.toJS({ maxAliasCount: 100 }) as unknown
  } catch (err) {
    issues.push({ file, line: 2, field: '(front matter)', message: (err as Error).message })
  }
  if (!issues.length && (typeof front !== 'object' || front === null || Array.isArray(front))) {
    issues.push({ file, line: 2, field: '(front matter)', message: 'front matter must be a map of keys to values' })
  }
  return { ok: true, match: fm, front: (front && typeof front === 'object' && !Array.isArray(front) ? front : null) as Record<string, unknown> | null, lineOf: (path) => located.lineOf(path), issues }
}

/** Reads a Markdown review: YAML front matter with the document's keys, intro, then `## Aspect – Verdict` sections. */
export function readMarkdownReview(text: string, rubric: readonly string[], file?: string): ReadResult<ReviewDocument> {
  const read = readFrontMatter(text, file)
  if (!read.ok) return read
  const { match: fm, front, issues } = read
  const located = { lineOf: read.lineOf }
  for (const key of ['intro', 'sections']) {
    if (front && typeof front === 'object' && key in front) {
      issues.push({ file, line: located.lineOf([key]), field: key, message: `belongs in the Markdown body, not the front matter` })
    }
  }

  const matchAspect = compileAspectMatcher(rubric)
  const bodyLines = text.slice(fm[0].length).replace(/\r\n?/g, '\n').split('\n')
  const bodyFirstLine = fm[0].split('\n').length - (fm[0].endsWith('\n') ? 1 : 0) + 1
  const intro: string[] = []
  const sections: SectionDraft[] = []
  const inFence = fenceTracker()
  bodyLines.forEach((line, k) => {
    const fenced = inFence(line)
    const h = fenced ? null : /^##[ \t]+(.+)$/.exec(line)
    if (h) sections.push(readHeading(closingHashesOff(h[1]!) || h[1]!.trim(), bodyFirstLine + k, matchAspect, issues, file))
    else (sections.at(-1)?.body ?? intro).push(fenced ? line : line.replace(/^\\(\\*##[ \t])/, '$1'))
  })
  if (issues.length) return { ok: false, issues }

  const parsed = ReviewDocument.safeParse({
    ...(front as object),
    intro: intro.join('\n'),
    sections: sections.map(({ body, line: _line, ...s }) => ({ ...s, body: body.join('\n') })),
  })
  if (!parsed.success) {
    const lineOf = (path: readonly PropertyKey[]) =>
      path[0] === 'sections' ? sections[Number(path[1])]?.line ?? bodyFirstLine : path[0] === 'intro' ? bodyFirstLine : located.lineOf(path)
    return { ok: false, issues: zodIssues(parsed.error.issues, lineOf, file) }
  }
  return { ok: true, value: parsed.data }
}
