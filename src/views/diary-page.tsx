import type { FC } from 'hono/jsx'
import { diaryDate, episodeProgress, episodesSeen, type DiaryEntry, type DiaryStatus } from '../domain/diary.ts'
import { type MessageKey, type Translator, translatorFor } from '../domain/i18n.ts'
import type { Page } from '../domain/records.ts'
import type { MeterSettings } from '../domain/settings.ts'
import { Meter, pagedHref, Pagination } from './components.tsx'
import { rich } from './format.ts'
import { Layout, type Chrome } from './layout.tsx'

/** `2025-03` of a date. */
const monthKey = (iso: string) => iso.slice(0, 7)

/** What each status is called. */
export const STATUS_KEYS: Readonly<Record<DiaryStatus, MessageKey>> = {
  watching: 'diary.status.watching',
  finished: 'diary.status.finished',
  dropped: 'diary.status.dropped',
  planned: 'diary.status.planned',
}

/**
 * A watch's dates in few words: `3–20 March 2025`, `28 February – 2 March 2025`, `Since 3 March 2025`.
 * English folds a shared month and year into the end date; other languages write both dates out.
 */
export function formatWatchDates(e: Pick<DiaryEntry, 'startedOn' | 'finishedOn' | 'status'>, tr: Translator): string | null {
  const { startedOn: s, finishedOn: f } = e
  const { t } = tr
  if (s && f) {
    if (s === f) return tr.date(f)
    if (tr.lang !== 'en' || s.slice(0, 4) !== f.slice(0, 4)) return t('diary.range', { from: tr.date(s), to: tr.date(f) })
    if (monthKey(s) === monthKey(f)) return `${Number(s.slice(8, 10))}–${tr.date(f)}`
    return t('diary.range', { from: tr.dayMonth(s), to: tr.date(f) })
  }
  if (s) return t(e.status === 'watching' ? 'diary.since' : 'diary.started', { date: tr.date(s) })
  if (f) return t('diary.finishedOn', { date: tr.date(f) })
  return null
}

/** The coloured status pill. */
export const StatusBadge: FC<{ tr: Translator; status: DiaryStatus }> = ({ tr, status }) => (
  <span class={`status-badge status-${status}`}>{tr.t(STATUS_KEYS[status])}</span>
)

/** Episodes seen of the total as a bar, with the numbers in words beside it. */
export const EpisodeProgress: FC<{ tr: Translator; entry: DiaryEntry }> = ({ tr: { t }, entry }) => {
  const seen = episodesSeen(entry)
  const share = episodeProgress(entry)
  const total = entry.episodesTotal
  if (seen === null && total === null) return null
  const words =
    total === null
      ? t('diary.episodes', { count: seen! })
      : seen === null
        ? t('diary.episodes', { count: total })
        : t('diary.episodesOf', { seen, count: total })
  return (
    <div class="episode-progress">
      {share !== null && seen !== null && (
        <span class="progress-track" aria-hidden="true">
          <span class={`progress-fill${share >= 1 ? ' is-complete' : ''}`} style={`width:${(share * 100).toFixed(1)}%`} />
        </span>
      )}
      <span class="progress-text">{words}</span>
    </div>
  )
}

/** The title, linked to its review when readers can see that review. */
const EntryTitle: FC<{ entry: DiaryEntry; level: 'h3' | 'span' }> = ({ entry, level }) => {
  const inner = entry.review?.published ? <a href={`/reviews/${encodeURIComponent(entry.review.slug)}`}>{entry.title}</a> : entry.title
  return level === 'h3' ? <h3 class="diary-title">{inner}</h3> : <span class="diary-title">{inner}</span>
}

const facts = (e: DiaryEntry) => [e.origin, e.platform].filter(Boolean).join(' · ')

const DiaryItem: FC<{ tr: Translator; entry: DiaryEntry; meter: MeterSettings }> = ({ tr, entry: e, meter }) => {
  const filed = diaryDate(e)
  const dates = formatWatchDates(e, tr)
  return (
    <li class={`diary-entry is-${e.status}`}>
      <div class="diary-tile" aria-hidden="true">
        <span class="diary-tile-day">{Number(filed.slice(8, 10))}</span>
        <span class="diary-tile-month">{tr.shortMonth(Number(filed.slice(5, 7)))}</span>
      </div>
      <div class="diary-body">
        <div class="diary-heading">
          <EntryTitle entry={e} level="h3" />
          <span class="diary-badges">
            <StatusBadge tr={tr} status={e.status} />
            {e.rewatch && <span class="status-badge status-rewatch">{tr.t('review.rewatch')}</span>}
          </span>
        </div>
        {(facts(e) || dates) && (
          <p class="diary-facts">
            {dates && <span class="diary-dates">{dates}</span>}
            {facts(e) && <span>{facts(e)}</span>}
          </p>
        )}
        <EpisodeProgress tr={tr} entry={e} />
        {e.note && <p class="diary-note">{e.note}</p>}
        {(e.meter || e.review?.published) && (
          <p class="diary-foot">
            {e.meter && <Meter tr={tr} value={e.meter.value} max={e.meter.max} meter={meter} />}
            {e.review?.published && (
              <a class="diary-review-link" href={`/reviews/${encodeURIComponent(e.review.slug)}`}>
                {rich(tr.t('lists.readReview'), { title: <span class="visually-hidden">{tr.t('lists.readReviewOf', { title: e.review.title })}</span> })} →
              </a>
            )}
          </p>
        )}
      </div>
    </li>
  )
}

/** Entries grouped under the month they are filed in, keeping their order. */
export function groupByMonth(entries: readonly DiaryEntry[], tr: Translator): { key: string; label: string; entries: DiaryEntry[] }[] {
  const groups: { key: string; label: string; entries: DiaryEntry[] }[] = []
  for (const e of entries) {
    const key = monthKey(diaryDate(e))
    const last = groups.at(-1)
    if (last?.key === key) last.entries.push(e)
    else groups.push({ key, label: tr.monthYear(diaryDate(e)), entries: [e] })
  }
  return groups
}

/** The watchlist: what is next, numbered. */
export const Watchlist: FC<{ tr: Translator; entries: DiaryEntry[] }> = ({ tr, entries }) => (
  <section class="watchlist" aria-labelledby="watchlist-h">
    <h2 id="watchlist-h">{tr.t('diary.status.planned')} <span class="watchlist-count">{entries.length}</span></h2>
    <ol>
      {entries.map((e) => (
        <li>
          <EntryTitle entry={e} level="span" />
          {facts(e) && <span class="watchlist-facts">{facts(e)}</span>}
          {e.note && <span class="watchlist-note">{e.note}</span>}
        </li>
      ))}
    </ol>
  </section>
)

/** Links to each year's review. */
export const YearLinks: FC<{ tr: Translator; years: number[]; current?: number; label?: string }> = ({ tr, years, current, label = tr.t('yir.kicker') }) =>
  years.length === 0 ? null : (
    <nav class="year-links" aria-label={label}>
      <span class="year-links-label">{label}</span>
      <ul>
        {years.map((y) => (
          <li>{y === current ? <span aria-current="page">{y}</span> : <a href={`/diary/${y}`}>{y}</a>}</li>
        ))}
      </ul>
    </nav>
  )

/** The public watch diary: watches newest first, grouped by month, with the watchlist beside them. */
export const DiaryPage: FC<{ chrome: Chrome; list: Page<DiaryEntry>; watchlist: DiaryEntry[]; years: number[] }> = ({
  chrome, list, watchlist, years,
}) => {
  const { settings } = chrome
  const tr = translatorFor(settings.language)
  const { t } = tr
  const heading = list.page > 1 ? t('diary.headingPaged', { page: list.page }) : t('diary.heading')
  return (
    <Layout
      chrome={chrome}
      title={`${heading} · ${settings.name}`}
      description={t('diary.description', { author: settings.author })}
      canonicalPath={pagedHref('/diary', list.page)}
    >
      <div class="wrap diary">
        <header class="diary-head">
          <div>
            <h1>{heading}</h1>
            <p class="count">
              {t('count.watches', { count: list.total })}
              {watchlist.length > 0 && ` · ${t('diary.upNextCount', { count: watchlist.length })}`}
            </p>
          </div>
          <YearLinks tr={tr} years={years} />
        </header>
        <div class={`diary-layout${watchlist.length ? ' has-aside' : ''}`}>
          <div class="diary-main">
            {list.items.length === 0 ? (
              <p class="empty">{t('diary.empty')}</p>
            ) : (
              groupByMonth(list.items, tr).map((g) => (
                <section class="diary-month" aria-labelledby={`m-${g.key}`}>
                  <h2 id={`m-${g.key}`} class="diary-month-h">{g.label}</h2>
                  <ol class="diary-list">
                    {g.entries.map((e) => (
                      <DiaryItem tr={tr} entry={e} meter={settings.meter} />
                    ))}
                  </ol>
                </section>
              ))
            )}
            <Pagination tr={tr} page={list.page} pageCount={list.pageCount} href={(n) => pagedHref('/diary', n)} />
          </div>
          {watchlist.length > 0 && (
            <aside class="diary-aside">
              <Watchlist tr={tr} entries={watchlist} />
            </aside>
          )}
        </div>
      </div>
    </Layout>
  )
}
