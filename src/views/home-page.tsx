import type { FC } from 'hono/jsx'
import type { Page, ReviewSummary } from '../domain/records.ts'
import type { MeterSettings } from '../domain/settings.ts'
import { Meter, Pagination, Poster } from './components.tsx'
import { factsLine, formatDate } from './format.ts'
import { Layout, type Chrome } from './layout.tsx'

const ReviewCard: FC<{ review: ReviewSummary; meter: MeterSettings; eager: boolean }> = ({ review: r, meter, eager }) => (
  <li class="card">
    <a class="card-link" href={`/reviews/${encodeURIComponent(r.slug)}`}>
      {r.poster ? (
        <Poster src={r.poster.src} alt="" image={r.poster.image} sizes="(min-width: 60rem) 15rem, 45vw" eager={eager} />
      ) : (
        <span class="poster poster-empty" aria-hidden="true">{r.title.slice(0, 1)}</span>
      )}
      <span class="card-body">
        <span class="card-facts">{factsLine(r)}</span>
        <span class="card-title">
          {r.title}
          {r.season ? <span class="card-season"> · S{r.season}</span> : null}
        </span>
        {r.nativeTitle && <span class="card-native" lang="und">{r.nativeTitle}</span>}
        {r.headline && <span class="card-headline">{r.headline}</span>}
      </span>
    </a>
    <p class="card-foot">
      {r.meter && <Meter value={r.meter.value} max={r.meter.max} meter={meter} />}
      {r.firstWatch === false && <span class="badge">Rewatch</span>}
      {r.reviewedOn && <time datetime={r.reviewedOn}>{formatDate(r.reviewedOn)}</time>}
    </p>
  </li>
)

/** The home page: newest reviews first, paginated. */
export const HomePage: FC<{ chrome: Chrome; list: Page<ReviewSummary> }> = ({ chrome, list }) => {
  const { settings } = chrome
  const title = list.page > 1 ? `${settings.name} · page ${list.page}` : settings.name
  return (
    <Layout chrome={chrome} title={title} description={settings.description} canonicalPath={list.page > 1 ? `/?page=${list.page}` : '/'}>
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
        <Pagination page={list.page} pageCount={list.pageCount} href={(n) => (n === 1 ? '/' : `/?page=${n}`)} />
      </div>
    </Layout>
  )
}
