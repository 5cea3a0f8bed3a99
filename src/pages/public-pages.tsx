import type { CommentFormState, ReviewComments } from '../domain/comments.ts'
import type { Page, ReviewRecord, ReviewSummary } from '../domain/records.ts'
import type { SiteSettings } from '../domain/settings.ts'
import type { BrowsePageData, IndexPageData } from '../services/browse.ts'
import type { DiaryPageData, YearInReviewData } from '../services/diary.ts'
import type { ListPageData, ListsIndexData } from '../services/lists.ts'
import type { Site } from '../services/site.ts'
import { CSS_HREF, SEARCH_JS_HREF } from './assets.ts'
import { StaticSearchPage } from '../views/static-search-page.tsx'
import { BrowsePage } from '../views/browse-page.tsx'
import { DiaryPage } from '../views/diary-page.tsx'
import { HomePage } from '../views/home-page.tsx'
import { IndexPage } from '../views/index-page.tsx'
import { ListPage, ListsIndexPage } from '../views/lists-page.tsx'
import type { Chrome, CommentsTarget } from '../views/layout.tsx'
import type { NewsletterTarget } from '../views/newsletter-signup.tsx'
import { CheckInboxPage, ConfirmPage, NewsletterPage, UnsubscribePage } from '../views/newsletter-pages.tsx'
import { NotFoundPage } from '../views/not-found-page.tsx'
import { renderDocument } from '../views/render.ts'
import { ReviewPage } from '../views/review-page.tsx'
import { YearInReviewPage } from '../views/year-in-review-page.tsx'

// The public pages, each one function from its data to a complete HTML document. The server
// (src/web) and the static build (src/build) call these same functions with data of the same shape
// from the same services, so the two give the same HTML for the same site.

/** How a page is rendered besides its data: a public address to use, and where comment forms post. */
export type ChromeOptions = {
  /** The site's public address; wins over the configured one (the static build's `--base-url`). */
  baseUrl?: string | null
  comments?: CommentsTarget
}

/** What every page needs: settings (with the public address in force) and the stylesheet. */
export function chromeFor(site: Site, settings: SiteSettings, options: ChromeOptions = {}): Chrome {
  const baseUrl = options.baseUrl !== undefined ? options.baseUrl : site.baseUrl
  const newsletter = newsletterTarget(site, settings, options)
  return {
    settings: baseUrl ? { ...settings, baseUrl } : settings,
    cssHref: CSS_HREF,
    ...(options.comments ? { comments: options.comments } : {}),
    ...(newsletter ? { newsletter } : {}),
  }
}

/**
 * Where the footer's newsletter form posts. A static copy (`comments` given) posts it where its
 * comments go, a running server (`build --server`), and has none without one; the server shows it
 * when it can send email and knows its public address, for the links in the emails.
 */
function newsletterTarget(site: Site, settings: SiteSettings, options: ChromeOptions): NewsletterTarget | null {
  if (options.comments) return options.comments.kind === 'server' ? { action: `${options.comments.url.replace(/\/+$/, '')}/newsletter` } : null
  return site.mail && (site.baseUrl ?? settings.baseUrl) ? { action: '/newsletter' } : null
}

export const renderHomePage = (chrome: Chrome, list: Page<ReviewSummary>): string => renderDocument(<HomePage chrome={chrome} list={list} />)

/** A review page; `form` only for a page rendered for one reader (a refused comment, say). */
export const renderReviewPage = (chrome: Chrome, record: ReviewRecord, comments: ReviewComments, form?: CommentFormState): string =>
  renderDocument(<ReviewPage chrome={chrome} record={record} comments={comments} commentForm={form} />)

export const renderBrowsePage = (chrome: Chrome, data: Omit<BrowsePageData, 'settings'>): string =>
  renderDocument(
    <BrowsePage chrome={chrome} facet={data.term.facet} termKey={data.term.key} termName={data.term.name} sort={data.sort} list={data.list} roles={data.roles} />,
  )

export const renderFacetIndexPage = (chrome: Chrome, data: Omit<IndexPageData, 'settings'>): string =>
  renderDocument(<IndexPage chrome={chrome} facet={data.facet} items={data.items} />)

export const renderDiaryPage = (chrome: Chrome, data: Omit<DiaryPageData, 'settings'>): string =>
  renderDocument(<DiaryPage chrome={chrome} list={data.list} watchlist={data.watchlist} years={data.years} />)

export const renderYearInReviewPage = (chrome: Chrome, data: Omit<YearInReviewData, 'settings'>): string =>
  renderDocument(<YearInReviewPage chrome={chrome} summary={data.summary} years={data.years} />)

export const renderListsIndexPage = (chrome: Chrome, data: Omit<ListsIndexData, 'settings'>): string =>
  renderDocument(<ListsIndexPage chrome={chrome} lists={data.lists} />)

export const renderListPage = (chrome: Chrome, data: Omit<ListPageData, 'settings'>): string => renderDocument(<ListPage chrome={chrome} list={data.list} />)

/** The not-found page; `path` is the address asked for, null on a static copy (one page for every miss). */
export const renderNotFoundPage = (chrome: Chrome, path: string | null): string => renderDocument(<NotFoundPage chrome={chrome} path={path} />)

/** `/search` on a static copy of the site, answered in the browser. */
export const renderStaticSearchPage = (chrome: Chrome): string => renderDocument(<StaticSearchPage chrome={chrome} searchJsHref={SEARCH_JS_HREF} />)

/** `/newsletter`: the sign-up page (only the server has it); `state` brings a refused address back with its error. */
export const renderNewsletterPage = (chrome: Chrome, open: boolean, state?: { email?: string; error?: string | null }): string =>
  renderDocument(<NewsletterPage chrome={chrome} open={open} state={state} />)

/** The answer to every accepted sign-up, whether the address was new or not. */
export const renderCheckInboxPage = (chrome: Chrome): string => renderDocument(<CheckInboxPage chrome={chrome} />)

/** The confirmation link's page; `email` null for a link that is used, expired or unknown. */
export const renderConfirmPage = (chrome: Chrome, email: string | null): string => renderDocument(<ConfirmPage chrome={chrome} email={email} />)

/** The unsubscribe link's page: the question with its button, or (`done`) the goodbye. */
export const renderUnsubscribePage = (chrome: Chrome, token: string, email: string | null, done: boolean): string =>
  renderDocument(<UnsubscribePage chrome={chrome} token={token} email={email} done={done} />)
