import { FEED_TYPES, type FeedFormat } from '../formats/feeds.ts'
import type { BrowseSort, Facet } from '../services/browse.ts'
import { SITE_FEED_PATHS, type FeedScope } from '../services/feeds.ts'
import { browseHref } from '../views/browse-page.tsx'
import { pagedHref } from '../views/components.tsx'

/**
 * One file of the static site to render, named by the site path the server answers it at. Jobs are
 * plain data, so they can be handed to worker threads.
 */
export type PageJob =
  | { kind: 'review'; path: string; id: number }
  | { kind: 'home'; path: string; page: number }
  | { kind: 'browse'; path: string; facet: Facet; key: string; sort: BrowseSort; page: number }
  | { kind: 'index'; path: string; facet: Facet }
  | { kind: 'diary'; path: string; page: number }
  | { kind: 'year'; path: string; year: number }
  | { kind: 'lists'; path: string }
  | { kind: 'list'; path: string; slug: string }
  | { kind: 'feed'; path: string; scope: FeedScope; format: FeedFormat }
  | { kind: 'sitemap'; path: string }
  | { kind: 'robots'; path: string }
  | { kind: 'not-found'; path: string }
  | { kind: 'search'; path: string }

export const reviewJob = (id: number, slug: string): PageJob => ({ kind: 'review', path: `/reviews/${encodeURIComponent(slug)}`, id })
export const homeJob = (page: number): PageJob => ({ kind: 'home', path: pagedHref('/', page), page })
export const browseJob = (facet: Facet, key: string, sort: BrowseSort, page: number): PageJob => ({
  kind: 'browse', path: browseHref(`/${facet}/${encodeURIComponent(key)}`, sort, page), facet, key, sort, page,
})
export const indexJob = (facet: Facet): PageJob => ({ kind: 'index', path: `/${facet}`, facet })
export const diaryJob = (page: number): PageJob => ({ kind: 'diary', path: pagedHref('/diary', page), page })
export const yearJob = (year: number): PageJob => ({ kind: 'year', path: `/diary/${year}`, year })
export const listsJob = (): PageJob => ({ kind: 'lists', path: '/lists' })
export const listJob = (slug: string): PageJob => ({ kind: 'list', path: `/lists/${encodeURIComponent(slug)}`, slug })

/** The site-wide feeds, and the Atom feed of a tag or a country, at the paths the server uses. */
export function feedJobs(scope: FeedScope): PageJob[] {
  if (scope.kind === 'site') return (Object.keys(SITE_FEED_PATHS) as FeedFormat[]).map((format) => ({ kind: 'feed', path: SITE_FEED_PATHS[format], scope, format }))
  const prefix = scope.kind === 'tag' ? `/tag/${encodeURIComponent(scope.slug)}` : `/country/${scope.code.toLowerCase()}`
  return [{ kind: 'feed', path: `${prefix}/feed.xml`, scope, format: 'atom' }]
}

/** The media type a job's file is served with (what the server sends for the same path). */
export function contentTypeOf(job: PageJob): string {
  switch (job.kind) {
    case 'feed':
      return FEED_TYPES[job.format]
    case 'sitemap':
      return 'application/xml; charset=utf-8'
    case 'robots':
      return 'text/plain; charset=utf-8'
    default:
      return 'text/html; charset=utf-8'
  }
}
