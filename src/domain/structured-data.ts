import type { ReviewRecord } from './records.ts'
import type { SiteSettings } from './settings.ts'

/** The settings that structured data and social tags read; `baseUrl` is the resolved public address, if any. */
export type PublicSite = Pick<SiteSettings, 'name' | 'description' | 'author' | 'meter' | 'baseUrl'>

/**
 * Resolves a site path against a public base address, keeping any path prefix of the base;
 * absolute http(s) addresses come back as they are.
 * @example absoluteUrl('https://example.org/blog', '/reviews/a') // 'https://example.org/blog/reviews/a'
 */
export function absoluteUrl(baseUrl: string, pathOrUrl: string): string {
  if (/^[a-z][a-z\d+.-]*:/i.test(pathOrUrl)) return new URL(pathOrUrl).href
  const rel = pathOrUrl.replace(/^\/+/, '')
  // Paths of plain segments (what slugs make) resolve to the base followed by the path: skip the
  // parser, which a sitemap of ten thousand reviews would otherwise call ten thousand times.
  if (/^[\w\-~%/]*$/.test(rel)) {
    let base = bases.get(baseUrl)
    if (base === undefined) bases.set(baseUrl, (base = new URL(baseUrl.replace(/\/?$/, '/')).href))
    return base + rel
  }
  return new URL(rel, baseUrl.replace(/\/?$/, '/')).href
}
const bases = new Map<string, string>()

/** The site path of a review page. */
export function reviewPath(slug: string): string {
  return `/reviews/${encodeURIComponent(slug)}`
}

/** `Title – Headline`, or the title alone. */
export function reviewTitle(doc: Pick<ReviewRecord['doc'], 'title' | 'headline'>): string {
  return doc.headline ? `${doc.title} – ${doc.headline}` : doc.title
}

/** When a review went out: its publication time, else its review date, else when it was stored. */
export function reviewPublishedAt(record: Pick<ReviewRecord, 'doc' | 'createdAt'>): string {
  return record.doc.publishedAt ?? record.doc.reviewedOn ?? record.createdAt
}

/** The name a review is signed with; falls back to the site's author, then to the site itself. */
export function reviewAuthor(record: Pick<ReviewRecord, 'doc'>, site: Pick<SiteSettings, 'name' | 'author'>): { name: string; isPerson: boolean } {
  const name = record.doc.author?.trim() || site.author.trim()
  return name ? { name, isPerson: true } : { name: site.name, isPerson: false }
}

/** A page-absolute address when the base is known, else the root-relative path (JSON-LD resolves it against the page). */
function addressOf(site: PublicSite, pathOrUrl: string): string {
  return site.baseUrl ? absoluteUrl(site.baseUrl, pathOrUrl) : pathOrUrl
}

/**
 * The schema.org `Rating` of a meter value. Schema.org ratings read "higher is better", so a
 * lower-is-better meter (the Facepalm Meter) is turned around: 2 of 5 facepalms becomes 3 on a
 * 0–5 scale where 5 is best. A higher-is-better meter passes through unchanged.
 */
export function meterRating(value: number, max: number, meter: Pick<SiteSettings['meter'], 'name' | 'direction'>) {
  const lowerIsBetter = meter.direction === 'lower-is-better'
  return {
    '@type': 'Rating',
    ratingValue: lowerIsBetter ? max - value : value,
    bestRating: max,
    worstRating: 0,
    name: `${meter.name}: ${value} of ${max}${lowerIsBetter ? ' (lower is better)' : ''}`,
  }
}

/** The schema.org `Review` of a review page: a season of a `TVSeries`, or a `Movie` when there is no season. */
export function reviewStructuredData(record: ReviewRecord, site: PublicSite): Record<string, unknown> {
  const d = record.doc
  const image = d.poster?.src ? addressOf(site, d.poster.src) : undefined
  const sameAs = d.links.flatMap((l) => (l.url ? [l.url] : []))
  const work: Record<string, unknown> = {
    '@type': d.season === null ? 'Movie' : 'TVSeries',
    name: d.title,
    ...(d.nativeTitle && { alternateName: d.nativeTitle }),
    ...(d.origin && { countryOfOrigin: { '@type': 'Country', name: d.origin } }),
    ...(image && { image }),
    ...(sameAs.length > 0 && { sameAs }),
  }
  if (d.season === null) {
    if (d.year !== null) work.datePublished = String(d.year)
  } else {
    // The year on a review is the reviewed season's year, so it dates the season, not the series.
    work.containsSeason = {
      '@type': 'CreativeWorkSeason',
      seasonNumber: d.season,
      ...(d.year !== null && { datePublished: String(d.year) }),
      ...(d.episodes !== null && { numberOfEpisodes: d.episodes }),
    }
  }
  const author = reviewAuthor(record, site)
  return {
    '@context': 'https://schema.org',
    '@type': 'Review',
    name: reviewTitle(d),
    url: addressOf(site, reviewPath(d.slug)),
    itemReviewed: work,
    ...(d.meter && { reviewRating: meterRating(d.meter.value, d.meter.max, site.meter) }),
    author: { '@type': author.isPerson ? 'Person' : 'Organization', name: author.name },
    datePublished: reviewPublishedAt(record),
    dateModified: record.updatedAt,
    publisher: { '@type': 'Organization', name: site.name, ...(site.baseUrl && { url: absoluteUrl(site.baseUrl, '/') }) },
    ...((d.hook ?? d.headline) && { reviewBody: d.hook ?? d.headline }),
    ...(image && { image }),
    ...(d.tags.length > 0 && { keywords: d.tags.join(', ') }),
    inLanguage: 'en',
  }
}

const SCRIPT_UNSAFE: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' }

/**
 * JSON for a `<script type="application/ld+json">` block. `<`, `>` and `&` can only occur inside
 * JSON strings, where their \u escapes mean the same, so no title can close the script element
 * (`</script>`) or open a comment; U+2028/2029 are escaped for old JavaScript parsers.
 */
export function serializeJsonLd(data: unknown): string {
  return JSON.stringify(data).replace(/[<>&\u2028\u2029]/g, (ch) => SCRIPT_UNSAFE[ch]!)
}

/** One `<meta>` tag: OpenGraph tags use `property`, Twitter tags `name`. */
export type MetaTag = { property: string; content: string } | { name: string; content: string }

/**
 * OpenGraph and Twitter card tags of a review page. OpenGraph wants absolute addresses, so
 * `og:url` and a site-relative `og:image` appear only when the site's public address is known.
 */
export function reviewSocialMeta(record: ReviewRecord, site: PublicSite): MetaTag[] {
  const d = record.doc
  const title = reviewTitle(d)
  const description = d.hook ?? d.headline ?? site.description
  const image = d.poster?.src && (site.baseUrl || /^https?:/i.test(d.poster.src)) ? addressOf(site, d.poster.src) : null
  const alt = d.poster?.alt ?? `Poster for ${d.title}`
  const tags: MetaTag[] = [
    { property: 'og:type', content: 'article' },
    { property: 'og:title', content: title },
    { property: 'og:description', content: description },
    { property: 'og:site_name', content: site.name },
  ]
  if (site.baseUrl) tags.push({ property: 'og:url', content: absoluteUrl(site.baseUrl, reviewPath(d.slug)) })
  if (image) {
    tags.push({ property: 'og:image', content: image })
    if (record.posterImage) {
      tags.push({ property: 'og:image:width', content: String(record.posterImage.width) })
      tags.push({ property: 'og:image:height', content: String(record.posterImage.height) })
    }
    tags.push({ property: 'og:image:alt', content: alt })
  }
  tags.push({ property: 'article:published_time', content: reviewPublishedAt(record) })
  tags.push({ property: 'article:modified_time', content: record.updatedAt })
  for (const tag of d.tags) tags.push({ property: 'article:tag', content: tag })
  tags.push({ name: 'twitter:card', content: image ? 'summary_large_image' : 'summary' })
  tags.push({ name: 'twitter:title', content: title })
  tags.push({ name: 'twitter:description', content: description })
  if (image) {
    tags.push({ name: 'twitter:image', content: image })
    tags.push({ name: 'twitter:image:alt', content: alt })
  }
  return tags
}

/** OpenGraph and Twitter card tags of a site-wide page such as the home page. */
export function siteSocialMeta(site: PublicSite, page: { title: string; description: string; path: string }): MetaTag[] {
  const tags: MetaTag[] = [
    { property: 'og:type', content: 'website' },
    { property: 'og:title', content: page.title },
    { property: 'og:description', content: page.description },
    { property: 'og:site_name', content: site.name },
  ]
  if (site.baseUrl) tags.push({ property: 'og:url', content: absoluteUrl(site.baseUrl, page.path) })
  tags.push({ name: 'twitter:card', content: 'summary' })
  tags.push({ name: 'twitter:title', content: page.title })
  tags.push({ name: 'twitter:description', content: page.description })
  return tags
}
