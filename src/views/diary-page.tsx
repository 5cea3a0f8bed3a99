import type { FC } from 'hono/jsx'
import { DIARY_STATUS_LABELS, diaryDate, episodeProgress, episodesSeen, type DiaryEntry, type DiaryStatus } from '../domain/diary.ts'
import type { Page } from '../domain/records.ts'
import type { MeterSettings } from '../domain/settings.ts'
import { Meter, pagedHref, Pagination } from './components.tsx'
import { formatDate } from './format.ts'
import { Layout, type Chrome } from './layout.tsx'

const utc = (iso: string) => new Date(`${iso.slice(0, 10)}T00:00:00Z`)
const DAY_MONTH = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', timeZone: 'UTC' })
const MONTH_YEAR = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' })
const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const

/** `2025-03` of a date. */
const monthKey = (iso: string) => iso.slice(0, 7)

/** `March 2025`. */
export const formatMonth = (iso: string): string => MONTH_YEAR.format(utc(iso))

/** A watch's dates in few words: `3–20 March 2025`, `28 February – 2 March 2025`, `Since 3 March 2025`. */
export function formatWatchDates(e: Pick<DiaryEntry, 'startedOn' | 'finishedOn' | 'status'>): string | null {
  const { startedOn: s, finishedOn: f } = e
  if (s && f) {
    if (s === f) return formatDate(f)
    if (s.slice(0, 4) !== f.slice(0, 4)) return `${formatDate(s)} – ${formatDate(f)}`
    if (monthKey(s) === monthKey(f)) return `${Number(s.slice(8, 10))}–${formatDate(f)}`
    return `${DAY_MONTH.format(utc(s))} – ${formatDate(f)}`
  }
  if (s) return `${e.status === 'watching' ? 'Since' : 'Started'} ${formatDate(s)}`
  if (f) return `Finished ${formatDate(f)}`
  return null
}

/** The coloured status pill. */
export const StatusBadge: FC<{ status: DiaryStatus }> = ({ status }) => (
  <span class={`status-badge status-${status}`}>{DIARY_STATUS_LABELS[status]}</span>
)

/** Episodes seen of the total as a bar, with the numbers in words beside it. */
export const EpisodeProgress: FC<{ entry: DiaryEntry }> = ({ entry }) => {
  const seen = episodesSeen(entry)
  const share = episodeProgress(entry)
  const total = entry.episodesTotal
  if (seen === null && total === null) return null
  const words =
    total === null
      ? `${seen} episode${seen === 1 ? '' : 's'}`
      : seen === null
        ? `${total} episode${total === 1 ? '' : 's'}`
        : `${seen} of ${total} episode${total === 1 ? '' : 's'}`
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

const DiaryItem: FC<{ entry: DiaryEntry; meter: MeterSettings }> = ({ entry: e, meter }) => {
  const filed = diaryDate(e)
  const dates = formatWatchDates(e)
  return (
    <li class={`diary-entry is-${e.status}`}>
      <div class="diary-tile" aria-hidden="true">
        <span class="diary-tile-day">{Number(filed.slice(8, 10))}</span>
        <span class="diary-tile-month">{SHORT_MONTHS[Number(filed.slice(5, 7)) - 1]}</span>
      </div>
      <div class="diary-body">
        <div class="diary-heading">
          <EntryTitle entry={e} level="h3" />
          <span class="diary-badges">
            <StatusBadge status={e.status} />
            {e.rewatch && <span class="status-badge status-rewatch">Rewatch</span>}
          </span>
        </div>
        {(facts(e) || dates) && (
          <p class="diary-facts">
            {dates && <span class="diary-dates">{dates}</span>}
            {facts(e) && <span>{facts(e)}</span>}
          </p>
        )}
        <EpisodeProgress entry={e} />
        {e.note && <p class="diary-note">{e.note}</p>}
        {(e.meter || e.review?.published) && (
          <p class="diary-foot">
            {e.meter && <Meter value={e.meter.value} max={e.meter.max} meter={meter} />}
            {e.review?.published && (
              <a class="diary-review-link" href={`/reviews/${encodeURIComponent(e.review.slug)}`}>
                Read the review<span class="visually-hidden"> of {e.review.title}</span> →
              </a>
            )}
          </p>
        )}
      </div>
    </li>
  )
}

/** Entries grouped under the month they are filed in, keeping their order. */
export function groupByMonth(entries: readonly DiaryEntry[]): { key: string; label: string; entries: DiaryEntry[] }[] {
  const groups: { key: string; label: string; entries: DiaryEntry[] }[] = []
  for (const e of entries) {
    const key = monthKey(diaryDate(e))
    const last = groups.at(-1)
    if (last?.key === key) last.entries.push(e)
    else groups.push({ key, label: formatMonth(diaryDate(e)), entries: [e] })
  }
  return groups
}

/** The watchlist: what is next, numbered. */
export const Watchlist: FC<{ entries: DiaryEntry[] }> = ({ entries }) => (
  <section class="watchlist" aria-labelledby="watchlist-h">
    <h2 id="watchlist-h">Up next <span class="watchlist-count">{entries.length}</span></h2>
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
export const YearLinks: FC<{ years: number[]; current?: number; label?: string }> = ({ years, current, label = 'Year in review' }) =>
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
  const heading = list.page > 1 ? `Watch diary, page ${list.page}` : 'Watch diary'
  return (
    <Layout
      chrome={chrome}
      title={`${heading} · ${settings.name}`}
      description={`What ${settings.author} has been watching: every drama started, finished or dropped, newest first.`}
      canonicalPath={pagedHref('/diary', list.page)}
    >
      <div class="wrap diary">
        <header class="diary-head">
          <div>
            <h1>{heading}</h1>
            <p class="count">
              {list.total === 1 ? '1 watch' : `${list.total} watches`}
              {watchlist.length > 0 && ` · ${watchlist.length} up next`}
            </p>
          </div>
          <YearLinks years={years} />
        </header>
        <div class={`diary-layout${watchlist.length ? ' has-aside' : ''}`}>
          <div class="diary-main">
            {list.items.length === 0 ? (
              <p class="empty">Nothing in the diary yet.</p>
            ) : (
              groupByMonth(list.items).map((g) => (
                <section class="diary-month" aria-labelledby={`m-${g.key}`}>
                  <h2 id={`m-${g.key}`} class="diary-month-h">{g.label}</h2>
                  <ol class="diary-list">
                    {g.entries.map((e) => (
                      <DiaryItem entry={e} meter={settings.meter} />
                    ))}
                  </ol>
                </section>
              ))
            )}
            <Pagination page={list.page} pageCount={list.pageCount} href={(n) => pagedHref('/diary', n)} />
          </div>
          {watchlist.length > 0 && (
            <aside class="diary-aside">
              <Watchlist entries={watchlist} />
            </aside>
          )}
        </div>
      </div>
    </Layout>
  )
}
