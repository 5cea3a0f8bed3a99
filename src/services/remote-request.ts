import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { isLoopbackAddress, isNonPublicAddress } from '../domain/activitypub.ts'
import { DramalogError } from '../domain/errors.ts'

// Requests to other servers on the say-so of strangers (an actor address in a signature, an inbox
// in an actor document) must not reach this machine or its private network. The address a host
// name resolves to is checked inside the connection's own lookup, so a name that resolves to a
// public address when checked and a private one when connecting cannot slip through.

/** Which remote addresses may be reached. `allowLoopback` is for servers on one machine (development, tests). */
export type RemotePolicy = { allowLoopback: boolean }

/** Thrown when an address may not be reached (`refused`: trying again will not help), cannot be reached, or answers with too much. */
export class RemoteRequestError extends DramalogError {
  override name = 'RemoteRequestError' as const
  constructor(message: string, options?: { cause?: unknown; refused?: boolean }) {
    super('invalid_input', message, options)
    this.refused = options?.refused ?? false
  }
  readonly refused: boolean
}

const refusal = (message: string) => new RemoteRequestError(message, { refused: true })

export type RemoteResponse = { status: number; headers: http.IncomingHttpHeaders; body: string; url: string }

const TIMEOUT_MS = 10_000
const MAX_BODY_BYTES = 1_000_000
const MAX_REDIRECTS = 3

/** Whether a host name (no port) names this machine: `localhost`, 127.0.0.0/8 or ::1. */
export const isLoopbackName = (host: string) => host === 'localhost' || isLoopbackAddress(host.replace(/^\[|\]$/g, ''))

/**
 * Checks an address before any connection: https only, except http to a loopback host when the
 * policy allows loopback; no credentials in it; and a literal IP address must be a public one
 * (Node connects to those without a lookup).
 */
export function checkRemoteUrl(raw: string, policy: RemotePolicy): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw refusal(`"${raw}" is not an address`)
  }
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const loopback = isLoopbackName(host)
  if (url.username || url.password) throw refusal(`${url.origin}: addresses with credentials are refused`)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowLoopback && loopback)) {
    throw refusal(`${url.href}: only https addresses are fetched${policy.allowLoopback ? ' (http only on this machine)' : ''}`)
  }
  if (loopback && !policy.allowLoopback) throw refusal(`${url.host} is this machine; it is not fetched`)
  if (isIP(host) && isNonPublicAddress(host) && !(policy.allowLoopback && loopback)) throw refusal(`${url.host} is a private address; it is not fetched`)
  return url
}

/** A DNS lookup that fails for names resolving to any non-public address (loopback allowed by policy). */
function guardedLookup(policy: RemotePolicy): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: (...args: any[]) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err)
      const bad = addresses.find((a) => isNonPublicAddress(a.address) && !(policy.allowLoopback && isLoopbackAddress(a.address)))
      if (bad || addresses.length === 0) return callback(refusal(`${hostname} resolves to ${bad?.address ?? 'nothing'}; it is not fetched`))
      if (options.all) return callback(null, addresses)
      callback(null, addresses[0]!.address, addresses[0]!.family)
    })
  }
}

/**
 * One HTTP request to another server under the policy, following up to three redirects for a GET
 * (each checked again). Resolves with the status and body (at most 1 MB, 10 s); only network and
 * policy failures reject.
 */
export async function remoteRequest(
  raw: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  policy: RemotePolicy,
): Promise<RemoteResponse> {
  let target = raw
  for (let hop = 0; ; hop++) {
    const url = checkRemoteUrl(target, policy)
    const response = await requestOnce(url, init, policy)
    const location = response.headers.location
    if (init.method === 'GET' && response.status >= 300 && response.status < 400 && typeof location === 'string') {
      if (hop >= MAX_REDIRECTS) throw new RemoteRequestError(`${raw}: too many redirects`)
      target = new URL(location, url).href
      continue
    }
    return response
  }
}

function requestOnce(url: URL, init: { method: string; headers: Record<string, string>; body?: string }, policy: RemotePolicy): Promise<RemoteResponse> {
  const client = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      { method: init.method, headers: { 'user-agent': 'Dramalog (+ActivityPub)', ...init.headers }, lookup: guardedLookup(policy), timeout: TIMEOUT_MS },
      (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_BODY_BYTES) {
            req.destroy(new RemoteRequestError(`${url.href}: the answer is larger than ${MAX_BODY_BYTES} bytes`))
            return
          }
          chunks.push(chunk)
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), url: url.href }))
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new RemoteRequestError(`${url.href}: no answer within ${TIMEOUT_MS / 1000} s`)))
    req.on('error', (err) => reject(err instanceof RemoteRequestError ? err : new RemoteRequestError(`${url.href}: ${err.message}`, { cause: err })))
    req.end(init.body)
  })
}
