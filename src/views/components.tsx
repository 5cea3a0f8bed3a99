import { raw } from 'hono/html'
import type { FC } from 'hono/jsx'
import type { HtmlEscapedString } from 'hono/utils/html'
import { posterKey, posterVariantPath, POSTER_WIDTHS } from '../domain/media-paths.ts'
import { meterGoodness, meterText } from '../domain/meter.ts'
import { isSameLanguage, type Translator } from '../domain/i18n.ts'
import type { PosterImage, ReviewSummary } from '../domain/records.ts'
import type { MeterSettings } from '../domain/settings.ts'
import { factsLine } from './format.ts'

/** The signature rating as repeated symbols, with its value as accessible text. */
export const Meter: FC<{ tr: Translator; value: number; max: number; meter: MeterSettings; size?: 'small' | 'large' }> = ({ tr, value, max, meter, size }) => {
  const label = meterText(value, max, meter, tr)
  const good = meterGoodness(value, max, meter.direction)
  const mood = good >= 0.7 ? 'good' : good >= 0.4 ? 'mixed' : 'bad'
  return (
    <span class={`meter meter-${size ?? 'small'} meter-${mood}`} role="img" aria-label={label} title={`${meter.name}: ${label}`}>
      <span class="meter-on" aria-hidden="true">{meter.symbol.repeat(value)}</span>
      <span class="meter-off" aria-hidden="true">{meter.symbol.repeat(Math.max(0, max - value))}</span>
    </span>
  )
}

/** A poster with its AVIF, WebP and JPEG variants, fixed size and placeholder colour. */
export const Poster: FC<{ src: string; alt: string; image: PosterImage | null; sizes: string; eager?: boolean }> = (p) => {
  const key = posterKey(p.src)
  const srcset = (format: 'avif' | 'webp' | 'jpg') =>
    key ? POSTER_WIDTHS.map((w) => `${posterVariantPath(key, w, format)} ${w}w`).join(', ') : undefined
  const style = p.image?.color ? `background-color:${p.image.color}` : undefined
  return (
    <picture class="poster">
      {key && <source type="image/avif" srcset={srcset('avif')} sizes={p.sizes} />}
      {key && <source type="image/webp" srcset={srcset('webp')} sizes={p.sizes} />}
      <img
        src={p.src}
        srcset={srcset('jpg')}
        sizes={key ? p.sizes : undefined}
        alt={p.alt}
        width={p.image?.width ?? 600}
        height={p.image?.height ?? 900}
        loading={p.eager ? 'eager' : 'lazy'}
        decoding="async"
        style={style}
      />
    </picture>
  )
}

/** The address of page `n` of a list at `basePath` (`/` → `/page/2`, `/diary` → `/diary/page/2`); page 1 is the bare path. */
export const pagedHref = (basePath: string, n: number): string =>
  n <= 1 ? basePath : `${basePath === '/' ? '' : basePath}/page/${n}`

/** Previous / numbered / next links; page 1 is the bare path. Lists not sorted newest first name their steps. */
export const Pagination: FC<{ tr: Translator; page: number; pageCount: number; href: (page: number) => string; prevLabel?: string; nextLabel?: string }> = ({
  tr, page, pageCount, href, prevLabel = tr.t('pages.newer'), nextLabel = tr.t('pages.older'),
}) => {
  if (pageCount <= 1) return null
  const pages = Array.from({ length: pageCount }, (_, i) => i + 1).filter(
    (n) => n === 1 || n === pageCount || Math.abs(n - page) <= 2,
  )
  return (
    <nav class="pagination" aria-label={tr.t('pages.label')}>
      {page > 1 ? <a class="page-step" href={href(page - 1)} rel="prev">← {prevLabel}</a> : <span class="page-step" aria-hidden="true" />}
      <ol>
        {pages.map((n, i) => (
          <>
            {i > 0 && n - pages[i - 1]! > 1 && <li class="gap" aria-hidden="true">…</li>}
            <li>{n === page ? <span aria-current="page">{n}</span> : <a href={href(n)}>{n}</a>}</li>
          </>
        ))}
      </ol>
      {page < pageCount ? <a class="page-step" href={href(page + 1)} rel="next">{nextLabel} →</a> : <span class="page-step" aria-hidden="true" />}
    </nav>
  )
}

type CardProps = { tr: Translator; review: ReviewSummary; meter: MeterSettings; eager: boolean; note?: string | null }

// A review shows on many list pages (the home page, every sort and value of its facets): its card is
// rendered once per summary object and meter, and reused. The server reads fresh summaries for
// every page it renders, so there a card lives no longer than its page.
const renderedCards = new WeakMap<MeterSettings, WeakMap<ReviewSummary, Map<string, HtmlEscapedString>>>()

/** A review in a list (home and browse pages): poster, facts, title, headline, meter and date; `note` adds a line such as a person's role. */
export const ReviewCard: FC<CardProps> = (props) => {
  let bySummary = renderedCards.get(props.meter)
  if (!bySummary) renderedCards.set(props.meter, (bySummary = new WeakMap()))
  let byVariant = bySummary.get(props.review)
  if (!byVariant) bySummary.set(props.review, (byVariant = new Map()))
  const key = `${props.tr.lang}${props.eager ? 'e' : 'l'}${props.note ?? ''}`
  let html = byVariant.get(key)
  if (!html) byVariant.set(key, (html = raw(String(<CardView {...props} />))))
  return html
}

/** The `lang` of a review's own words in a list, when they are not in the site's language. */
export const summaryLang = (r: Pick<ReviewSummary, 'language'>, tr: Translator): string | undefined =>
  r.language && !isSameLanguage(r.language, tr.lang) ? r.language : undefined

const CardView: FC<CardProps> = ({ tr, review: r, meter, eager, note }) => (
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
        {note && <span class="card-note">{note}</span>}
        {r.headline && <span class="card-headline" lang={summaryLang(r, tr)}>{r.headline}</span>}
      </span>
    </a>
    <p class="card-foot">
      {r.meter && <Meter tr={tr} value={r.meter.value} max={r.meter.max} meter={meter} />}
      {r.firstWatch === false && <span class="badge">{tr.t('review.rewatch')}</span>}
      {r.reviewedOn && <time datetime={r.reviewedOn}>{tr.date(r.reviewedOn)}</time>}
    </p>
  </li>
)
