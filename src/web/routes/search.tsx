import { Hono } from 'hono'
import { readSearchRequest } from '../../domain/search.ts'
import { searchReviews } from '../../services/search.ts'
import type { Site } from '../../services/site.ts'
import { renderDocument } from '../../views/render.ts'
import { SearchPage } from '../../views/search-page.tsx'
import type { AuthEnv } from '../auth.ts'
import { chromeFor } from '../../pages/public-pages.tsx'

/** `/search`: full-text search with filters. Not cached: every query is its own page. */
export function searchRoutes(site: Site): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>()

  app.get('/search', async (c) => {
    const request = readSearchRequest(c.req.query())
    const data = await searchReviews(site, request)
    c.header('Cache-Control', 'no-store')
    // Result pages are endless variations of other pages; search engines should not index them.
    c.header('X-Robots-Tag', 'noindex')
    const page = (
      <SearchPage
        chrome={chromeFor(site, data.settings)}
        request={data.request}
        options={data.options}
        results={data.results}
        isUnusableText={data.isUnusableText}
      />
    )
    return c.html(renderDocument(page))
  })

  return app
}
