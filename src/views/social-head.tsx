import type { FC } from 'hono/jsx'
import { raw } from 'hono/html'
import type { ReviewRecord } from '../domain/records.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { reviewSocialMeta, reviewStructuredData, serializeJsonLd, siteSocialMeta, type MetaTag } from '../domain/structured-data.ts'

const MetaTags: FC<{ tags: MetaTag[] }> = ({ tags }) => (
  <>{tags.map((t) => ('property' in t ? <meta property={t.property} content={t.content} /> : <meta name={t.name} content={t.content} />))}</>
)

/**
 * Head elements of a review page: OpenGraph and Twitter card tags, and the schema.org `Review` as
 * a JSON-LD data block. Browsers never execute a data block, so the script-src 'self' policy holds;
 * its JSON is escaped so no text in it can end the element.
 */
export const ReviewHead: FC<{ settings: SiteSettings; record: ReviewRecord }> = ({ settings, record }) => (
  <>
    <MetaTags tags={reviewSocialMeta(record, settings)} />
    <script type="application/ld+json">{raw(serializeJsonLd(reviewStructuredData(record, settings)))}</script>
  </>
)

/** OpenGraph and Twitter card tags of a site-wide page. */
export const SiteHead: FC<{ settings: SiteSettings; title: string; description: string; path: string }> = ({ settings, ...page }) => (
  <MetaTags tags={siteSocialMeta(settings, page)} />
)
