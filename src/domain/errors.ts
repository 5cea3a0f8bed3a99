/** Machine-readable error codes; `web` maps them to HTTP statuses, `cli` to exit codes. */
export type ErrorCode = 'not_found' | 'conflict' | 'forbidden' | 'invalid_input' | 'internal'

/** Base class of every error Dramalog throws on purpose. */
export class DramalogError extends Error {
  override name = 'DramalogError'
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** Thrown when a review, page or file that was asked for does not exist. */
export class NotFoundError extends DramalogError {
  override name = 'NotFoundError' as const
  constructor(what: string, key: string) {
    super('not_found', `${what} "${key}" was not found`)
  }
}

/** One located problem in an input file: the shape every reader reports. */
export type InputIssue = { file?: string; line: number; field: string; message: string }

/** Formats an issue the way the CLI contract prints it: `FILE:LINE: field: reason`. */
export function formatIssue(issue: InputIssue): string {
  return `${issue.file ?? '(input)'}:${issue.line}: ${issue.field}: ${issue.message}`
}

/** Thrown by services when input has problems; carries every issue, not only the first. */
export class InvalidInputError extends DramalogError {
  override name = 'InvalidInputError' as const
  constructor(readonly issues: readonly InputIssue[]) {
    super('invalid_input', issues.map(formatIssue).join('\n'))
  }
}
