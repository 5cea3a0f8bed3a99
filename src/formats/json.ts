import { DOCUMENT_KEYS, ReviewDocument } from '../domain/review.ts'
import { locateJson } from './locate.ts'
import { zodIssues, type ReadResult } from './result.ts'

/** Orders a document's keys as DESIGN §2 lists them, so JSON exports are stable. */
export function orderDocument(doc: ReviewDocument): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of DOCUMENT_KEYS) if (doc[key] !== undefined) out[key] = doc[key]
  return out
}

/** Writes review documents as a JSON array (what `export --format json` prints). */
export function writeJsonReviews(docs: readonly ReviewDocument[]): string {
  return `${JSON.stringify(docs.map(orderDocument), null, 2)}\n`
}

/** Reads a JSON file holding one review document or an array of them. */
export function readJsonReviews(text: string, file?: string): ReadResult<ReviewDocument[]> {
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
  const issues: ReturnType<typeof zodIssues> = []
  let located: ReturnType<typeof locateJson> | undefined
  items.forEach((item, index) => {
    const parsed = ReviewDocument.safeParse(item)
    if (parsed.success) return void docs.push(parsed.data)
    located ??= locateJson(text)
    const prefix = isArray ? [index] : []
    const lineOf = (path: readonly PropertyKey[]) => located!.lineOf([...prefix, ...path])
    issues.push(
      ...zodIssues(parsed.error.issues, lineOf, file).map((i) => ({ ...i, field: isArray ? `[${index}].${i.field}` : i.field })),
    )
  })
  return issues.length ? { ok: false, issues } : { ok: true, value: docs }
}
