// Lists in the interchange formats. In a JSON export a list is an item of the array beside the
// review documents, told apart by `"kind": "list"`; in a Markdown export it is `lists/SLUG.md`:
// YAML front matter with the document's keys (`kind: list` first) and the description as the body.
// Both read back into the same document, so an export imports back as the same lists.
import { stringify } from 'yaml'
import { ListDocument } from '../domain/lists.ts'
import { readFrontMatter } from './markdown.ts'
import { zodIssues, type ReadResult } from './result.ts'

const FRONT_MATTER = /^\ufeff?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/

/** A list document with its keys in a stable order (the description last: it is long). */
export function orderListDocument(doc: ListDocument): Record<string, unknown> {
  return {
    kind: 'list', slug: doc.slug, title: doc.title, description: doc.description, ranked: doc.ranked, status: doc.status, publishedAt: doc.publishedAt,
    entries: doc.entries.map((e) => ({ review: e.review, title: e.title, year: e.year, origin: e.origin, note: e.note })),
  }
}

/** Checks one parsed JSON item as a list document; `lineOf` locates a path inside it. */
export function readListItem(item: unknown, lineOf: (path: readonly PropertyKey[]) => number, file?: string): ReadResult<ListDocument> {
  const parsed = ListDocument.safeParse(item)
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, issues: zodIssues(parsed.error.issues, lineOf, file) }
}

/** True when a Markdown file's front matter declares a list (`kind: list`). */
export function isMarkdownList(text: string): boolean {
  const fm = FRONT_MATTER.exec(text)
  return !!fm && /^kind:[ \t]*["']?list["']?[ \t]*$/m.test(fm[1]!)
}

/** Writes a list as Markdown: front matter (entries included), then the description. */
export function writeMarkdownList(doc: ListDocument): string {
  const { description, ...front } = orderListDocument(doc)
  const body = typeof description === 'string' && description ? `\n${description}\n` : ''
  // Notes are written quoted (line breaks as \n): YAML block scalars lose trailing blank lines.
  return `---\n${stringify(front, { lineWidth: 0, blockQuote: false }).trimEnd()}\n---\n${body}`
}

/** Reads a Markdown list: front matter with the document's keys, the body as its description. */
export function readMarkdownList(text: string, file?: string): ReadResult<ListDocument> {
  const read = readFrontMatter(text, file)
  if (!read.ok) return read
  const { match: fm, front, issues } = read
  const located = { lineOf: read.lineOf }
  if (front && typeof front === 'object' && 'description' in front) {
    issues.push({ file, line: located.lineOf(['description']), field: 'description', message: 'belongs in the Markdown body, not the front matter' })
  }
  if (issues.length) return { ok: false, issues }
  // The writer puts one blank line between the front matter and the description, and ends with a line break.
  const description = text.slice(fm[0].length).replace(/\r\n?/g, '\n').replace(/^\n/, '').replace(/\n$/, '')
  return readListItem({ ...(front as object), description }, (path) => (path[0] === 'description' ? fm[0].split('\n').length : located.lineOf(path)), file)
}
