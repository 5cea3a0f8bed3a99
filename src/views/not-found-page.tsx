import type { FC } from 'hono/jsx'
import { Layout, type Chrome } from './layout.tsx'

/** The page readers see for a missing review or page. */
export const NotFoundPage: FC<{ chrome: Chrome; path: string | null }> = ({ chrome, path }) => (
  <Layout chrome={chrome} title={`Not found · ${chrome.settings.name}`} description="This page does not exist." canonicalPath={null}>
    <div class="wrap narrow">
      <h1>Nothing here</h1>
      <p>
        {path === null ? 'There is no page at this address.' : <>There is no page at <code>{path}</code>.</>} It may have moved, or the
        review may not be published yet.
      </p>
      <p><a href="/">See the latest reviews</a></p>
    </div>
  </Layout>
)
