import type { FC } from 'hono/jsx'
import { type Translator, translatorFor } from '../domain/i18n.ts'
import { paragraphsOf, type ListEntry, type ListSummary, type ShowList } from '../domain/lists.ts'
import type { MeterSettings } from '../domain/settings.ts'
import { Meter, Poster, summaryLang } from './components.tsx'
import { rich } from './format.ts'
import { Layout, type Chrome } from './layout.tsx'

/** The address of a list's page. */
export const listHref = (slug: string): string => `/lists/${encodeURIComponent(slug)}`

const Description: FC<{ text: string }> = ({ text }) => (
  <>
    {paragraphsOf(text).map((p) => (
      <p>
        {p.split('\n').map((line, i) => (
          <>
            {i > 0 && <br />}
            {line}
          </>
        ))}
      </p>
    ))}
  </>
)

/** What an entry is besides its title: year and country, from the review when it links one. */
function entryFacts(e: ListEntry): string {
  const s = e.review?.summary
  const year = s?.year ?? e.year
  const origin = s?.origin ?? e.origin
  return [year === null ? null : String(year), origin, s?.platform].filter(Boolean).join(' · ')
}

const ListItem: FC<{ tr: Translator; entry: ListEntry; ranked: boolean; meter: MeterSettings; eager: boolean }> = ({ tr, entry: e, ranked, meter, eager }) => {
  const { t } = tr
  const summary = e.review?.summary ?? null
  const href = summary ? `/reviews/${encodeURIComponent(summary.slug)}` : null
  const title = summary?.title ?? e.title
  const facts = entryFacts(e)
  return (
    <li class={`list-entry${summary ? ' has-review' : ''}`}>
      {ranked && <span class="list-rank" aria-hidden="true">{e.position}</span>}
      <div class="list-entry-poster">
        {summary?.poster ? (
          <Poster src={summary.poster.src} alt="" image={summary.poster.image} sizes="7rem" eager={eager} />
        ) : (
          <span class="poster poster-empty" aria-hidden="true">{title.slice(0, 1)}</span>
        )}
      </div>
      <div class="list-entry-body">
        {facts && <p class="list-entry-facts">{facts}</p>}
        <h2 class="list-entry-title">
          {ranked && <span class="visually-hidden">{t('lists.number', { position: e.position })} </span>}
          {href ? <a href={href}>{title}</a> : title}
          {summary?.season ? <span class="card-season"> · S{summary.season}</span> : null}
        </h2>
        {summary?.nativeTitle && <p class="card-native" lang="und">{summary.nativeTitle}</p>}
        {summary?.headline && <p class="list-entry-headline" lang={summaryLang(summary, tr)}>{summary.headline}</p>}
        {e.note && (
          <div class="list-entry-note">
            <Description text={e.note} />
          </div>
        )}
        {(summary?.meter || href) && (
          <p class="list-entry-foot">
            {summary?.meter && <Meter tr={tr} value={summary.meter.value} max={summary.meter.max} meter={meter} />}
            {href && <a class="list-entry-more" href={href}>{rich(t('lists.readReview'), { title: <span class="visually-hidden">{t('lists.readReviewOf', { title })}</span> })} →</a>}
          </p>
        )}
      </div>
    </li>
  )
}

/** One list: its description, then every show in order, ranked ones numbered. */
export const ListPage: FC<{ chrome: Chrome; list: ShowList }> = ({ chrome, list }) => {
  const { settings } = chrome
  const tr = translatorFor(settings.language)
  const { t } = tr
  const shows = t('count.shows', { count: list.entries.length })
  const lead = paragraphsOf(list.description)[0] ?? t(list.ranked ? 'lists.leadRanked' : 'lists.lead', { shows, site: settings.name })
  const Items = list.ranked ? 'ol' : 'ul'
  return (
    <Layout chrome={chrome} title={`${list.title} · ${settings.name}`} description={lead.slice(0, 300)} canonicalPath={listHref(list.slug)}>
      <div class="wrap list-page">
        <header class="list-page-head">
          <p class="kicker"><a href="/lists">{t('nav.lists')}</a></p>
          <h1>{list.title}</h1>
          {list.description && (
            <div class="list-page-description">
              <Description text={list.description} />
            </div>
          )}
          <p class="list-page-meta muted">
            {list.ranked ? `${t('lists.ranked')} · ` : ''}
            {shows}
            {list.publishedAt && (
              <>
                {' · '}
                <time datetime={list.updatedAt}>{t('lists.updated', { date: tr.date(list.updatedAt.slice(0, 10)) })}</time>
              </>
            )}
          </p>
        </header>
        {list.entries.length === 0 ? (
          <p class="empty">{t('lists.emptyList')}</p>
        ) : (
          <Items class={`list-entries${list.ranked ? ' is-ranked' : ''}`}>
            {list.entries.map((e, i) => <ListItem tr={tr} entry={e} ranked={list.ranked} meter={settings.meter} eager={i < 2} />)}
          </Items>
        )}
      </div>
    </Layout>
  )
}

/** `/lists`: every published list, newest first, each with a strip of its first posters. */
export const ListsIndexPage: FC<{ chrome: Chrome; lists: ListSummary[] }> = ({ chrome, lists }) => {
  const { settings } = chrome
  const { t } = translatorFor(settings.language)
  return (
    <Layout chrome={chrome} title={`${t('nav.lists')} · ${settings.name}`} description={t('lists.indexDescription', { site: settings.name })} canonicalPath="/lists">
      <div class="wrap">
        <header class="list-head browse-head">
          <div class="browse-title">
            <p class="kicker">{t('lists.kicker')}</p>
            <h1>{t('nav.lists')}</h1>
            <p class="browse-lead">{t('lists.indexLead')}</p>
          </div>
          <p class="count">{t('count.lists', { count: lists.length })}</p>
        </header>
        {lists.length === 0 ? (
          <p class="empty">{t('lists.emptyIndex')}</p>
        ) : (
          <ul class="list-cards">
            {lists.map((l) => (
              <li class="list-card">
                <a class="list-card-link" href={listHref(l.slug)}>
                  <span class="list-card-covers" aria-hidden="true">
                    {l.posters.length === 0 ? (
                      <span class="poster poster-empty">{l.title.slice(0, 1)}</span>
                    ) : (
                      l.posters.map((p) => <Poster src={p.src} alt="" image={p.image} sizes="6rem" />)
                    )}
                  </span>
                  <span class="list-card-body">
                    <span class="card-facts">{l.ranked ? `${t('lists.ranked')} · ${t('count.shows', { count: l.entryCount })}` : t('count.shows', { count: l.entryCount })}</span>
                    <span class="card-title">{l.title}</span>
                    {l.description && <span class="card-headline">{paragraphsOf(l.description)[0]}</span>}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Layout>
  )
}
