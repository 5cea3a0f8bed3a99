import { createHash, createSign, createVerify } from 'node:crypto'

// HTTP Signatures as the fediverse uses them (draft-cavage-http-signatures-12, as Mastodon signs and
// checks them): the signer lists header names, joins `name: value` lines in that order into a
// signing string, and signs it with RSA-SHA256. A POST covers `(request-target) host date digest`,
// so the body (through its Digest), the target and the time are all signed.

/** The headers every outgoing POST signs, and every inbox POST must sign. */
export const SIGNED_POST_HEADERS = ['(request-target)', 'host', 'date', 'digest'] as const
/** The headers a signed GET (fetching an actor) covers. */
export const SIGNED_GET_HEADERS = ['(request-target)', 'host', 'date'] as const

/** How far a signed Date may be from the receiver's clock, either way. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000

/** The `Digest` header of a body: `SHA-256=` and the base64 of its hash. */
export function digestHeader(body: string | Uint8Array): string {
  return `SHA-256=${createHash('sha256').update(body).digest('base64')}`
}

/** A request as the signing string sees it: header names in lower case. */
export type SignableRequest = { method: string; path: string; headers: Readonly<Record<string, string | undefined>> }

/** The signing string of `request` over `headers`; null when a named header is missing. */
export function signingString(request: SignableRequest, headers: readonly string[]): string | null {
  const lines: string[] = []
  for (const name of headers) {
    if (name === '(request-target)') {
      lines.push(`(request-target): ${request.method.toLowerCase()} ${request.path}`)
      continue
    }
    const value = request.headers[name]
    if (value === undefined) return null
    lines.push(`${name}: ${value.trim()}`)
  }
  return lines.join('\n')
}

/**
 * Signs a request to `url`: returns the headers to send (`Host`, `Date`, `Digest` for a body, and
 * `Signature`). The Date is `now` in the HTTP format.
 */
export function signRequest(input: {
  method: 'GET' | 'POST'
  url: string
  body?: string
  keyId: string
  privateKeyPem: string
  now?: Date
}): Record<string, string> {
  const url = new URL(input.url)
  const headers: Record<string, string> = { host: url.host, date: (input.now ?? new Date()).toUTCString() }
  if (input.body !== undefined) headers.digest = digestHeader(input.body)
  const names = input.body !== undefined ? SIGNED_POST_HEADERS : SIGNED_GET_HEADERS
  const text = signingString({ method: input.method, path: url.pathname + url.search, headers }, names)!
  const signature = createSign('RSA-SHA256').update(text).sign(input.privateKeyPem, 'base64')
  headers.signature = `keyId="${input.keyId}",algorithm="rsa-sha256",headers="${names.join(' ')}",signature="${signature}"`
  return headers
}

/** The parts of a `Signature` header. */
export type ParsedSignature = { keyId: string; algorithm: string | null; headers: string[]; signature: string }

/** Reads a `Signature` header (`keyId="…",headers="…",signature="…"`); null when it is not one. */
export function parseSignatureHeader(value: string | undefined): ParsedSignature | null {
  if (!value) return null
  const params = new Map<string, string>()
  for (const m of value.matchAll(/([a-zA-Z]+)\s*=\s*"([^"]*)"/g)) params.set(m[1]!.toLowerCase(), m[2]!)
  const keyId = params.get('keyid')
  const signature = params.get('signature')
  if (!keyId || !signature) return null
  // Without a `headers` parameter the draft signs the Date alone, which never covers a body.
  const headers = (params.get('headers') ?? 'date').toLowerCase().split(/\s+/).filter(Boolean)
  return { keyId, algorithm: params.get('algorithm')?.toLowerCase() ?? null, headers, signature }
}

/** Why an incoming signed request is refused (401), before or after its key is known. */
export type SignatureProblem =
  | 'missing_signature'
  | 'malformed_signature'
  | 'unsupported_algorithm'
  | 'unsigned_headers'
  | 'bad_date'
  | 'stale_date'
  | 'bad_digest'
  | 'unknown_key'
  | 'bad_signature'
  | 'actor_mismatch'

export const SIGNATURE_PROBLEMS: Record<SignatureProblem, string> = {
  missing_signature: 'the request carries no Signature header',
  malformed_signature: 'the Signature header cannot be read',
  unsupported_algorithm: 'only rsa-sha256 (or hs2019 with an RSA key) signatures are accepted',
  unsigned_headers: `the signature must cover ${SIGNED_POST_HEADERS.join(' ')}`,
  bad_date: 'the Date header is missing or unreadable',
  stale_date: `the Date header is more than ${MAX_CLOCK_SKEW_MS / 60_000} minutes away from this server's clock`,
  bad_digest: 'the Digest header does not match the body',
  unknown_key: "the signing key could not be fetched from the sender's actor",
  bad_signature: 'the signature does not match the request',
  actor_mismatch: "the activity's actor is not the owner of the signing key",
}

/**
 * Checks what can be checked before the key is fetched: the header is readable, uses RSA-SHA256,
 * covers the target, host, date and digest, the Date is within the allowed skew of `now`, and the
 * Digest matches `body`. Returns the parsed signature, or the first problem.
 */
export function precheckSignedPost(
  request: SignableRequest,
  body: Uint8Array | string,
  now: Date,
): { ok: true; signature: ParsedSignature } | { ok: false; problem: SignatureProblem } {
  const raw = request.headers.signature
  if (!raw) return { ok: false, problem: 'missing_signature' }
  const signature = parseSignatureHeader(raw)
  if (!signature) return { ok: false, problem: 'malformed_signature' }
  if (signature.algorithm !== null && signature.algorithm !== 'rsa-sha256' && signature.algorithm !== 'hs2019') {
    return { ok: false, problem: 'unsupported_algorithm' }
  }
  if (!SIGNED_POST_HEADERS.every((h) => signature.headers.includes(h))) return { ok: false, problem: 'unsigned_headers' }
  const date = Date.parse(request.headers.date ?? '')
  if (Number.isNaN(date)) return { ok: false, problem: 'bad_date' }
  if (Math.abs(now.getTime() - date) > MAX_CLOCK_SKEW_MS) return { ok: false, problem: 'stale_date' }
  const digests = (request.headers.digest ?? '').split(',').map((d) => d.trim())
  const sha256 = digests.find((d) => /^sha-256=/i.test(d))
  if (!sha256 || sha256.slice('sha-256='.length) !== digestHeader(body).slice('SHA-256='.length)) return { ok: false, problem: 'bad_digest' }
  return { ok: true, signature }
}

/** Whether `signature` over `request` was made with the private half of `publicKeyPem`. */
export function verifySignature(request: SignableRequest, signature: ParsedSignature, publicKeyPem: string): boolean {
  const text = signingString(request, signature.headers)
  if (text === null) return false
  try {
    return createVerify('RSA-SHA256').update(text).verify(publicKeyPem, signature.signature, 'base64')
  } catch {
    // A key that does not parse verifies nothing.
    return false
  }
}
