import { countryByCode } from '../domain/countries.ts'
import { NotFoundError } from '../domain/errors.ts'
import type { ShowList } from '../domain/lists.ts'
import type { ReviewRecord } from '../domain/records.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { reviewPath, reviewPublishedAt } from '../domain/structured-data.ts'
import type { FeedFormat } from '../formats/feeds.ts'
import type { SitemapPage } from '../formats/sitemap.ts'
import { findTagNameBySlug, latestDiaryChange, listFeedReviewIds, listPublishedForSitemap, type FeedFilter } from '../store/feeds.ts'
import { listFullLists, listListSummaries } from '../store/lists.ts'
import { findReviewRows, loadRecords } from '../store/reviews.ts'
import { getSiteSettings } from '../store/settings.ts'
import type { Site } from './site.ts'

/** How many reviews a feed carries. */
export const FEED_SIZE = 30

/** Which reviews a feed is about: the whole site, one tag (by slug) or one country (alpha-2, any case). */
export type FeedScope = { kind: 'site' } | { kind: 'tag'; slug: string } | { kind: 'country'; code: string }

/** A feed's data, ready for `buildFeed` once the public address is known. */
export type FeedData = {
  settings: SiteSettings
  label: string | null
  homePath: string
  feedPaths: Partial<Record<FeedFormat, string>>
  records: ReviewRecord[]
  /** Published lists, in the site-wide feeds only. */
  lists: ShowList[]
}

/** The site paths of the site-wide feeds. */
export const SITE_FEED_PATHS = { atom: '/feed.xml', rss: '/rss.xml', json: '/feed.json' } as const satisfies Record<FeedFormat, string>

/**
 * Loads the newest published reviews of a feed's scope. A tag that no published review carries
 * is not found (its name must not leak from drafts); a known country with no reviews yet gives
 * an empty feed.
 */
export async function loadFeed(site: Site, scope: FeedScope): Promise<FeedData> {
  const settings = await getSiteSettings(site.db)
  let filter: FeedFilter = {}
  let label: string | null = null
  let homePath = '/'
  let feedPaths: FeedData['feedPaths'] = SITE_FEED_PATHS
  if (scope.kind === 'tag') {
    const name = await findTagNameBySlug(site.db, scope.slug)
    if (name === undefined) throw new NotFoundError('tag', scope.slug)
    filter = { tagSlug: scope.slug }
    label = `#${name}`
    homePath = `/tag/${encodeURIComponent(scope.slug)}`
    feedPaths = { atom: `${homePath}/feed.xml` }
  } else if (scope.kind === 'country') {
    const country = /^[a-z]{2}$/i.test(scope.code) ? countryByCode(scope.code) : undefined
    if (!country) throw new NotFoundError('country', scope.code)
    filter = { originCode: country.code }
    label = country.name
    homePath = `/country/${country.code.toLowerCase()}`
    feedPaths = { atom: `${homePath}/feed.xml` }
  }
  const ids = await listFeedReviewIds(site.db, filter, FEED_SIZE)
  if (scope.kind === 'tag' && ids.length === 0) throw new NotFoundError('tag', scope.slug)
  // Published between the two queries and unpublished again: leave it out rather than fail.
  let records = (await loadRecords(site.db, await findReviewRows(site.db, ids))).filter((r) => r.doc.status === 'published')
  // A published list is news on the site as a review is: the site-wide feeds carry both, the
  // newest FEED_SIZE of them together. Tag and country feeds stay reviews only.
  let lists: ShowList[] = []
  if (scope.kind === 'site') {
    lists = await listFullLists(site.db, 'published', FEED_SIZE)
    if (lists.length) {
      const dated = [...records.map((r) => reviewPublishedAt(r)), ...lists.map((l) => l.publishedAt ?? l.createdAt)].sort().reverse()
      const cutoff = dated[Math.min(FEED_SIZE, dated.length) - 1]!
      records = records.filter((r) => reviewPublishedAt(r) >= cutoff)
      lists = lists.filter((l) => (l.publishedAt ?? l.createdAt) >= cutoff)
    }
  }
  return { settings, label, homePath, feedPaths, records, lists }
}

/**
 * The pages a sitemap lists: home, every published review, the diary, the published lists. `published` (newest first)
 * saves the query when the caller has read the reviews already.
 */
export async function loadSitemap(site: Site, published?: readonly { slug: string; updatedAt: string }[]): Promise<{ settings: SiteSettings; pages: SitemapPage[] }> {
  const [settings, reviews, diary, lists]: [SiteSettings, readonly { slug: string; updatedAt: string }[], string | null, { slug: string; updatedAt: string }[]] = await Promise.all([
    getSiteSettings(site.db),
    published ?? listPublishedForSitemap(site.db),
    latestDiaryChange(site.db),
    listListSummaries(site.db),
  ])
  const newest = reviews.reduce<string | null>((max, r) => (max === null || r.updatedAt > max ? r.updatedAt : max), null)
  const pages: SitemapPage[] = [
    { path: '/', lastmod: newest },
    ...reviews.map((r) => ({ path: reviewPath(r.slug), lastmod: r.updatedAt })),
    { path: '/diary', lastmod: diary },
    ...(lists.length ? [{ path: '/lists', lastmod: lists.reduce((max, l) => (l.updatedAt > max ? l.updatedAt : max), '') }] : []),
    ...lists.map((l) => ({ path: `/lists/${encodeURIComponent(l.slug)}`, lastmod: l.updatedAt })),
  ]
  return { settings, pages }
}

/** The settings, for the bodies that need nothing else (robots.txt). */
export async function loadPublicSettings(site: Site): Promise<SiteSettings> {
  return getSiteSettings(site.db)
}
