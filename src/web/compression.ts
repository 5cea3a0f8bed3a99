import { brotliCompress, constants, gzip } from 'node:zlib'
import { promisify } from 'node:util'
import type { MiddlewareHandler } from 'hono'

const brotli = promisify(brotliCompress)
const gz = promisify(gzip)
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml|atom\+xml|rss\+xml|feed\+json|ld\+json))/
const MIN_BYTES = 1024

/**
 * Compresses text responses with brotli or gzip, whichever the reader accepts. Responses with an
 * ETag are compressed once per ETag and encoding and kept, so a cached page costs no compression.
 */
export function compression(maxEntries = 2000): MiddlewareHandler {
  const kept = new Map<string, Uint8Array<ArrayBuffer>>()
  return async function compress(c, next) {
    await next()
    const res = c.res
    const type = res.headers.get('content-type') ?? ''
    if (res.status !== 200 || !res.body || res.headers.has('content-encoding') || !COMPRESSIBLE.test(type)) return
    const accepted = c.req.header('accept-encoding') ?? ''
    const encoding = /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : null
    res.headers.append('Vary', 'Accept-Encoding')
    if (!encoding) return
    const etag = res.headers.get('etag')
    const key = etag ? `${encoding} ${c.req.path} ${etag}` : null
    let body: Uint8Array<ArrayBuffer> | undefined = key ? kept.get(key) : undefined
    if (!body) {
      const raw = new Uint8Array(await res.clone().arrayBuffer())
      if (raw.byteLength < MIN_BYTES) return
      body = new Uint8Array(
        encoding === 'br'
          ? await brotli(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: raw.byteLength } })
          : await gz(raw, { level: 6 }),
      )
      if (key) {
        if (kept.size >= maxEntries) kept.delete(kept.keys().next().value!)
        kept.set(key, body)
      }
    }
    const headers = new Headers(res.headers)
    headers.set('Content-Encoding', encoding)
    headers.set('Content-Length', String(body.byteLength))
    c.res = new Response(body, { status: res.status, headers })
  }
}
