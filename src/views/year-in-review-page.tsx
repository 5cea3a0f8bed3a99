import type { Child, FC } from 'hono/jsx'
import type { CountBucket, YearSummary } from '../domain/diary.ts'
import { type Translator, translatorFor } from '../domain/i18n.ts'
import { meterText } from '../domain/meter.ts'
import type { MeterSettings } from '../domain/settings.ts'
import { Meter } from './components.tsx'
import { YearLinks } from './diary-page.tsx'
import { Layout, type Chrome } from './layout.tsx'

const MONTH_NUMBERS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const

/** How many bars a ranking shows before folding the rest into "Other". */
const TOP = 8

const pct = (n: number) => `${Number(n.toFixed(3))}%`

/** At most `TOP` bars: the leaders, then everything else summed. */
function topBuckets(buckets: readonly CountBucket[], { t }: Translator): CountBucket[] {
  // The bucket of entries without a value has the key '' and is named here, in the site's language.
  const named = buckets.map((b) => (b.key === '' ? { ...b, label: t('yir.unknown') } : b))
  if (named.length <= TOP) return named
  const head = named.slice(0, TOP - 1)
  const rest = named.slice(TOP - 1)
  return [...head, { key: '_other', label: t('yir.other', { count: rest.length }), count: rest.reduce((a, b) => a + b.count, 0) }]
}

/**
 * Upright bars, one per label, drawn in percentages of the width so the SVG fills any column
 * while its text keeps its real size. The data is also in the `<desc>` for screen readers.
 */
const ColumnChart: FC<{
  id: string
  title: string
  labels: readonly string[]
  /** One-letter labels for narrow screens, where the full ones would touch. */
  narrowLabels?: readonly string[]
  longLabels: readonly string[]
  values: readonly number[]
  height?: number
}> = ({ id, title, labels, narrowLabels, longLabels, values, height = 200 }) => {
  const top = 22
  const base = height - 28
  const most = Math.max(1, ...values)
  const slot = 100 / values.length
  const desc = values.map((v, i) => `${longLabels[i]}: ${v}`).join(', ')
  return (
    <svg class="chart-svg" width="100%" height={height} role="img" aria-labelledby={`${id}-t ${id}-d`}>
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{desc}</desc>
      {[0.5, 1].map((f) => (
        <line class="chart-grid" x1="0" x2="100%" y1={base - (base - top) * f} y2={base - (base - top) * f} />
      ))}
      {values.map((v, i) => {
        const h = v === 0 ? 0 : Math.max(3, ((base - top) * v) / most)
        const cx = pct((i + 0.5) * slot)
        return (
          <g class={v === 0 ? 'is-zero' : undefined}>
            {v > 0 && <rect class="chart-bar" x={pct((i + 0.16) * slot)} width={pct(slot * 0.68)} y={base - h} height={h} rx="3" />}
            <text class="chart-value" x={cx} y={base - h - 6} text-anchor="middle">{v > 0 ? v : ''}</text>
            <text class={`chart-label${narrowLabels ? ' is-wide-only' : ''}`} x={cx} y={height - 8} text-anchor="middle">{labels[i]}</text>
            {narrowLabels && <text class="chart-label is-narrow-only" x={cx} y={height - 8} text-anchor="middle">{narrowLabels[i]}</text>}
          </g>
        )
      })}
      <line class="chart-axis" x1="0" x2="100%" y1={base} y2={base} />
    </svg>
  )
}

/** A ranking as sideways bars, label above each bar and its count at the end of the row. */
const BarChart: FC<{ tr: Translator; id: string; title: string; buckets: readonly CountBucket[] }> = ({ tr, id, title, buckets }) => {
  const row = 46
  const shown = topBuckets(buckets, tr)
  const most = Math.max(1, ...shown.map((b) => b.count))
  const desc = shown.map((b) => `${b.label}: ${b.count}`).join(', ')
  return (
    <svg class="chart-svg" width="100%" height={shown.length * row} role="img" aria-labelledby={`${id}-t ${id}-d`}>
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{desc}</desc>
      {shown.map((b, i) => {
        const y = i * row
        return (
          <g class={b.key === '' || b.key === '_other' ? 'is-muted' : undefined}>
            <text class="chart-label chart-label-start" x="0" y={y + 17}>{b.label}</text>
            <text class="chart-value" x="100%" y={y + 17} text-anchor="end">{b.count}</text>
            <rect class="chart-track" x="0" y={y + 25} width="100%" height="10" rx="5" />
            <rect class="chart-bar" x="0" y={y + 25} width={pct(Math.max(1.5, (b.count / most) * 100))} height="10" rx="5" />
          </g>
        )
      })}
    </svg>
  )
}

const Stat: FC<{ value: string | number; label: string; accent?: boolean }> = ({ value, label, accent }) => (
  <li class={`yir-stat${accent ? ' is-accent' : ''}`}>
    <span class="yir-stat-value">{value}</span>
    <span class="yir-stat-label">{label}</span>
  </li>
)

const ChartCard: FC<{ id: string; heading: string; note?: string; size?: 'wide' | 'meter'; children?: Child }> = ({ id, heading, note, size, children }) => (
  <section class={`chart-card${size ? ` is-${size}` : ''}`} aria-labelledby={`${id}-h`}>
    <h2 id={`${id}-h`}>{heading}</h2>
    {note && <p class="chart-note">{note}</p>}
    {children}
  </section>
)

/** A year of watching in numbers and SVG charts; no JavaScript. */
export const YearInReviewPage: FC<{ chrome: Chrome; summary: YearSummary; years: number[] }> = ({ chrome, summary: s, years }) => {
  const { settings } = chrome
  const tr = translatorFor(settings.language)
  const { t } = tr
  const meter: MeterSettings = settings.meter
  const monthNames = MONTH_NUMBERS.map((m) => tr.longMonth(m))
  const monthShort = MONTH_NUMBERS.map((m) => tr.shortMonth(m))
  const avg = s.averageMeter
  const busiest = s.byMonth.indexOf(Math.max(...s.byMonth))
  const topCountry = s.byCountry.find((b) => b.key !== '')
  const lead = [
    t('yir.leadWatches', { watches: t('count.watches', { count: s.total }), year: String(s.year) }),
    s.total > 0 && s.byMonth[busiest]! > 0 ? t('yir.leadBusiest', { month: monthNames[busiest]! }) : null,
    topCountry ? t('yir.leadCountry', { country: topCountry.label }) : null,
  ]
    .filter(Boolean)
    .join(t('yir.leadJoin'))
  return (
    <Layout
      chrome={chrome}
      title={t('yir.title', { year: String(s.year), site: settings.name })}
      description={t('yir.description', { lead, author: settings.author, year: String(s.year) })}
      canonicalPath={`/diary/${s.year}`}
    >
      <div class="wrap yir">
        <p class="yir-back"><a href="/diary">← {t('diary.heading')}</a></p>
        <header class="yir-head">
          <div>
            <p class="kicker">{t('yir.kicker')}</p>
            <h1>{t('yir.heading', { year: String(s.year) })}</h1>
            <p class="yir-lead">{t('yir.leadSentence', { lead })}</p>
          </div>
          <YearLinks tr={tr} years={years} current={s.year} label={t('yir.allYears')} />
        </header>

        <ul class="yir-stats">
          <Stat value={tr.number(s.total)} label={t('yir.statWatches', { count: s.total })} accent />
          <Stat value={tr.number(s.byStatus.finished)} label={t('yir.statFinished', { count: s.byStatus.finished })} />
          <Stat value={tr.number(s.episodes)} label={t('yir.statEpisodes', { count: s.episodes })} />
          <Stat value={tr.number(s.rewatches)} label={t('yir.statRewatches', { count: s.rewatches })} />
          {s.byStatus.watching > 0 && <Stat value={tr.number(s.byStatus.watching)} label={t('yir.statWatching', { count: s.byStatus.watching })} />}
          {s.byStatus.dropped > 0 && <Stat value={tr.number(s.byStatus.dropped)} label={t('yir.statDropped', { count: s.byStatus.dropped })} />}
        </ul>

        <div class="chart-grid-layout">
          <ChartCard
            id="by-month"
            heading={t('yir.byMonth')}
            size="wide"
            note={s.byMonth[busiest]! > 0 ? t('yir.busiest', { month: monthNames[busiest]!, watches: t('count.watches', { count: s.byMonth[busiest]! }) }) : undefined}
          >
            <ColumnChart
              id="by-month-chart"
              title={t('yir.byMonthTitle', { year: String(s.year) })}
              labels={monthShort}
              narrowLabels={tr.lang === 'en' ? monthShort.map((m) => m.slice(0, 1)) : MONTH_NUMBERS.map(String)}
              longLabels={monthNames}
              values={s.byMonth}
              height={250}
            />
          </ChartCard>

          <ChartCard id="meter" size="meter" heading={t('yir.average', { meter: meter.name })} note={avg ? t(meter.direction === 'lower-is-better' ? 'yir.ratedLower' : 'yir.ratedHigher', { count: avg.rated }) : undefined}>
            {avg ? (
              <>
                <p class="yir-average">
                  <span class="yir-average-value">{avg.value.toFixed(1)}</span>
                  <span class="yir-average-max">/ {avg.max}</span>
                </p>
                <Meter tr={tr} value={Math.round(avg.value)} max={avg.max} meter={meter} size="large" />
                <p class="visually-hidden">{t('yir.averageText', { level: meterText(avg.value, avg.max, meter, tr) })}</p>
                <ColumnChart
                  id="meter-chart"
                  title={t('yir.meterChart', { meter: meter.name })}
                  labels={s.meterSpread.map((_, i) => String(i))}
                  longLabels={s.meterSpread.map((_, i) => meterText(i, avg.max, meter, tr))}
                  values={s.meterSpread}
                  height={150}
                />
              </>
            ) : (
              <p class="chart-empty">{t('yir.noneRated')}</p>
            )}
          </ChartCard>

          <ChartCard id="by-country" heading={t('yir.byCountry')}>
            <BarChart tr={tr} id="by-country-chart" title={t('yir.byCountryTitle', { year: String(s.year) })} buckets={s.byCountry} />
          </ChartCard>

          <ChartCard id="by-platform" heading={t('yir.byPlatform')}>
            <BarChart tr={tr} id="by-platform-chart" title={t('yir.byPlatformTitle', { year: String(s.year) })} buckets={s.byPlatform} />
          </ChartCard>
        </div>
      </div>
    </Layout>
  )
}
