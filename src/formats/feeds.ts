import { Feed, type Item } from 'feed'
import { translatorFor } from '../domain/i18n.ts'
import { paragraphsOf, type ShowList } from '../domain/lists.ts'
import { meterText } from '../domain/meter.ts'
import type { ReviewRecord } from '../domain/records.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { slugify } from '../domain/slug.ts'
import { absoluteUrl, reviewAuthor, reviewPath, reviewPublishedAt, reviewTitle } from '../domain/structured-data.ts'

/** What feed text needs of the settings: the meter, and the language of its interface words (English when not given). */
export type FeedSettings = Pick<SiteSettings, 'meter'> & Partial<Pick<SiteSettings, 'language'>>

export type FeedFormat = 'atom' | 'rss' | 'json'

/** The media type each feed format is served with. */
export const FEED_TYPES: Record<FeedFormat, string> = {
  atom: 'application/atom+xml; charset=utf-8',
  rss: 'application/rss+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
}

/** Everything a feed is built from: no I/O happens past this point. */
export type FeedSource = {
  settings: Pick<SiteSettings, 'name' | 'description' | 'author' | 'meter'> & Partial<Pick<SiteSettings, 'language'>>
  /** Absolute public address of the site; every link in the feed is made absolute against it. */
  baseUrl: string
  /** What the feed narrows the site to ("#thriller", "Japan"), or null for the whole site. */
  label: string | null
  /** The HTML page that shows what this feed carries (`/`, `/tag/thriller`). */
  homePath: string
  /** Site paths of this feed in each format that exists; the format being built is its self link. */
  feedPaths: Partial<Record<FeedFormat, string>>
  /** Newest first. */
  records: ReviewRecord[]
  /** Published lists the feed also carries (the site-wide feeds), each an entry of its own beside the reviews. */
  lists?: ShowList[]
  /** The feed's update time when it has no items (the newest item's otherwise). */
  emptyUpdated: Date
}

// XML 1.0 forbids most C0 controls, U+FFFE/U+FFFF and lone surrogates; a stray one from pasted text would make the whole feed unreadable.
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
const clean = (s: string) => s.replace(NOT_XML, '')

export const escapeHtml = (s: string) => clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

// The `feed` package splits only the first "]]>" of a CDATA section; in HTML ">" and "&gt;" read the same, so none is left.
const cdataSafeHtml = (html: string) => clean(html).replace(/]]>/g, ']]&gt;')

// The `feed` package escapes "&" in attributes but not "<", which XML forbids there.
const attributeSafe = (s: string) => clean(s).replace(/</g, '\uff1c')

const IMAGE_TYPES: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', avif: 'image/avif', gif: 'image/gif' }

/** Makes the site-relative `href` and `src` attributes of stored HTML absolute: feed readers have no page to resolve them against. */
function absolutizeHtml(html: string, baseUrl: string): string {
  return html.replace(/\b(href|src)="(\/(?!\/)[^"]*)"/g, (_, attr: string, path: string) => `${attr}="${escapeHtml(absoluteUrl(baseUrl, path.replace(/&amp;/g, '&')))}"`)
}

/**
 * The body of a review as feed readers show it: poster, hook, meter as text, facts, intro, and
 * every section under its `Aspect – Verdict` heading. Spoiler sections carry a warning, since
 * readers drop the page's fold-out.
 */
export function reviewFeedHtml(record: ReviewRecord, settings: FeedSettings, baseUrl: string): string {
  const d = record.doc
  const { t } = translatorFor(settings.language)
  const parts: string[] = []
  if (d.poster?.src) {
    const size = record.posterImage ? ` width="${record.posterImage.width}" height="${record.posterImage.height}"` : ''
    parts.push(`<p><img src="${escapeHtml(absoluteUrl(baseUrl, d.poster.src))}" alt="${escapeHtml(d.poster.alt ?? t('review.posterAlt', { title: d.title }))}"${size}></p>`)
  }
  if (d.poster?.credit) parts.push(`<p><small>${escapeHtml(d.poster.credit)}</small></p>`)
  if (d.hook) parts.push(`<p><em>${escapeHtml(d.hook)}</em></p>`)
  if (d.meter) {
    const level = t('index.level', { value: d.meter.value, max: d.meter.max })
    const direction = t(settings.meter.direction === 'lower-is-better' ? 'feed.meterLower' : 'feed.meterHigher', { level: meterText(d.meter.value, d.meter.max, settings.meter, { t }) })
    parts.push(
      `<p><strong>${escapeHtml(settings.meter.name)}: ${escapeHtml(level)}</strong> ` +
        `<span aria-hidden="true">${escapeHtml(settings.meter.symbol.repeat(d.meter.value))}</span> ` +
        `${escapeHtml(direction)}</p>`,
    )
  }
  const facts = [
    d.nativeTitle,
    d.year === null ? null : String(d.year),
    d.origin,
    d.season === null ? null : t('review.seasonN', { season: d.season }),
    d.platform,
    d.firstWatch === null ? null : d.firstWatch ? t('review.firstWatch') : t('review.rewatch'),
  ].filter((f): f is string => !!f)
  if (facts.length) parts.push(`<p>${facts.map(escapeHtml).join(' · ')}</p>`)
  if (record.introHtml) parts.push(absolutizeHtml(record.introHtml, baseUrl))
  d.sections.forEach((s, i) => {
    parts.push(`<h2>${escapeHtml(s.verdict ? `${s.aspect} – ${s.verdict}` : s.aspect)}</h2>`)
    if (s.score !== null) parts.push(`<p><strong>${escapeHtml(t('review.score'))} ${s.score}${s.scoreMax === null ? '' : `/${s.scoreMax}`}</strong></p>`)
    if (s.spoiler) parts.push(`<p><strong>${escapeHtml(t('feed.spoilerLabel'))}</strong> ${escapeHtml(t('feed.spoiler'))}</p>`)
    parts.push(absolutizeHtml(record.sectionHtml[i] ?? '', baseUrl))
  })
  return cdataSafeHtml(parts.join('\n'))
}

function imageEnclosure(url: string) {
  const ext = /\.([a-z\d]+)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase() ?? ''
  return { url, type: IMAGE_TYPES[ext] ?? 'image/jpeg', length: 0 }
}

function feedItem(record: ReviewRecord, source: FeedSource, format: FeedFormat): Item {
  const d = record.doc
  const link = absoluteUrl(source.baseUrl, reviewPath(d.slug))
  const author = clean(reviewAuthor(record, source.settings).name)
  const title = clean(reviewTitle(d))
  // Atom marks title and summary as HTML, and RSS readers treat them as HTML: escape there, not in JSON.
  const asHtml = format !== 'json'
  const summary = d.hook ?? d.headline
  const item: Item = {
    title: asHtml ? escapeHtml(title) : title,
    link,
    date: new Date(record.updatedAt),
    published: new Date(reviewPublishedAt(record)),
    content: reviewFeedHtml(record, source.settings, source.baseUrl),
    category: d.tags.map((t) => (format === 'atom' ? { name: attributeSafe(t), term: slugify(t) || attributeSafe(t) } : { name: clean(t) })),
  }
  // RSS keeps the link as a permalink guid; Atom and JSON Feed need an id.
  if (format !== 'rss') item.id = link
  if (summary) item.description = asHtml ? escapeHtml(summary) : clean(summary)
  // RSS's <author> must be an email address; a name goes in dc:creator (the package declares xmlns:dc).
  if (format === 'rss') item.extensions = [{ name: 'dc:creator', objects: { _text: author } }]
  else item.author = [{ name: author }]
  if (d.poster?.src) item.image = format === 'rss' ? imageEnclosure(absoluteUrl(source.baseUrl, d.poster.src)) : absoluteUrl(source.baseUrl, d.poster.src)
  return item
}

/** A list's address. */
const listPath = (slug: string) => `/lists/${encodeURIComponent(slug)}`

/**
 * The body of a list as feed readers show it: its description, then its shows in order (numbered
 * when ranked), each linked to its review while that is published, with its note.
 */
export function listFeedHtml(list: ShowList, baseUrl: string): string {
  const parts = paragraphsOf(list.description).map((p) => `<p>${escapeHtml(p)}</p>`)
  const tag = list.ranked ? 'ol' : 'ul'
  const items = list.entries.map((e) => {
    const s = e.review?.summary
    const title = escapeHtml(s?.title ?? e.title)
    const named = s ? `<a href="${escapeHtml(absoluteUrl(baseUrl, reviewPath(s.slug)))}">${title}</a>` : title
    const facts = [s?.year ?? e.year, s?.origin ?? e.origin].filter((f) => f !== null && f !== undefined).map(String)
    const note = e.note ? `<br>${escapeHtml(e.note).replace(/\n/g, '<br>')}` : ''
    return `<li><strong>${named}</strong>${facts.length ? ` (${escapeHtml(facts.join(', '))})` : ''}${note}</li>`
  })
  if (items.length) parts.push(`<${tag}>\n${items.join('\n')}\n</${tag}>`)
  return cdataSafeHtml(parts.join('\n'))
}

function listFeedItem(list: ShowList, source: FeedSource, format: FeedFormat): Item {
  const link = absoluteUrl(source.baseUrl, listPath(list.slug))
  const asHtml = format !== 'json'
  const title = clean(list.title)
  const author = clean(source.settings.author.trim() || source.settings.name)
  const summary = paragraphsOf(list.description)[0] ?? null
  const listCategory = translatorFor(source.settings.language).t('feed.list')
  const item: Item = {
    title: asHtml ? escapeHtml(title) : title,
    link,
    date: new Date(list.updatedAt),
    published: new Date(list.publishedAt ?? list.createdAt),
    content: listFeedHtml(list, source.baseUrl),
    category: [format === 'atom' ? { name: listCategory, term: 'list' } : { name: listCategory }],
  }
  if (format !== 'rss') item.id = link
  if (summary) item.description = asHtml ? escapeHtml(summary) : clean(summary)
  if (format === 'rss') item.extensions = [{ name: 'dc:creator', objects: { _text: author } }]
  else item.author = [{ name: author }]
  return item
}

/**
 * A feed of reviews in one format: Atom 1.0, RSS 2.0 or JSON Feed 1.1 (the `feed` package writes
 * JSON Feed 1.0; its output is lifted to 1.1 here: version, `authors`, `language`).
 */
export function buildFeed(source: FeedSource, format: FeedFormat): string {
  const { settings } = source
  const abs = (path: string) => absoluteUrl(source.baseUrl, path)
  const title = clean(source.label ? `${settings.name} · ${source.label}` : settings.name)
  const selfPath = source.feedPaths[format]
  const newest = [...source.records, ...(source.lists ?? [])].reduce<Date | null>((max, r) => {
    const t = new Date(r.updatedAt)
    return max === null || t > max ? t : max
  }, null)
  const author = clean(settings.author.trim() || settings.name)
  const feedLinks: Record<string, string> = {}
  for (const [f, path] of Object.entries(source.feedPaths)) if (path) feedLinks[f] = abs(path)
  const feed = new Feed({
    id: abs(selfPath ?? source.homePath),
    title,
    description: clean(source.label ? translatorFor(settings.language).t('feed.scoped', { site: settings.name, label: source.label }) : settings.description),
    link: abs(source.homePath),
    language: settings.language ?? 'en',
    updated: newest ?? source.emptyUpdated,
    generator: 'Dramalog',
    feedLinks,
    author: { name: author, link: abs('/') },
    copyright: `© ${clean(settings.name)}`,
  })
  // Reviews and lists newest first by publication, as one stream.
  const items = [
    ...source.records.map((r) => ({ at: reviewPublishedAt(r), item: () => feedItem(r, source, format) })),
    ...(source.lists ?? []).map((l) => ({ at: l.publishedAt ?? l.createdAt, item: () => listFeedItem(l, source, format) })),
  ]
  if (source.lists?.length) items.sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime())
  for (const i of items) feed.addItem(i.item())
  if (format === 'atom') return feed.atom1()
  if (format === 'rss') return feed.rss2()
  const json = JSON.parse(feed.json1()) as Record<string, unknown> & { items: Record<string, unknown>[] }
  json.version = 'https://jsonfeed.org/version/1.1'
  json.language = settings.language ?? 'en'
  json.authors = [json.author]
  for (const item of json.items) if (item.author) item.authors = [item.author]
  return JSON.stringify(json, null, 2)
}
