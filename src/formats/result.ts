import type { InputIssue } from '../domain/errors.ts'

/** What every reader returns: documents, or every located problem it found. */
export type ReadResult<T> = { ok: true; value: T } | { ok: false; issues: InputIssue[] }

/** Converts Zod issues into located issues, finding each field's line through `lineOf`. */
export function zodIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  lineOf: (path: readonly PropertyKey[]) => number,
  file?: string,
): InputIssue[] {
  return issues.map((i) => ({
    file,
    line: lineOf(i.path),
    field: i.path.map(String).join('.') || '(document)',
    message: i.message,
  }))
}
