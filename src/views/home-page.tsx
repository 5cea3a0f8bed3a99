import type { FC } from 'hono/jsx'
import type { Page, ReviewSummary } from '../domain/records.ts'
import { pagedHref, Pagination, ReviewCard } from './components.tsx'
import { Layout, type Chrome } from './layout.tsx'
import { SiteHead } from './social-head.tsx'

/** The home page: newest reviews first, paginated. */
export const HomePage: FC<{ chrome: Chrome; list: Page<ReviewSummary> }> = ({ chrome, list }) => {
  const { settings } = chrome
  const title = list.page > 1 ? `${settings.name} · page ${list.page}` : settings.name
  const path = pagedHref('/', list.page)
  const head = <SiteHead settings={settings} title={title} description={settings.description} path={path} />
  return (
    <Layout chrome={chrome} title={title} description={settings.description} canonicalPath={path} head={head}>
      <div class="wrap">
        <div class="list-head">
          <h1>{list.page > 1 ? `Latest reviews, page ${list.page}` : 'Latest reviews'}</h1>
          <p class="count">{list.total === 1 ? '1 review' : `${list.total} reviews`}</p>
        </div>
        {list.items.length === 0 ? (
          <p class="empty">No reviews yet. Import some with <code>dramalog import</code>.</p>
        ) : (
          <ul class="cards">
            {list.items.map((r, i) => (
              <ReviewCard review={r} meter={settings.meter} eager={i < 4} />
            ))}
          </ul>
        )}
        <Pagination page={list.page} pageCount={list.pageCount} href={(n) => pagedHref('/', n)} />
      </div>
    </Layout>
  )
}
