import type { FC } from 'hono/jsx'
import { type MessageKey, translatorFor } from '../domain/i18n.ts'
import { facetTitle, type BrowseFacet } from './browse-page.tsx'
import { Meter } from './components.tsx'
import { Layout, type Chrome } from './layout.tsx'

/** One value of a facet with its number of published reviews; `note` adds a line (a person's roles). */
export type IndexEntry = { key: string; name: string; count: number; note: string | null }

// Per facet: its count ("3 countries"), its lead line, what a value is called ("by country"), and the empty note.
const TEXTS: Record<BrowseFacet, { count: MessageKey; lead: MessageKey; by: MessageKey; empty: MessageKey }> = {
  country: { count: 'index.countCountry', lead: 'index.leadCountry', by: 'index.byCountry', empty: 'index.emptyCountry' },
  platform: { count: 'index.countPlatform', lead: 'index.leadPlatform', by: 'index.byPlatform', empty: 'index.emptyPlatform' },
  year: { count: 'index.countYear', lead: 'index.leadYear', by: 'index.byYear', empty: 'index.emptyYear' },
  meter: { count: 'index.countMeter', lead: 'index.leadMeter', by: 'index.byMeter', empty: 'index.emptyMeter' },
  tag: { count: 'index.countTag', lead: 'index.leadTag', by: 'index.byTag', empty: 'index.emptyTag' },
  people: { count: 'index.countPeople', lead: 'index.leadPeople', by: 'index.byPeople', empty: 'index.emptyPeople' },
}

const ORDER: BrowseFacet[] = ['country', 'platform', 'year', 'meter', 'tag', 'people']

/** The index of one facet (`/country`, `/tag`, `/people`…): every value with its count, each linking to its page. */
export const IndexPage: FC<{ chrome: Chrome; facet: BrowseFacet; items: IndexEntry[] }> = ({ chrome, facet, items }) => {
  const { settings } = chrome
  const tr = translatorFor(settings.language)
  const { t } = tr
  const title = facetTitle(facet, settings)
  const texts = TEXTS[facet]
  const meter = settings.meter
  return (
    <Layout chrome={chrome} title={`${title} · ${settings.name}`} description={t(texts.by, { site: settings.name })} canonicalPath={`/${facet}`}>
      <div class="wrap">
        <header class="list-head browse-head">
          <div class="browse-title">
            <p class="kicker">{t('index.kicker')}</p>
            <h1>{title}</h1>
            <p class="browse-lead">{t(texts.lead)}</p>
          </div>
          <p class="count">{t(texts.count, { count: items.length })}</p>
        </header>
        <nav class="facet-tabs" aria-label={t('index.browseBy')}>
          <ul>
            {ORDER.map((f) => (
              <li>{f === facet ? <span aria-current="page">{facetTitle(f, settings)}</span> : <a href={`/${f}`}>{facetTitle(f, settings)}</a>}</li>
            ))}
          </ul>
        </nav>
        {items.length === 0 ? (
          <p class="empty">{t(texts.empty)}</p>
        ) : (
          <ul class={`facet-list facet-list-${facet}`}>
            {items.map((item) => (
              <li class={item.count === 0 ? 'is-empty' : undefined}>
                <a class="facet-item" href={`/${facet}/${encodeURIComponent(item.key)}`}>
                  <span class="facet-name">
                    {facet === 'meter' ? (
                      <>
                        <Meter tr={tr} value={Number(item.key)} max={meter.max} meter={meter} />
                        <span class="facet-level" aria-hidden="true">{t('index.level', { value: item.key, max: meter.max })}</span>
                      </>
                    ) : facet === 'tag' ? (
                      `#${item.name}`
                    ) : (
                      item.name
                    )}
                    {facet === 'country' && <> <span class="facet-code" aria-hidden="true">{item.key.toUpperCase()}</span></>}
                    {item.note && <> <span class="facet-note">{item.note}</span></>}
                  </span>
                  <span class="facet-count">
                    {t('index.itemCount', { count: item.count })}
                    <span class="visually-hidden"> {t('index.itemReviews', { count: item.count })}</span>
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
