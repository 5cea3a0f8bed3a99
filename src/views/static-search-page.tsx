import type { FC } from 'hono/jsx'
import { Layout, type Chrome } from './layout.tsx'

/** What readers can browse by instead, on the page's own site. */
const BROWSE = [
  { href: '/country', label: 'country' },
  { href: '/platform', label: 'platform' },
  { href: '/year', label: 'year' },
  { href: '/tag', label: 'tag' },
  { href: '/people', label: 'cast and crew' },
] as const

/**
 * `/search` on a static copy of the site: the same form, answered in the browser by search.js from
 * an index built with the site. Without JavaScript the page says so and points at the browse pages.
 */
export const StaticSearchPage: FC<{ chrome: Chrome; searchJsHref: string }> = ({ chrome, searchJsHref }) => {
  const { settings } = chrome
  return (
    <Layout chrome={chrome} title={`Search · ${settings.name}`} description={`Search the reviews on ${settings.name}.`} canonicalPath="/search">
      <div class="wrap search-page" id="static-search" data-index="/search/" data-reviews="/reviews/">
        <h1 class="search-heading">
          <label for="search-q">Search reviews</label>
        </h1>
        <form class="search-form" action="/search" method="get" role="search">
          <div class="search-bar">
            <input id="search-q" type="search" name="q" maxlength={200} autocomplete="off" enterkeyhint="search" />
            <button type="submit" class="button primary">Search</button>
          </div>
          <p class="search-tips">Titles in any language, headlines, verdicts, tags, cast and crew.</p>
        </form>
        <section class="search-empty" id="static-search-nojs" aria-labelledby="static-search-nojs-h">
          <h2 id="static-search-nojs-h">Search needs JavaScript here</h2>
          <p>
            This copy of the site searches in your browser, which needs JavaScript turned on. Or browse the reviews by{' '}
            {BROWSE.map((b, i) => (
              <>
                {i > 0 && (i === BROWSE.length - 1 ? ' or ' : ', ')}
                <a href={b.href}>{b.label}</a>
              </>
            ))}
            .
          </p>
        </section>
        <p class="count search-summary" id="static-search-status" role="status"></p>
        <ol class="hits static-hits" id="static-search-results"></ol>
      </div>
      <script type="module" src={searchJsHref}></script>
    </Layout>
  )
}
