import type { FC } from 'hono/jsx'
import { meterText } from '../domain/meter.ts'
import type { Page, ReviewSummary } from '../domain/records.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { Meter, Pagination, ReviewCard } from './components.tsx'
import { Layout, type Chrome } from './layout.tsx'

/** The ways readers browse reviews, as URL prefixes. */
export type BrowseFacet = 'country' | 'platform' | 'year' | 'meter' | 'tag' | 'people'
export type BrowseOrder = 'newest' | 'oldest' | 'meter' | 'title'

/** What each facet is called on index pages and in the kicker of its browse pages. */
export const FACET_TITLES: Record<BrowseFacet, (s: SiteSettings) => string> = {
  country: () => 'Countries',
  platform: () => 'Platforms',
  year: () => 'Years',
  meter: (s) => s.meter.name,
  tag: () => 'Tags',
  people: () => 'People',
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`
export const reviewCount = (n: number) => plural(n, 'review')

/** The heading of a browse page: "Reviews from South Korea", "Tagged thriller", "Keita Machida: 3 reviews". */
export function browseHeading(facet: BrowseFacet, name: string, total: number, settings: SiteSettings): string {
  switch (facet) {
    case 'country':
      return `Reviews from ${name}`
    case 'platform':
      return `Watched on ${name}`
    case 'year':
      return `Dramas from ${name}`
    case 'meter':
      return `Rated ${meterText(Number(name), settings.meter.max, settings.meter)}`
    case 'tag':
      return `Tagged ${name}`
    case 'people':
      return `${name}: ${reviewCount(total)}`
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

const SortLinks: FC<{ basePath: string; sort: BrowseOrder; settings: SiteSettings }> = ({ basePath, sort, settings }) => {
  const options: [BrowseOrder, string][] = [
    ['newest', 'Newest'],
    ['oldest', 'Oldest'],
    ['meter', 'Best first'],
    ['title', 'A–Z'],
  ]
  return (
    <nav class="sort-links" aria-label="Sort reviews">
      <span class="sort-label" id="sort-label">Sort</span>
      <ul aria-labelledby="sort-label">
        {options.map(([key, label]) => (
          <li>
            {key === sort ? (
              <span aria-current="true">{label}</span>
            ) : (
              <a href={browseHref(basePath, key, 1)} rel="nofollow" title={key === 'meter' ? `Best on the ${settings.meter.name} first` : undefined}>{label}</a>
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
  const basePath = `/${facet}/${encodeURIComponent(termKey)}`
  const heading = browseHeading(facet, termName, list.total, settings)
  const pageSuffix = list.page > 1 ? ` · page ${list.page}` : ''
  const allRoles = roles ? [...new Set(Object.values(roles).flatMap((r) => r.split(', ')))].join(' · ') : ''
  return (
    <Layout
      chrome={chrome}
      title={`${heading}${pageSuffix} · ${settings.name}`}
      description={`${heading}: ${reviewCount(list.total)} on ${settings.name}.`}
      canonicalPath={browseHref(basePath, sort, list.page)}
    >
      <div class="wrap">
        <header class="list-head browse-head">
          <div class="browse-title">
            <p class="kicker"><a href={`/${facet}`}>{FACET_TITLES[facet](settings)}</a></p>
            <h1>
              {heading}
              {list.page > 1 && <span class="browse-page-no">, page {list.page}</span>}
            </h1>
            {facet === 'meter' && (
              <p class="browse-meter">
                <Meter value={Number(termKey)} max={settings.meter.max} meter={settings.meter} size="large" />
              </p>
            )}
          </div>
          <p class="count">
            {facet === 'people' && allRoles ? allRoles : reviewCount(list.total)}
          </p>
        </header>
        {list.total > 1 && <SortLinks basePath={basePath} sort={sort} settings={settings} />}
        {list.items.length === 0 ? (
          <p class="empty">No reviews at this level yet.</p>
        ) : (
          <ul class="cards">
            {list.items.map((r, i) => (
              <ReviewCard review={r} meter={settings.meter} eager={i < 4} note={roles?.[r.slug] ?? null} />
            ))}
          </ul>
        )}
        <Pagination
          page={list.page}
          pageCount={list.pageCount}
          href={(n) => browseHref(basePath, sort, n)}
          prevLabel={sort === 'newest' ? 'Newer' : sort === 'oldest' ? 'Older' : 'Previous'}
          nextLabel={sort === 'newest' ? 'Older' : sort === 'oldest' ? 'Newer' : 'Next'}
        />
      </div>
    </Layout>
  )
}
