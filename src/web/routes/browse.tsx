import { Hono } from 'hono'
import { NotFoundError } from '../../domain/errors.ts'
import type { SiteSettings } from '../../domain/settings.ts'
import {
  FACETS, findCanonicalKey, isBrowseSort, isCanonicalKey, loadBrowsePage, loadFacetIndex, type BrowseSort, type Facet,
} from '../../services/browse.ts'
import type { Site } from '../../services/site.ts'
import { BrowsePage, browseHref } from '../../views/browse-page.tsx'
import { IndexPage } from '../../views/index-page.tsx'
import type { Chrome } from '../../views/layout.tsx'
import { renderDocument } from '../../views/render.ts'
import type { AuthEnv } from '../auth.ts'
import { chromeFor, type PageResponder } from '../page-response.ts'

/** `?page=` as a page number; anything else is a page that does not exist. */
function pageNumber(raw: string | undefined): number {
  if (raw === undefined) return 1
  if (!/^[1-9]\d{0,5}$/.test(raw)) throw new NotFoundError('page', raw)
  return Number(raw)
}

/**
 * The browse pages (`/country/kr`, `/platform/netflix`, `/year/2024`, `/meter/2`, `/tag/thriller`,
 * `/people/keita-machida`) and their index pages (`/country`…). Other spellings of a value redirect
 * to its canonical path, keeping the sort and page.
 */
export function browseRoutes(site: Site, respond: PageResponder): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>()
  const chromeOf = (settings: SiteSettings): Chrome => chromeFor(site, settings)

  const index = (facet: Facet) =>
    app.get(`/${facet}`, (c) =>
      respond(c, async () => {
        const data = await loadFacetIndex(site, facet)
        return renderDocument(<IndexPage chrome={chromeOf(data.settings)} facet={facet} items={data.items} />)
      }),
    )

  const browse = (facet: Facet) =>
    app.get(`/${facet}/:key`, async (c) => {
      const raw = c.req.param('key')
      // A key that still holds a % sequence did not decode: nothing is called that.
      if (raw.includes('%')) throw new NotFoundError(facet, raw)
      const sortParam = c.req.query('sort')
      if (sortParam !== undefined && !isBrowseSort(sortParam)) throw new NotFoundError('sort', sortParam)
      const sort: BrowseSort = sortParam ?? 'newest'
      const pageParam = c.req.query('page')
      const n = pageNumber(pageParam)
      if (!isCanonicalKey(facet, raw)) {
        const key = await findCanonicalKey(site, facet, raw)
        if (key === undefined || key === raw) throw new NotFoundError(facet, raw)
        return c.redirect(browseHref(`/${facet}/${encodeURIComponent(key)}`, sort, n), 301)
      }
      if (n === 1 && pageParam !== undefined) return c.redirect(browseHref(`/${facet}/${encodeURIComponent(raw)}`, sort, 1), 301)
      return respond(c, async () => {
        const data = await loadBrowsePage(site, facet, raw, sort, n)
        return renderDocument(
          <BrowsePage
            chrome={chromeOf(data.settings)}
            facet={facet}
            termKey={data.term.key}
            termName={data.term.name}
            sort={data.sort}
            list={data.list}
            roles={data.roles}
          />,
        )
      })
    })

  for (const facet of FACETS) {
    index(facet)
    browse(facet)
  }
  return app
}
