import { hasFilters, isUsefulSearch, parseSearch, type SearchFilterOptions, type SearchPage, type SearchRequest } from '../domain/search.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { listSearchFilterOptions } from '../store/search.ts'
import { searchIndexFor } from '../store/search-index.ts'
import { getSiteSettings } from '../store/settings.ts'
import type { Site } from './site.ts'

export type SearchPageData = {
  settings: SiteSettings
  request: SearchRequest
  options: SearchFilterOptions
  /** Null when there is nothing to search for yet: no usable words and no filter. */
  results: SearchPage | null
  /** The reader typed something, but nothing in it can be searched for (only punctuation, only exclusions). */
  isUnusableText: boolean
}

// The filter choices change only with the content, so they are kept per site and content version.
const optionsCache = new WeakMap<Site, { version: number; options: Promise<SearchFilterOptions> }>()

function filterOptions(site: Site, version: number): Promise<SearchFilterOptions> {
  const cached = optionsCache.get(site)
  if (cached?.version === version) return cached.options
  const options = listSearchFilterOptions(site.db)
  optionsCache.set(site, { version, options })
  options.catch(() => optionsCache.delete(site))
  return options
}

/** Searches published reviews; text that asks for nothing gives the "type something" state, not an error. */
export async function searchReviews(site: Site, request: SearchRequest): Promise<SearchPageData> {
  const [settings, { version }] = await Promise.all([getSiteSettings(site.db), site.contentStamp()])
  const options = await filterOptions(site, version)
  const isUseful = isUsefulSearch(parseSearch(request.q))
  const base = { settings, request, options, isUnusableText: request.q !== '' && !isUseful }
  if (!isUseful && !hasFilters(request.filters)) return { ...base, results: null }
  const results = await searchIndexFor(site.db).search(site.db, {
    text: isUseful ? request.q : '',
    filters: request.filters,
    page: request.page,
    perPage: settings.perPage,
  })
  return { ...base, results }
}
