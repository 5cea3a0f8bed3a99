import { createHash } from 'node:crypto'

export type CachedPage = { status: number; html: string; etag: string }

/**
 * Rendered pages keyed by path and content version: a read is a map lookup, and any write to the
 * site (which bumps the version) makes every older entry unreachable.
 */
export class PageCache {
  private entries = new Map<string, CachedPage>()
  private version = -1

  constructor(private readonly maxEntries = 5000) {}

  get(version: number, key: string): CachedPage | undefined {
    if (version !== this.version) {
      this.entries.clear()
      this.version = version
    }
    return this.entries.get(key)
  }

  set(version: number, key: string, status: number, html: string): CachedPage {
    const etag = `W/"${version.toString(36)}-${createHash('sha1').update(html).digest('base64url').slice(0, 16)}"`
    const page = { status, html, etag }
    if (version !== this.version) return page
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
    this.entries.set(key, page)
    return page
  }
}
