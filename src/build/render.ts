import { buildFeed } from '../formats/feeds.ts'
import { buildRobotsTxt, buildSitemap } from '../formats/sitemap.ts'
import {
  renderBrowsePage, renderDiaryPage, renderFacetIndexPage, renderHomePage, renderListPage, renderListsIndexPage, renderNotFoundPage, renderReviewPage,
  renderStaticSearchPage, renderYearInReviewPage,
} from '../pages/public-pages.tsx'
import { loadDiaryPage, loadYearInReview } from '../services/diary.ts'
import { loadFeed, loadSitemap } from '../services/feeds.ts'
import { loadListPage, loadListsIndex } from '../services/lists.ts'
import { loadReviewPages, type ReviewPageData } from '../services/pages.ts'
import { browseList, homeList, newestIds, type SiteLists, type TermMembers } from '../services/site-lists.ts'
import type { Site } from '../services/site.ts'
import type { Chrome } from '../views/layout.tsx'
import type { PageJob } from './jobs.ts'
import { withBasePath } from './paths.ts'

/** How every page of one build is rendered besides its data. */
export type RenderOptions = {
  chrome: Chrome
  /** Path part of the public address (`/` or `/blog/`): site-absolute links are moved below it. */
  basePath: string
  /** Absolute public address for feeds, the sitemap and robots.txt. */
  feedBaseUrl: string
  /** A feed's update time when it has no items: the last content change, so rebuilds agree. */
  emptyFeedUpdated: string
}

/** A rendered job: its site path and the file's text. */
export type RenderedPage = { job: PageJob; body: string }

/**
 * Renders build jobs with the page functions the server uses (src/pages), from the site's lists
 * read once. Review pages are loaded a batch at a time.
 */
export class PageRenderer {
  private readonly terms = new Map<string, TermMembers>()
  private readonly newest: number[]

  constructor(
    private readonly site: Site,
    private readonly lists: SiteLists,
    private readonly options: RenderOptions,
  ) {
    for (const list of Object.values(lists.terms)) for (const m of list) this.terms.set(`${m.term.facet}/${m.term.key}`, m)
    this.newest = newestIds(lists)
  }

  async render(jobs: readonly PageJob[]): Promise<RenderedPage[]> {
    const reviewIds = jobs.flatMap((j) => (j.kind === 'review' ? [j.id] : []))
    const reviews = reviewIds.length ? await loadReviewPages(this.site, reviewIds) : new Map()
    const out: RenderedPage[] = []
    for (const job of jobs) {
      const body = job.kind === 'review' ? this.reviewPage(reviews.get(job.id)) : await this.renderOne(job)
      out.push({ job, body: job.kind === 'feed' || job.kind === 'sitemap' || job.kind === 'robots' ? body : withBasePath(body, this.options.basePath) })
    }
    return out
  }

  private reviewPage(data: ReviewPageData | undefined): string {
    // Unpublished since the lists were read: the page is written as the not-found page rather than stale.
    if (!data) return renderNotFoundPage(this.options.chrome, null)
    return renderReviewPage(this.options.chrome, data.record, data.comments)
  }

  private async renderOne(job: Exclude<PageJob, { kind: 'review' }>): Promise<string> {
    const { chrome, feedBaseUrl } = this.options
    switch (job.kind) {
      case 'home':
        return renderHomePage(chrome, homeList(this.lists, this.newest, job.page))
      case 'browse': {
        const members = this.terms.get(`${job.facet}/${job.key}`)
        if (!members) throw new Error(`no browse page ${job.path}`)
        return renderBrowsePage(chrome, browseList(this.lists, members, job.sort, job.page))
      }
      case 'index': {
        const index = this.lists.indexes[job.facet]
        if (!index) throw new Error(`no index page ${job.path}`)
        return renderFacetIndexPage(chrome, index)
      }
      case 'diary':
        return renderDiaryPage(chrome, await loadDiaryPage(this.site, job.page))
      case 'year':
        return renderYearInReviewPage(chrome, await loadYearInReview(this.site, job.year))
      case 'lists':
        return renderListsIndexPage(chrome, await loadListsIndex(this.site))
      case 'list':
        return renderListPage(chrome, await loadListPage(this.site, job.slug))
      case 'feed': {
        const data = await loadFeed(this.site, job.scope)
        return buildFeed({ ...data, baseUrl: feedBaseUrl, emptyUpdated: new Date(this.options.emptyFeedUpdated) }, job.format)
      }
      case 'sitemap':
        return buildSitemap(feedBaseUrl, (await loadSitemap(this.site, this.lists.published)).pages)
      case 'robots':
        return buildRobotsTxt(feedBaseUrl)
      case 'not-found':
        return renderNotFoundPage(chrome, null)
      case 'search':
        return renderStaticSearchPage(chrome)
    }
  }
}
