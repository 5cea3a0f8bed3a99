import { findCountry } from '../domain/countries.ts'
import { parseReviewDate } from '../domain/dates.ts'
import type { InputIssue } from '../domain/errors.ts'
import { parseMeter } from '../domain/meter.ts'
import { canonicalLinkSite, isSafeUrl, KNOWN_LINK_SITES, normalizeTags, ReviewDocument } from '../domain/review.ts'
import type { Link, Person, ReviewDocumentInput } from '../domain/review.ts'
import { compileRubric } from '../domain/rubric.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { zodIssues, type ReadResult } from './result.ts'

type Line = { n: number; text: string }

type HeaderField =
  | 'poster' | 'title' | 'nativeTitle' | 'romanizedTitle' | 'year' | 'origin' | 'season' | 'episodes'
  | 'platform' | 'firstWatch' | 'reviewedOn' | 'meter' | 'tags' | 'songs' | 'author' | 'link' | 'person'

/** Header labels as bloggers write them, compared without case, spaces or punctuation. */
const LABELS: Record<string, HeaderField> = {
  image: 'poster', poster: 'poster', postercredit: 'poster', imagecredit: 'poster', credit: 'poster',
  title: 'title',
  nativetitle: 'nativeTitle', native: 'nativeTitle', originaltitle: 'nativeTitle',
  romanization: 'romanizedTitle', romanisation: 'romanizedTitle', romanized: 'romanizedTitle', romanised: 'romanizedTitle',
  year: 'year', releaseyear: 'year',
  origin: 'origin', country: 'origin', countryoforigin: 'origin',
  season: 'season', episodes: 'episodes',
  platform: 'platform', watchedon: 'platform', streaming: 'platform', whereiwatched: 'platform',
  firstwatch: 'firstWatch', firsttime: 'firstWatch', firstviewing: 'firstWatch',
  reviewdate: 'reviewedOn', reviewed: 'reviewedOn', reviewedon: 'reviewedOn', date: 'reviewedOn',
  meter: 'meter', rating: 'meter',
  tags: 'tags', tag: 'tags', genre: 'tags', genres: 'tags',
  songs: 'songs', song: 'songs', ost: 'songs', soundtrack: 'songs',
  author: 'author', reviewer: 'author', reviewedby: 'author',
}
for (const site of [...KNOWN_LINK_SITES, 'mdl']) LABELS[labelKey(site)] = 'link'
const PERSON_ROLES: Record<string, string> = {
  cast: 'cast', starring: 'cast', stars: 'cast', actors: 'cast', maincast: 'cast',
  director: 'director', directors: 'director', directedby: 'director',
  writer: 'writer', writers: 'writer', screenwriter: 'writer', writtenby: 'writer', screenplay: 'writer',
}
for (const key of Object.keys(PERSON_ROLES)) LABELS[labelKey(key)] = 'person'

const HEADER = /^([\p{L}][\p{L}\p{N} ._'/&-]{0,39}?)\s*[:：]\s*(.*)$/u
// A title dash has spaces around it ("Spider-Man" keeps its hyphen); en and em dashes may have lost them.
// `(?<!\s)`: a match starts where a run of spaces does, so a long run is scanned once, not once per space.
const SPACED_DASH = /(?<!\s)\s+(?:[-\u2010\u2011\u2012\u2013\u2014\u2015\u2212]{1,2})\s+/u
const BARE_DASH = /[\u2013\u2014]/u
const LIST_ITEM = /^(?:[-*+]\s|\d{1,3}[.)]\s)/
const BULLET = /^[•·▪◦‣]\s*/u

function labelKey(label: string): string {
  return label.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')
}

/** Undoes what copying a web page does to text: BOM, CRLF, non-breaking and zero-width spaces. */
function cleanLines(text: string): Line[] {
  const unix = text.replace(/^\ufeff/, '')
  // Most text has none of these: one look for any of them, then the replacements only when found.
  const clean = COPIED_SPACES.test(unix) ? unix.replace(/\r\n?/g, '\n').replace(/[\u00a0\u2007\u202f\u3000]/g, ' ').replace(/[\u200b\u2060\ufeff]/g, '') : unix
  return clean.split('\n').map((raw, i) => ({ n: i + 1, text: raw.trimEnd() }))
}
const COPIED_SPACES = /[\r\u00a0\u2007\u202f\u3000\u200b\u2060\ufeff]/

/** Splits `Title – Headline` at its first spaced dash (or bare en/em dash). */
export function splitTitleLine(line: string): { title: string; headline: string } | null {
  const m = SPACED_DASH.exec(line) ?? BARE_DASH.exec(line)
  if (!m || m.index === 0) return null
  const title = line.slice(0, m.index).trim()
  const headline = line.slice(m.index + m[0].length).trim()
  return title && headline ? { title, headline } : null
}

/** Joins body lines into Markdown: each pasted line is a paragraph unless it is part of a list. */
function toMarkdown(lines: Line[]): string {
  const blocks: string[] = []
  let list: string[] = []
  const flush = () => {
    if (list.length) blocks.push(list.join('\n'))
    list = []
  }
  for (const { text } of lines) {
    const t = text.trim().replace(BULLET, '- ')
    if (!t) {
      flush()
      continue
    }
    if (LIST_ITEM.test(t)) list.push(t)
    else {
      flush()
      blocks.push(t)
    }
  }
  flush()
  return blocks.join('\n\n')
}

/** Drops what wraps a pasted address rather than belongs to it: `(url)`, `url.`; keeps `/wiki/Signal_(TV_series)`. */
function trimUrl(url: string): string {
  let u = url
  for (;;) {
    const last = u.at(-1)
    const pair = last === ')' ? '(' : last === ']' ? '[' : null
    const count = (ch: string) => u.split(ch).length - 1
    if (/[.,;:!?'"]/.test(last ?? '') || (pair && last && count(last) > count(pair))) u = u.slice(0, -1)
    else return u
  }
}

function parseLinkValue(site: string, value: string): { link?: Link; problem?: string } {
  const found = /\b[a-z][a-z0-9+.-]*:\/\/[^\s<>"]+|\bjavascript:\S+|\bdata:\S+/i.exec(value)?.[0]
  const url = found && trimUrl(found)
  const label = (url ? value.replace(url, '') : value).replace(/[()[\]<>]/g, ' ').replace(/\s+/g, ' ').trim()
  if (url && !isSafeUrl(url)) return { problem: `"${url}" is not an http(s) address` }
  return { link: { site: canonicalLinkSite(site), label, url: url ?? null } }
}

function parseYesNo(value: string): boolean | null {
  const v = value.toLowerCase().replace(/[^a-z]/g, '')
  if (['yes', 'y', 'true', 'first', 'firstwatch', 'firsttime'].includes(v)) return true
  if (['no', 'n', 'false', 'rewatch', 'rewatched', 'rewatching'].includes(v)) return false
  return null
}

function splitList(value: string): string[] {
  // Separators alone, with the spaces around them trimmed off the pieces: a pattern with `\s*` or
  // `\s+` around them retries every start in a long run of spaces, in quadratic time.
  return value.split(/[,;、，]|(?<=\s)\/(?=\s)/u).map((s) => s.trim()).filter(Boolean)
}

/**
 * Reads a review copied off a blog page (DESIGN §2 "Pasted blog text") into a review document.
 * Collects every problem with its line and field instead of stopping at the first.
 */
export function readPastedText(text: string, settings: SiteSettings, file?: string): ReadResult<ReviewDocument> {
  const lines = cleanLines(text)
  const issues: InputIssue[] = []
  const fieldLines = new Map<string, number>()
  const problem = (line: number, field: string, message: string) => issues.push({ file, line, field, message })
  const meterKeys = new Set([labelKey(settings.meter.name), labelKey(settings.meter.name.replace(/\s*(meter|scale|rating)$/i, ''))])

  const doc: ReviewDocumentInput & { links: Link[]; people: Person[]; tags: string[]; songs: string[] } = {
    title: '', links: [], people: [], tags: [], songs: [],
  }
  const seen = new Map<HeaderField | string, number>()

  const fieldOf = (label: string): HeaderField | undefined => {
    const key = labelKey(label)
    // hasOwn: a label such as "Constructor" must not find Object.prototype's.
    return meterKeys.has(key) ? 'meter' : Object.hasOwn(LABELS, key) ? LABELS[key] : undefined
  }

  let i = 0
  // Header block: `Label: value` lines (blank lines between them allowed).
  for (; i < lines.length; i++) {
    const { n, text: t } = lines[i]!
    if (!t.trim()) continue
    const m = HEADER.exec(t.trim())
    if (!m) break
    const label = m[1]!.trim()
    const value = m[2]!.trim()
    const field = fieldOf(label)
    if (!field) {
      // An unknown label is a mistyped header when more headers follow, or when it sits right under
      // a header line and the title line does not come next; otherwise it is the hook.
      let j = i + 1
      while (j < lines.length && !lines[j]!.text.trim()) j++
      const next = lines[j]
      const nextHeader = next && HEADER.exec(next.text.trim())
      const underHeader = i > 0 && lines[i - 1]!.text.trim() !== '' && label.split(/\s+/).length <= 3
      if ((nextHeader && fieldOf(nextHeader[1]!)) || (underHeader && !(next && splitTitleLine(next.text.trim())))) {
        problem(n, labelKey(label) || label, `unknown header label "${label}"`)
        continue
      }
      break
    }
    const key = field === 'link' ? `link:${canonicalLinkSite(label)}` : field === 'person' ? `person:${labelKey(label)}` : field
    if (seen.has(key) && field !== 'tags') {
      problem(n, field === 'link' ? 'links' : field, `"${label}" is given twice (first on line ${seen.get(key)})`)
      continue
    }
    seen.set(key, n)
    const listKey = field === 'link' ? 'links' : field === 'person' ? 'people' : field === 'songs' ? 'songs' : null
    if (!fieldLines.has(listKey ?? field)) fieldLines.set(listKey ?? field, n)
    const before = listKey ? doc[listKey].length : 0
    readHeader(field, label, value, n)
    if (listKey) for (let k = before; k < doc[listKey].length; k++) fieldLines.set(`${listKey}.${k}`, n)
  }

  function readHeader(field: HeaderField, label: string, value: string, n: number): void {
    const empty = value === '' || /^(n\/?a|none|-+|—|–)$/i.test(value)
    switch (field) {
      case 'poster':
        if (!empty) doc.poster = { src: null, credit: value }
        return
      case 'title':
        if (!empty) doc.title = value
        return
      case 'nativeTitle':
      case 'romanizedTitle':
      case 'platform':
      case 'author':
        if (!empty) doc[field] = value
        return
      case 'year': {
        if (empty) return
        const m = /^(\d{4})(?:\s*[-–—]\s*\d{2,4})?$/u.exec(value)
        if (!m) return void problem(n, 'year', `"${value}" is not a year`)
        doc.year = Number(m[1])
        return
      }
      case 'season':
      case 'episodes': {
        if (empty || (field === 'season' && /^(film|movie|special|none)$/i.test(value))) return
        const m = /^(?:season|s|ep(?:isodes)?|e)?\s*0*(\d{1,4})$/i.exec(value)
        if (!m) return void problem(n, field, `"${value}" is not a ${field === 'season' ? 'season number' : 'number of episodes'}`)
        doc[field] = Number(m[1])
        return
      }
      case 'origin': {
        if (empty) return
        const country = findCountry(value)
        if (!country) return void problem(n, 'origin', `unknown country "${value}"`)
        doc.origin = country.name
        return
      }
      case 'firstWatch': {
        if (empty) return
        const yes = parseYesNo(value)
        if (yes === null) return void problem(n, 'firstWatch', `"${value}" is neither yes nor no`)
        doc.firstWatch = yes
        return
      }
      case 'reviewedOn': {
        if (empty) return
        const date = parseReviewDate(value, settings.dateOrder)
        if (!date.ok) return void problem(n, 'reviewedOn', date.reason)
        doc.reviewedOn = date.value
        return
      }
      case 'meter': {
        if (value === '') return
        const meter = parseMeter(value, settings.meter)
        if (!meter.ok) return void problem(n, 'meter', meter.reason)
        doc.meter = { value: meter.value, max: settings.meter.max }
        return
      }
      case 'tags':
        for (const tag of splitList(value)) doc.tags.push(tag)
        return
      case 'songs':
        for (const song of value.split(';')) if (song.trim()) doc.songs.push(song.trim())
        return
      case 'person': {
        const role = PERSON_ROLES[labelKey(label)] ?? 'cast'
        for (const name of splitList(value)) doc.people.push({ name, role })
        return
      }
      case 'link': {
        if (empty) return
        const { link, problem: p } = parseLinkValue(label, value)
        if (p) return void problem(n, 'links', p)
        if (link) doc.links.push(link)
        return
      }
    }
  }

  // Hook and `Title – Headline`: the title line is the first or the second content line.
  const content = lines.slice(i)
  const nonBlank = content.filter((l) => l.text.trim())
  const matchHeading = compileRubric(settings.rubric)
  const [first, second] = nonBlank
  let bodyStart: Line | undefined
  const titleFrom = (l: Line | undefined) => (l && !matchHeading(l.text) ? splitTitleLine(l.text.trim()) : null)
  const firstSplit = titleFrom(first)
  // With no hook, the line after the title line is prose, and prose has dashes too ("very little – and
  // a lot"); a headline does not end with a full stop.
  const secondSplit = firstSplit && second && /[.。]$/u.test(second.text.trim()) ? null : titleFrom(second)
  if (!first) {
    problem(lines.length, 'title', 'the text ends before the "Title – Headline" line')
  } else if (secondSplit && second) {
    doc.hook = first.text.trim()
    doc.title ||= secondSplit.title
    doc.headline = secondSplit.headline
    fieldLines.set('hook', first.n)
    if (!fieldLines.has('title')) fieldLines.set('title', second.n)
    fieldLines.set('headline', second.n)
    bodyStart = nonBlank[2]
  } else if (firstSplit) {
    doc.title ||= firstSplit.title
    doc.headline = firstSplit.headline
    if (!fieldLines.has('title')) fieldLines.set('title', first.n)
    fieldLines.set('headline', first.n)
    bodyStart = second
  } else if (doc.title) {
    // A `Title:` header gave the title; the first line is then the hook.
    doc.hook = first.text.trim()
    fieldLines.set('hook', first.n)
    bodyStart = second
  } else {
    const at = second ?? first
    problem(at.n, 'title', `expected a "Title – Headline" line here, found "${truncate(at.text.trim())}"`)
  }

  // Intro and sections.
  const used = new Set<string>()
  let current: { lines: Line[]; heading?: ReturnType<typeof matchHeading>; n: number } = { lines: [], n: bodyStart?.n ?? 0 }
  const blocks: (typeof current)[] = [current]
  if (bodyStart) {
    for (const line of content.slice(content.indexOf(bodyStart))) {
      const heading = line.text.trim() ? matchHeading(line.text) : null
      if (heading && !used.has(heading.aspect)) {
        used.add(heading.aspect)
        current = { lines: [], heading, n: line.n }
        blocks.push(current)
      } else current.lines.push(line)
    }
  }
  doc.intro = toMarkdown(blocks[0]!.lines)
  doc.sections = blocks.slice(1).map((b, k) => {
    fieldLines.set(`sections.${k}`, b.n)
    return { ...b.heading!, body: toMarkdown(b.lines) }
  })
  const titleLine = fieldLines.get('title')
  if (doc.sections.length === 0 && (bodyStart || titleLine)) {
    problem(bodyStart?.n ?? titleLine!, 'sections', `no section heading matches the rubric (${settings.rubric.join(', ')}); write headings as "Aspect – Verdict"`)
  }
  doc.tags = normalizeTags(doc.tags)

  const parsed = ReviewDocument.safeParse(doc)
  if (!parsed.success) {
    const lineOf = (path: readonly PropertyKey[]) =>
      fieldLines.get(path.slice(0, 2).join('.')) ?? fieldLines.get(String(path[0])) ?? 1
    // Every problem in one pass, but a field already reported (an unreadable title) is not reported twice.
    const reported = new Set(issues.map((i) => i.field))
    for (const i of zodIssues(parsed.error.issues, lineOf, file)) if (!reported.has(i.field)) issues.push(i)
  }
  if (issues.length || !parsed.success) return { ok: false, issues }
  return { ok: true, value: parsed.data }
}

function truncate(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s
}
