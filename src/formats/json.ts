import { isListDocument, type ListDocument } from '../domain/lists.ts'
import { DOCUMENT_KEYS, ReviewDocument } from '../domain/review.ts'
import type { SourceRef } from './import-batch.ts'
import { orderListDocument, readListItem } from './list-document.ts'
import { locateJson } from './locate.ts'
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
    const line = locateJson(text).errorLine ?? 1
    return { ok: false, issues: [{ file, line, field: '(json)', message: `not valid JSON: ${(err as Error).message}` }] }
  }
  const isArray = Array.isArray(data)
  const items: unknown[] = isArray ? (data as unknown[]) : [data]
  const docs: ReviewDocument[] = []
  const lists: LocatedList[] = []
  const issues: ReturnType<typeof zodIssues> = []
  let located: ReturnType<typeof locateJson> | undefined
  items.forEach((item, index) => {
    if (isListDocument(item)) {
      located ??= locateJson(text)
      const prefix = isArray ? [index] : []
      const lineOf = (path: readonly PropertyKey[]) => located!.lineOf([...prefix, ...path])
      const list = readListItem(item, lineOf, file)
      if (list.ok) {
        const entryLines = list.value.entries.map((_, i) => lineOf(['entries', i]))
        lists.push({ doc: list.value, at: { file: file ?? '(input)', line: lineOf([]) }, entryLines })
      } else for (const i of list.issues) issues.push({ ...i, field: isArray ? `[${index}].${i.field}` : i.field })
      return
    }
    const parsed = ReviewDocument.safeParse(item)
    if (parsed.success) return void docs.push(parsed.data)
    located ??= locateJson(text)
    const prefix = isArray ? [index] : []
    const lineOf = (path: readonly PropertyKey[]) => located!.lineOf([...prefix, ...path])
    issues.push(
      ...zodIssues(parsed.error.issues, lineOf, file).map((i) => ({ ...i, field: isArray ? `[${index}].${i.field}` : i.field })),
    )
  })
  return issues.length ? { ok: false, issues } : { ok: true, value: { reviews: docs, lists } }
}
