import type { FC } from 'hono/jsx'
import { type MessageKey, type Translator, translatorFor } from '../domain/i18n.ts'
import { meterText } from '../domain/meter.ts'
import type { Page, ReviewSummary } from '../domain/records.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { Meter, Pagination, ReviewCard } from './components.tsx'
import { Layout, type Chrome } from './layout.tsx'

/** The ways readers browse reviews, as URL prefixes. */
export type BrowseFacet = 'country' | 'platform' | 'year' | 'meter' | 'tag' | 'people'
export type BrowseOrder = 'newest' | 'oldest' | 'meter' | 'title'

/** What each facet is called on index pages and in the kicker of its browse pages. */
const FACET_KEYS: Record<Exclude<BrowseFacet, 'meter'>, MessageKey> = {
  country: 'nav.countries',
  platform: 'nav.platforms',
  year: 'browse.years',
  tag: 'nav.tags',
  people: 'browse.people',
}

/** What a facet is called on index pages and in the kicker of its browse pages; the meter's is its own name. */
export const facetTitle = (facet: BrowseFacet, settings: SiteSettings): string =>
  facet === 'meter' ? settings.meter.name : translatorFor(settings.language).t(FACET_KEYS[facet])

/** The heading of a browse page: "Reviews from South Korea", "Tagged thriller", "Keita Machida: 3 reviews". */
export function browseHeading(facet: BrowseFacet, name: string, total: number, settings: SiteSettings): string {
  const { t } = translatorFor(settings.language)
  switch (facet) {
    case 'country':
      return t('browse.fromCountry', { name })
    case 'platform':
      return t('browse.onPlatform', { name })
    case 'year':
      return t('browse.fromYear', { name })
    case 'meter':
      return t('browse.rated', { level: meterText(Number(name), settings.meter.max, settings.meter, { t }) })
    case 'tag':
      return t('browse.tagged', { name })
    case 'people':
      return t('browse.person', { name, reviews: t('count.reviews', { count: total }) })
  }
}

/**
 * The address of a browse page with its sort and page, as paths (`/tag/thriller/sort/title/page/2`)
 * so a static copy of the site can hold every one of them as a file; defaults are left out, so
 * page 1 newest is the bare path.
 */
export function browseHref(basePath: string, sort: BrowseOrder, page: number): string {
  return `${basePath}${sort === 'newest' ? '' : `/sort/${sort}`}${page > 1 ? `/page/${page}` : ''}`
}

const SortLinks: FC<{ tr: Translator; basePath: string; sort: BrowseOrder; settings: SiteSettings }> = ({ tr: { t }, basePath, sort, settings }) => {
  const options: [BrowseOrder, string][] = [
    ['newest', t('sort.newest')],
    ['oldest', t('sort.oldest')],
    ['meter', t('sort.best')],
    ['title', t('sort.title')],
  ]
  return (
    <nav class="sort-links" aria-label={t('sort.label')}>
      <span class="sort-label" id="sort-label">{t('sort.sort')}</span>
      <ul aria-labelledby="sort-label">
        {options.map(([key, label]) => (
          <li>
            {key === sort ? (
              <span aria-current="true">{label}</span>
            ) : (
              <a href={browseHref(basePath, key, 1)} rel="nofollow" title={key === 'meter' ? t('sort.bestTitle', { meter: settings.meter.name }) : undefined}>{label}</a>
            )}
          </li>
        ))}
      </ul>
    </nav>
  )
}

/**
 * One browse page (`/country/kr`, `/tag/thriller`, `/people/keita-machida`…): a heading, the count,
 * sort links and the same review cards as the home page. `roles` holds a person's role in each review.
 */
export const BrowsePage: FC<{
  chrome: Chrome
  facet: BrowseFacet
  termKey: string
  termName: string
  sort: BrowseOrder
  list: Page<ReviewSummary>
  roles: Record<string, string> | null
}> = ({ chrome, facet, termKey, termName, sort, list, roles }) => {
  const { settings } = chrome
  const tr = translatorFor(settings.language)
  const { t } = tr
  const basePath = `/${facet}/${encodeURIComponent(termKey)}`
  const heading = browseHeading(facet, termName, list.total, settings)
  const pageSuffix = list.page > 1 ? ` · ${t('browse.pageN', { page: list.page })}` : ''
  const allRoles = roles ? [...new Set(Object.values(roles).flatMap((r) => r.split(', ')))].join(' · ') : ''
  return (
    <Layout
      chrome={chrome}
      title={`${heading}${pageSuffix} · ${settings.name}`}
      description={t('browse.description', { heading, reviews: t('count.reviews', { count: list.total }), site: settings.name })}
      canonicalPath={browseHref(basePath, sort, list.page)}
    >
      <div class="wrap">
        <header class="list-head browse-head">
          <div class="browse-title">
            <p class="kicker"><a href={`/${facet}`}>{facetTitle(facet, settings)}</a></p>
            <h1>
              {heading}
              {list.page > 1 && <span class="browse-page-no">{t('browse.pageSuffix', { page: list.page })}</span>}
            </h1>
            {facet === 'meter' && (
              <p class="browse-meter">
                <Meter tr={tr} value={Number(termKey)} max={settings.meter.max} meter={settings.meter} size="large" />
              </p>
            )}
          </div>
          <p class="count">
            {facet === 'people' && allRoles ? allRoles : t('count.reviews', { count: list.total })}
          </p>
        </header>
        {list.total > 1 && <SortLinks tr={tr} basePath={basePath} sort={sort} settings={settings} />}
        {list.items.length === 0 ? (
          <p class="empty">{t('browse.empty')}</p>
        ) : (
          <ul class="cards">
            {list.items.map((r, i) => (
              <ReviewCard tr={tr} review={r} meter={settings.meter} eager={i < 4} note={roles?.[r.slug] ?? null} />
            ))}
          </ul>
        )}
        <Pagination
          tr={tr}
          page={list.page}
          pageCount={list.pageCount}
          href={(n) => browseHref(basePath, sort, n)}
          prevLabel={t(sort === 'newest' ? 'pages.newer' : sort === 'oldest' ? 'pages.older' : 'pages.previous')}
          nextLabel={t(sort === 'newest' ? 'pages.older' : sort === 'oldest' ? 'pages.newer' : 'pages.next')}
        />
      </div>
    </Layout>
  )
}
