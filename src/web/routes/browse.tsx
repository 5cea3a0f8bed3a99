import { Hono, type Context } from 'hono'
import { NotFoundError } from '../../domain/errors.ts'
import type { SiteSettings } from '../../domain/settings.ts'
import { chromeFor, renderBrowsePage, renderFacetIndexPage } from '../../pages/public-pages.tsx'
import {
  FACETS, findCanonicalKey, isBrowseSort, isCanonicalKey, loadBrowsePage, loadFacetIndex, type BrowseSort, type Facet,
} from '../../services/browse.ts'
import type { Site } from '../../services/site.ts'
import { browseHref } from '../../views/browse-page.tsx'
import type { Chrome } from '../../views/layout.tsx'
import type { AuthEnv } from '../auth.ts'
import { pageNumber, type PageResponder } from '../page-response.ts'

/**
 * The browse pages (`/country/kr`, `/platform/netflix`, `/year/2024`, `/meter/2`, `/tag/thriller`,
 * `/people/keita-machida`) and their index pages (`/country`…). Sorts and pages are path parts
 * (`/tag/thriller/sort/title/page/2`); the older `?sort=title&page=2` serves the same page. Other
 * spellings of a value redirect to its canonical path, keeping the sort and page.
 */
export function browseRoutes(site: Site, respond: PageResponder): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>()
  const chromeOf = (settings: SiteSettings): Chrome => chromeFor(site, settings)

  const index = (facet: Facet) =>
    app.get(`/${facet}`, (c) =>
      respond(c, async () => {
        const data = await loadFacetIndex(site, facet)
        return renderFacetIndexPage(chromeOf(data.settings), data)
      }),
    )

  /** One browse page; `sortPart` and `pagePart` as the address spelled them (undefined when absent). */
  async function browsePage(c: Context<AuthEnv>, facet: Facet, sortPart: string | undefined, pagePart: string | undefined): Promise<Response> {
    const raw = c.req.param('key')!
    // A key that still holds a % sequence did not decode: nothing is called that.
    if (raw.includes('%')) throw new NotFoundError(facet, raw)
    if (sortPart !== undefined && !isBrowseSort(sortPart)) throw new NotFoundError('sort', sortPart)
    const sort: BrowseSort = sortPart ?? 'newest'
    const n = pageNumber(pagePart)
    const canonical = (key: string) => browseHref(`/${facet}/${encodeURIComponent(key)}`, sort, n)
    if (!isCanonicalKey(facet, raw)) {
      const key = await findCanonicalKey(site, facet, raw)
      if (key === undefined || key === raw) throw new NotFoundError(facet, raw)
      return c.redirect(canonical(key), 301)
    }
    // Spelled-out defaults (`/page/1`, `/sort/newest`, `?page=1`) redirect to the address without them.
    if ((n === 1 && pagePart !== undefined) || sortPart === 'newest') return c.redirect(canonical(raw), 301)
    return respond(
      c,
      async () => {
        const data = await loadBrowsePage(site, facet, raw, sort, n)
        return renderBrowsePage(chromeOf(data.settings), data)
      },
      canonical(raw),
    )
  }

  const browse = (facet: Facet) => {
    app.get(`/${facet}/:key`, (c) => {
      const sort = c.req.query('sort')
      return browsePage(c, facet, sort === 'newest' ? undefined : sort, c.req.query('page'))
    })
    app.get(`/${facet}/:key/page/:n`, (c) => browsePage(c, facet, undefined, c.req.param('n')))
    app.get(`/${facet}/:key/sort/:sort`, (c) => browsePage(c, facet, c.req.param('sort'), undefined))
    app.get(`/${facet}/:key/sort/:sort/page/:n`, (c) => browsePage(c, facet, c.req.param('sort'), c.req.param('n')))
  }

  for (const facet of FACETS) {
    index(facet)
    browse(facet)
  }
  return app
}
