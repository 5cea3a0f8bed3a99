import { isListDocument, type ListDocument } from '../domain/lists.ts'
import { DOCUMENT_KEYS, ReviewDocument } from '../domain/review.ts'
import type { SourceRef } from './import-batch.ts'
import { orderListDocument, readListItem } from './list-document.ts'
import { locateYaml } from './locate.ts'
import { zodIssues, type ReadResult } from './result.ts'

/** Orders a document's keys as DESIGN §2 lists them, so JSON exports are stable. */
export function orderDocument(doc: ReviewDocument): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of DOCUMENT_KEYS) if (doc[key] !== undefined) out[key] = doc[key]
  return out
}

/**
 * Writes review documents as a JSON array (what `export --format json` prints), then the site's
 * lists, each an item with `"kind": "list"` (review documents have no `kind`).
 */
export function writeJsonReviews(docs: readonly ReviewDocument[], lists: readonly ListDocument[] = []): string {
  return `${JSON.stringify([...docs.map(orderDocument), ...lists.map(orderListDocument)], null, 2)}\n`
}

/** A list read from a file, with where it and each of its entries start. */
export type LocatedList = { doc: ListDocument; at: SourceRef; entryLines: number[] }

/** Reads a JSON file holding one review document or an array of them; list items are left out (see `readJsonDocuments`). */
export function readJsonReviews(text: string, file?: string): ReadResult<ReviewDocument[]> {
  const r = readJsonDocuments(text, file)
  return r.ok ? { ok: true, value: r.value.reviews } : r
}

/** Reads a JSON file holding one document or an array of them: reviews, and lists (`"kind": "list"`). */
export function readJsonDocuments(text: string, file?: string): ReadResult<{ reviews: ReviewDocument[]; lists: LocatedList[] }> {
  let data: unknown
  try {
    data = JSON.parse(text.replace(/^\ufeff/, ''))
  } catch (err) {
    const offset = jsonErrorOffset(text)
    const line = offset === null ? (locateYaml(text).errors[0]?.line ?? 1) : text.slice(0, offset).split(/\r\n|\r|\n/).length
    return { ok: false, issues: [{ file, line, field: '(json)', message: `not valid JSON: ${(err as Error).message}` }] }
  }
  const isArray = Array.isArray(data)
  const items: unknown[] = isArray ? (data as unknown[]) : [data]
  const docs: ReviewDocument[] = []
  const lists: LocatedList[] = []
  const issues: ReturnType<typeof zodIssues> = []
  let located: ReturnType<typeof locateYaml> | undefined
  items.forEach((item, index) => {
    if (isListDocument(item)) {
      located ??= locateYaml(text)
      const prefix = isArray ? [index] : []
      const lineOf = (path: readonly PropertyKey[]) => located!.lineOf([...prefix, ...path])
      const list = readListItem(item, lineOf, file)
      if (list.ok) {
        const entryLines = list.value.entries.map((_, i) => lineOf(['entries', i]))
        lists.push({ doc: list.value, at: { file: file ?? '(input)', line: lineOf([]) }, entryLines })
      } else issues.push(...list.issues.map((i) => ({ ...i, field: isArray ? `[${index}].${i.field}` : i.field })))
      return
    }
    const parsed = ReviewDocument.safeParse(item)
    if (parsed.success) return void docs.push(parsed.data)
    located ??= locateYaml(text)
    const prefix = isArray ? [index] : []
    const lineOf = (path: readonly PropertyKey[]) => located!.lineOf([...prefix, ...path])
    issues.push(
      ...zodIssues(parsed.error.issues, lineOf, file).map((i) => ({ ...i, field: isArray ? `[${index}].${i.field}` : i.field })),
    )
  })
  return issues.length ? { ok: false, issues } : { ok: true, value: { reviews: docs, lists } }
}

const JSON_SPACE = /[ \t\n\r]*/y
const JSON_STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y
const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y
const JSON_WORD = /true|false|null/y

/**
 * The offset where JSON syntax first goes wrong, or null when none is found (or nesting is too deep).
 * V8's messages give no position for some errors, and a YAML parser accepts what JSON does not
 * (trailing commas, bare words), so neither can say which line to report.
 */
function jsonErrorOffset(text: string): number | null {
  let i = text.startsWith('\ufeff') ? 1 : 0
  const eat = (re: RegExp): boolean => {
    re.lastIndex = i
    if (!re.test(text)) return false
    i = re.lastIndex
    return true
  }
  const value = (): boolean => {
    eat(JSON_SPACE)
    const open = text[i]
    if (open !== '{' && open !== '[') return eat(JSON_STRING) || eat(JSON_NUMBER) || eat(JSON_WORD)
    const close = open === '{' ? '}' : ']'
    i++
    eat(JSON_SPACE)
    if (text[i] === close) {
      i++
      return true
    }
    for (;;) {
      if (open === '{') {
        eat(JSON_SPACE)
        if (!eat(JSON_STRING)) return false
        eat(JSON_SPACE)
        if (text[i] !== ':') return false
        i++
      }
      if (!value()) return false
      eat(JSON_SPACE)
      if (text[i] !== ',' && text[i] !== close) return false
      if (text[i++] === close) return true
    }
  }
  try {
    if (!value()) return i
    eat(JSON_SPACE)
    return i === text.length ? null : i
  } catch {
    // Only a stack overflow on absurd nesting gets here; the caller falls back to a rougher guess.
    return null
  }
}
