import type { FC } from 'hono/jsx'
import { FACET_TITLES, type BrowseFacet } from './browse-page.tsx'
import { Meter } from './components.tsx'
import { Layout, type Chrome } from './layout.tsx'

/** One value of a facet with its number of published reviews; `note` adds a line (a person's roles). */
export type IndexEntry = { key: string; name: string; count: number; note: string | null }

const NOUNS: Record<BrowseFacet, [string, string]> = {
  country: ['country', 'countries'],
  platform: ['platform', 'platforms'],
  year: ['year', 'years'],
  meter: ['level', 'levels'],
  tag: ['tag', 'tags'],
  people: ['person', 'people'],
}

const LEADS: Record<BrowseFacet, string> = {
  country: 'Where the dramas come from.',
  platform: 'Where they were watched.',
  year: 'The year of the season reviewed, newest first.',
  meter: 'Every level of the scale, best first.',
  tag: 'Genres, moods and tropes.',
  people: 'Cast and crew of the dramas reviewed.',
}

const ORDER: BrowseFacet[] = ['country', 'platform', 'year', 'meter', 'tag', 'people']

/** The index of one facet (`/country`, `/tag`, `/people`…): every value with its count, each linking to its page. */
export const IndexPage: FC<{ chrome: Chrome; facet: BrowseFacet; items: IndexEntry[] }> = ({ chrome, facet, items }) => {
  const { settings } = chrome
  const title = FACET_TITLES[facet](settings)
  const [one, many] = NOUNS[facet]
  const meter = settings.meter
  return (
    <Layout chrome={chrome} title={`${title} · ${settings.name}`} description={`Browse reviews on ${settings.name} by ${one}.`} canonicalPath={`/${facet}`}>
      <div class="wrap">
        <header class="list-head browse-head">
          <div class="browse-title">
            <p class="kicker">Browse</p>
            <h1>{title}</h1>
            <p class="browse-lead">{LEADS[facet]}</p>
          </div>
          <p class="count">{items.length === 1 ? `1 ${one}` : `${items.length} ${many}`}</p>
        </header>
        <nav class="facet-tabs" aria-label="Browse by">
          <ul>
            {ORDER.map((f) => (
              <li>{f === facet ? <span aria-current="page">{FACET_TITLES[f](settings)}</span> : <a href={`/${f}`}>{FACET_TITLES[f](settings)}</a>}</li>
            ))}
          </ul>
        </nav>
        {items.length === 0 ? (
          <p class="empty">Nothing to browse yet: no published review has a {one}.</p>
        ) : (
          <ul class={`facet-list facet-list-${facet}`}>
            {items.map((item) => (
              <li class={item.count === 0 ? 'is-empty' : undefined}>
                <a class="facet-item" href={`/${facet}/${encodeURIComponent(item.key)}`}>
                  <span class="facet-name">
                    {facet === 'meter' ? (
                      <>
                        <Meter value={Number(item.key)} max={meter.max} meter={meter} />
                        <span class="facet-level" aria-hidden="true">{item.key} of {meter.max}</span>
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
                    {item.count}
                    <span class="visually-hidden"> {item.count === 1 ? 'review' : 'reviews'}</span>
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
