import type { FC } from 'hono/jsx'
import { type Translator, translatorFor } from '../domain/i18n.ts'
import { meterText } from '../domain/meter.ts'
import {
  hasFilters, NO_FILTERS, searchHref, type Highlighted, type SearchExcerpt, type SearchFilterOptions, type SearchHit, type SearchPage as ResultPage,
  type SearchRequest,
} from '../domain/search.ts'
import type { MeterSettings } from '../domain/settings.ts'
import { Meter, Poster, summaryLang } from './components.tsx'
import { factsLine, rich } from './format.ts'
import { Layout, type Chrome } from './layout.tsx'

/** Text with its matched parts in <mark>; every part is escaped like any other text. */
const Marked: FC<{ text: Highlighted }> = ({ text }) => <>{text.map((s) => (s.mark ? <mark>{s.text}</mark> : s.text))}</>

const Excerpt: FC<{ tr: Translator; excerpt: SearchExcerpt }> = ({ tr: { t }, excerpt: e }) => {
  const text = (
    <p class={`hit-excerpt${e.where === 'hook' ? ' is-hook' : ''}`}>
      {e.cutBefore && '… '}
      <Marked text={e.text} />
      {e.cutAfter && ' …'}
    </p>
  )
  switch (e.where) {
    case 'spoiler':
      return (
        <p class="hit-where">
          {e.section ? rich(t('search.inSpoilerOf'), { aspect: <span class="hit-aspect">{e.section.aspect}</span> }) : t('search.inSpoiler')} {t('search.openToRead')}
        </p>
      )
    case 'section':
      return (
        <>
          {e.section && (
            <p class="hit-where">
              <span class="hit-aspect">{e.section.aspect}</span>
              {e.section.verdict.length > 0 && <> · <Marked text={e.section.verdict} /></>}
            </p>
          )}
          {e.text.length > 0 && text}
        </>
      )
    case 'tags':
    case 'people':
      return (
        <p class="hit-excerpt">
          <span class="hit-aspect">{e.where === 'tags' ? t('nav.tags') : t('browse.people')}</span> <Marked text={e.text} />
        </p>
      )
    default:
      return text
  }
}

const Hit: FC<{ tr: Translator; hit: SearchHit; meter: MeterSettings; eager: boolean }> = ({ tr, hit, meter, eager }) => {
  const r = hit.review
  const href = `/reviews/${encodeURIComponent(r.slug)}`
  return (
    <li class="hit">
      <a class="hit-poster" href={href} tabindex={-1} aria-hidden="true">
        {r.poster ? (
          <Poster src={r.poster.src} alt="" image={r.poster.image} sizes="7rem" eager={eager} />
        ) : (
          <span class="poster poster-empty">{r.title.slice(0, 1)}</span>
        )}
      </a>
      <div class="hit-body">
        <p class="card-facts">{factsLine(r)}</p>
        <h2 class="hit-title">
          <a href={href}>
            <Marked text={hit.title} />
          </a>
          {r.season ? <span class="card-season"> · S{r.season}</span> : null}
        </h2>
        {hit.nativeTitle && (
          <p class="hit-native" lang="und">
            <Marked text={hit.nativeTitle} />
          </p>
        )}
        {hit.headline && (
          <p class="hit-headline" lang={summaryLang(r, tr)}>
            <Marked text={hit.headline} />
          </p>
        )}
        {hit.excerpt && <Excerpt tr={tr} excerpt={hit.excerpt} />}
        {(r.meter || r.firstWatch === false || r.reviewedOn) && (
          <p class="hit-foot">
            {r.meter && <Meter tr={tr} value={r.meter.value} max={r.meter.max} meter={meter} />}
            {r.firstWatch === false && <span class="badge">{tr.t('review.rewatch')}</span>}
            {r.reviewedOn && <time datetime={r.reviewedOn}>{tr.date(r.reviewedOn)}</time>}
          </p>
        )}
      </div>
    </li>
  )
}

type Choice = { value: string; label: string }

const FilterSelect: FC<{ name: string; label: string; any: string; value: string; choices: Choice[] }> = (p) => {
  // A value from the address that no published review has still shows, so the reader sees why nothing matched.
  const choices = p.value && !p.choices.some((c) => c.value === p.value) ? [...p.choices, { value: p.value, label: p.value }] : p.choices
  return (
    <div class="search-filter">
      <label for={`search-${p.name}`}>{p.label}</label>
      <select id={`search-${p.name}`} name={p.name}>
        <option value="">{p.any}</option>
        {choices.map((c) => (
          <option value={c.value} selected={c.value === p.value}>
            {c.label}
          </option>
        ))}
      </select>
    </div>
  )
}

const SearchForm: FC<{ tr: Translator; request: SearchRequest; options: SearchFilterOptions; meter: MeterSettings; autofocus: boolean }> = (p) => {
  const f = p.request.filters
  const { t } = p.tr
  return (
    <form class="search-form" action="/search" method="get" role="search" aria-labelledby="search-heading">
      <div class="search-bar">
        <input
          id="search-q"
          type="search"
          name="q"
          value={p.request.q}
          placeholder={t('search.placeholder')}
          autocomplete="off"
          enterkeyhint="search"
          maxlength={200}
          autofocus={p.autofocus}
          aria-describedby="search-tips"
        />
        <button class="button primary" type="submit">
          {t('search.button')}
        </button>
      </div>
      <div class="search-filters">
        <FilterSelect
          name="country"
          label={t('search.country')}
          any={t('search.anyCountry')}
          value={f.country?.toLowerCase() ?? ''}
          choices={p.options.countries.map((c) => ({ value: c.code.toLowerCase(), label: c.name }))}
        />
        <FilterSelect
          name="platform"
          label={t('review.platform')}
          any={t('search.anyPlatform')}
          value={f.platform ?? ''}
          choices={p.options.platforms.map((c) => ({ value: c.slug, label: c.name }))}
        />
        <FilterSelect
          name="year"
          label={t('review.year')}
          any={t('search.anyYear')}
          value={f.year === null ? '' : String(f.year)}
          choices={p.options.years.map((y) => ({ value: String(y), label: String(y) }))}
        />
        <FilterSelect
          name="meter"
          label={p.meter.name}
          any={t('search.anyRating')}
          value={f.meter === null ? '' : String(f.meter)}
          choices={Array.from({ length: p.meter.max + 1 }, (_, n) => ({ value: String(n), label: meterText(n, p.meter.max, p.meter, p.tr) }))}
        />
      </div>
      <p class="search-tips" id="search-tips">
        {rich(t('search.tips'), { phrase: <code>{t('search.tipPhrase')}</code>, exclude: <code>{t('search.tipExclude')}</code>, or: <code>OR</code> })}
      </p>
    </form>
  )
}

/** Previous / numbered / next links for result pages, keeping the query and filters. */
const ResultPages: FC<{ tr: Translator; request: SearchRequest; page: number; pageCount: number }> = ({ tr: { t }, request, page, pageCount }) => {
  if (pageCount <= 1) return null
  const pages = Array.from({ length: pageCount }, (_, i) => i + 1).filter((n) => n === 1 || n === pageCount || Math.abs(n - page) <= 2)
  const href = (n: number) => searchHref(request, n)
  return (
    <nav class="pagination" aria-label={t('search.resultPages')}>
      {page > 1 ? <a class="page-step" href={href(page - 1)} rel="prev">← {t('pages.previous')}</a> : <span class="page-step" aria-hidden="true" />}
      <ol>
        {pages.map((n, i) => (
          <>
            {i > 0 && n - pages[i - 1]! > 1 && <li class="gap" aria-hidden="true">…</li>}
            <li>{n === page ? <span aria-current="page">{n}</span> : <a href={href(n)} aria-label={t('pages.page', { page: n })}>{n}</a>}</li>
          </>
        ))}
      </ol>
      {page < pageCount ? <a class="page-step" href={href(page + 1)} rel="next">{t('pages.next')} →</a> : <span class="page-step" aria-hidden="true" />}
    </nav>
  )
}

/** What the filters ask for, in words: `South Korea · Netflix · 2024`. */
function filterWords(r: SearchRequest, o: SearchFilterOptions, meter: MeterSettings, tr: Translator): string {
  const f = r.filters
  return [
    f.country && (o.countries.find((c) => c.code === f.country)?.name ?? f.country),
    f.platform && (o.platforms.find((p) => p.slug === f.platform)?.name ?? f.platform),
    f.year,
    f.meter !== null && `${meter.name}: ${meterText(f.meter, meter.max, meter, tr)}`,
  ]
    .filter(Boolean)
    .join(' · ')
}

export type SearchPageProps = {
  chrome: Chrome
  request: SearchRequest
  options: SearchFilterOptions
  results: ResultPage | null
  isUnusableText: boolean
}

/** `/search`: the form, then results, a "no results" page with suggestions, or a prompt to type something. */
export const SearchPage: FC<SearchPageProps> = ({ chrome, request, options, results, isUnusableText }) => {
  const { settings } = chrome
  const tr = translatorFor(settings.language)
  const { t } = tr
  const q = request.q
  const filtered = hasFilters(request.filters)
  const withoutFilters = searchHref({ ...request, filters: NO_FILTERS }, 1)
  const title = q ? `${t('search.quoted', { q })} · ${t('search.button')} · ${settings.name}` : `${t('search.button')} · ${settings.name}`
  const where = filterWords(request, options, settings.meter, tr)
  return (
    <Layout chrome={chrome} title={title} description={t('search.description', { site: settings.name })} canonicalPath={q || filtered ? null : '/search'}>
      <div class="wrap search-page">
        {/* The page's heading is the search field's label: one line less above the results on a phone. */}
        <h1 class="search-heading" id="search-heading">
          <label for="search-q">{t('search.label')}</label>
        </h1>
        <SearchForm tr={tr} request={request} options={options} meter={settings.meter} autofocus={results === null} />
        {results === null ? (
          <section class="search-empty" aria-labelledby="search-empty-title">
            <h2 id="search-empty-title">{isUnusableText ? t('search.unusable') : t('search.prompt')}</h2>
            <p>
              {isUnusableText ? t('search.unusableHelp') : t('search.promptHelp')}
            </p>
            {options.countries.length > 0 && (
              <>
                <p class="search-browse-label">{t('search.browseCountry')}</p>
                <ul class="search-chips">
                  {options.countries.map((c) => (
                    <li>
                      <a href={searchHref({ q: '', filters: { ...NO_FILTERS, country: c.code }, page: 1 })}>{c.name}</a>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>
        ) : (
          <>
            <div class="search-summary">
              <p class="count" role="status">
                {rich(
                  t(q && !isUnusableText ? (where ? 'search.matchQueryIn' : 'search.matchQuery') : where ? 'search.matchIn' : 'search.match', {
                    reviews: results.total === 0 ? t('search.noReviews') : t('count.reviews', { count: results.total }),
                    where,
                  }),
                  { q: <strong class="search-q">{t('search.quoted', { q })}</strong> },
                )}
                {results.pageCount > 1 && <span class="muted"> · {t('search.pageOf', { page: results.page, pages: results.pageCount })}</span>}
              </p>
              {filtered && (
                <a class="search-clear" href={withoutFilters}>
                  {t('search.clear')}
                </a>
              )}
            </div>
            {results.total === 0 ? (
              <section class="search-empty" aria-labelledby="search-empty-title">
                <h2 id="search-empty-title">{t('search.nothing')}</h2>
                <ul class="search-suggestions">
                  <li>{t('search.hintSpelling')}</li>
                  <li>{rich(t('search.hintOr'), { or: <code>OR</code> })}</li>
                  {filtered && (
                    <li>
                      {rich(t('search.hintFilters'), { link: <a href={withoutFilters}>{t('search.hintFiltersLink')}</a> })}
                    </li>
                  )}
                  <li>{rich(t('search.hintLatest'), { link: <a href="/">{t('search.hintLatestLink')}</a> })}</li>
                </ul>
              </section>
            ) : (
              <ol class="hits">
                {results.items.map((hit, i) => (
                  <Hit tr={tr} hit={hit} meter={settings.meter} eager={i < 3} />
                ))}
              </ol>
            )}
            <ResultPages tr={tr} request={request} page={results.page} pageCount={results.pageCount} />
          </>
        )}
      </div>
    </Layout>
  )
}
