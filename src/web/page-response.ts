import type { Context } from 'hono'
import { NotFoundError } from '../domain/errors.ts'
import type { Site } from '../services/site.ts'
import { PageCache } from './page-cache.ts'

/**
 * Sets the validators of a cached response (ETag; Last-Modified from the last content change) and
 * says whether the reader's copy is current. If-None-Match wins over If-Modified-Since (RFC 9110).
 */
function isFresh(c: Context<any>, etag: string, updatedAt: Date | null): boolean {
  c.header('ETag', etag)
  c.header('Cache-Control', 'public, max-age=0, must-revalidate')
  if (updatedAt) c.header('Last-Modified', updatedAt.toUTCString())
  const tags = c.req.header('If-None-Match')
  if (tags) return tags.trim() === '*' || tags.split(',').some((t) => t.trim() === etag)
  const since = c.req.header('If-Modified-Since')
  if (!since || !updatedAt) return false
  const t = Date.parse(since)
  return !Number.isNaN(t) && Math.floor(updatedAt.getTime() / 1000) <= Math.floor(t / 1000)
}

/**
 * Serves a public page from the cache, rendering it on a miss; answers 304 when the reader has it.
 * `path` is the page's canonical path (the cache key), for addresses that have other spellings.
 */
export type PageResponder = (c: Context<any>, render: () => Promise<string>, path?: string) => Promise<Response>

/** One page cache for a site's public pages, keyed on canonical path and content version. */
export function pageResponder(site: Site): PageResponder {
  const cache = new PageCache()
  return async function respond(c, render, path = c.req.path) {
    const { version, updatedAt } = await site.contentStamp()
    // Query strings are not in the key: pages read none but the ones their routes turned into `path`.
    const page = cache.get(version, path) ?? cache.set(version, path, 200, await render())
    if (isFresh(c, page.etag, updatedAt)) return c.body(null, 304)
    return c.html(page.html, page.status as 200)
  }
}

/** Serves a public non-HTML body (feeds, sitemap) from the cache under `key`; answers 304 when the reader has it. */
export type BodyResponder = (c: Context<any>, key: string, contentType: string, render: () => Promise<string>) => Promise<Response>

/**
 * One cache for a site's public non-HTML bodies, invalidated by content version like pages. The
 * key must hold everything the body depends on (path, and the public address when it comes from
 * the request), so one reader's Host header never shapes what another is served.
 */
export function bodyResponder(site: Site): BodyResponder {
  const cache = new PageCache()
  return async function respondWithBody(c, key, contentType, render) {
    const { version, updatedAt } = await site.contentStamp()
    const body = cache.get(version, key) ?? cache.set(version, key, 200, await render())
    c.header('Content-Type', contentType)
    if (isFresh(c, body.etag, updatedAt)) return c.body(null, 304)
    return c.body(body.html, 200)
  }
}

/** A page number from an address (`/page/2`, `?page=2`); absent is page 1, anything else a page that does not exist. */
export function pageNumber(raw: string | undefined): number {
  if (raw === undefined) return 1
  if (!/^[1-9]\d{0,5}$/.test(raw)) throw new NotFoundError('page', raw)
  return Number(raw)
}
