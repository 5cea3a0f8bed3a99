import type { FC } from 'hono/jsx'
import { raw } from 'hono/html'
import { CATALOGUES, type MessageKey, translatorFor } from '../domain/i18n.ts'
import { serializeJsonLd } from '../domain/structured-data.ts'
import { rich } from './format.ts'
import { Layout, type Chrome } from './layout.tsx'

/** What readers can browse by instead, on the page's own site. */
const BROWSE = [
  { href: '/country', label: 'staticSearch.byCountry' },
  { href: '/platform', label: 'staticSearch.byPlatform' },
  { href: '/year', label: 'staticSearch.byYear' },
  { href: '/tag', label: 'staticSearch.byTag' },
  { href: '/people', label: 'staticSearch.byPeople' },
] as const

/** The messages search.js shows, handed to it in the page (placeholders and plural forms left for it to fill). */
const SCRIPT_MESSAGES = {
  prompt: 'staticSearch.prompt',
  searching: 'staticSearch.searching',
  tooShort: 'staticSearch.tooShort',
  none: 'staticSearch.none',
  count: 'staticSearch.count',
  capped: 'staticSearch.capped',
  failed: 'staticSearch.failed',
} as const satisfies Record<string, MessageKey>

/**
 * `/search` on a static copy of the site: the same form, answered in the browser by search.js from
 * an index built with the site. Without JavaScript the page says so and points at the browse pages.
 */
export const StaticSearchPage: FC<{ chrome: Chrome; searchJsHref: string }> = ({ chrome, searchJsHref }) => {
  const { settings } = chrome
  const { t, lang } = translatorFor(settings.language)
  const catalogue = CATALOGUES[lang]
  const messages = Object.fromEntries(Object.entries(SCRIPT_MESSAGES).map(([name, key]) => [name, catalogue[key]]))
  return (
    <Layout chrome={chrome} title={`${t('search.button')} · ${settings.name}`} description={t('search.description', { site: settings.name })} canonicalPath="/search">
      <div class="wrap search-page" id="static-search" data-index="/search/" data-reviews="/reviews/">
        <h1 class="search-heading">
          <label for="search-q">{t('search.label')}</label>
        </h1>
        <form class="search-form" action="/search" method="get" role="search">
          <div class="search-bar">
            <input id="search-q" type="search" name="q" maxlength={200} autocomplete="off" enterkeyhint="search" />
            <button type="submit" class="button primary">{t('search.button')}</button>
          </div>
          <p class="search-tips">{t('staticSearch.tips')}</p>
        </form>
        <section class="search-empty" id="static-search-nojs" aria-labelledby="static-search-nojs-h">
          <h2 id="static-search-nojs-h">{t('staticSearch.nojs')}</h2>
          <p>
            {rich(t('staticSearch.nojsHelp'), {
              links: BROWSE.map((b, i) => (
                <>
                  {i > 0 && (i === BROWSE.length - 1 ? t('staticSearch.or') : t('staticSearch.comma'))}
                  <a href={b.href}>{t(b.label)}</a>
                </>
              )),
            })}
          </p>
        </section>
        <p class="count search-summary" id="static-search-status" role="status"></p>
        <ol class="hits static-hits" id="static-search-results"></ol>
      </div>
      {/* A data block: never executed, escaped like JSON-LD so no message can end the element. */}
      <script type="application/json" id="static-search-messages">{raw(serializeJsonLd(messages))}</script>
      <script type="module" src={searchJsHref}></script>
    </Layout>
  )
}
