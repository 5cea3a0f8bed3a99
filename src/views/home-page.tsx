import type { FC } from 'hono/jsx'
import { translatorFor } from '../domain/i18n.ts'
import type { Page, ReviewSummary } from '../domain/records.ts'
import { pagedHref, Pagination, ReviewCard } from './components.tsx'
import { rich } from './format.ts'
import { Layout, type Chrome } from './layout.tsx'
import { SiteHead } from './social-head.tsx'

/** The home page: newest reviews first, paginated. */
export const HomePage: FC<{ chrome: Chrome; list: Page<ReviewSummary> }> = ({ chrome, list }) => {
  const { settings } = chrome
  const tr = translatorFor(settings.language)
  const { t } = tr
  const title = list.page > 1 ? t('home.titlePaged', { site: settings.name, page: list.page }) : settings.name
  const path = pagedHref('/', list.page)
  const head = <SiteHead settings={settings} title={title} description={settings.description} path={path} />
  return (
    <Layout chrome={chrome} title={title} description={settings.description} canonicalPath={path} head={head}>
      <div class="wrap">
        <div class="list-head">
          <h1>{list.page > 1 ? t('home.headingPaged', { page: list.page }) : t('home.heading')}</h1>
          <p class="count">{t('count.reviews', { count: list.total })}</p>
        </div>
        {list.items.length === 0 ? (
          <p class="empty">{rich(t('home.empty'), { command: <code>dramalog import</code> })}</p>
        ) : (
          <ul class="cards">
            {list.items.map((r, i) => (
              <ReviewCard tr={tr} review={r} meter={settings.meter} eager={i < 4} />
            ))}
          </ul>
        )}
        <Pagination tr={tr} page={list.page} pageCount={list.pageCount} href={(n) => pagedHref('/', n)} />
      </div>
    </Layout>
  )
}
