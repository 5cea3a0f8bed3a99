import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { getConnInfo } from '@hono/node-server/conninfo'
import { COMMENT_FORM_FIELDS, CommentStatus, type CommentFormState, type CommentFormValues } from '../../domain/comments.ts'
import { DramalogError, NotFoundError } from '../../domain/errors.ts'
import { translatorFor } from '../../domain/i18n.ts'
import type { SessionUser } from '../../domain/user.ts'
import {
  CommentRefusedError, issueFormStamp, loadModerationQueue, moderateComment, postComment, replyAsAuthor,
  type ModerationAction,
} from '../../services/comments.ts'
import { loadReviewPage } from '../../services/pages.ts'
import type { Site } from '../../services/site.ts'
import { getSiteSettings } from '../../store/settings.ts'
import type { AdminChrome } from '../../views/admin/admin-layout.tsx'
import { CommentsAdminPage, queueHref } from '../../views/admin/comments-admin.tsx'
import { renderDocument } from '../../views/render.ts'
import { cookieOptions, requireUser, type AuthEnv } from '../auth.ts'
import { pageNumber } from '../page-response.ts'
import { siteTranslator } from '../site-language.ts'
import { chromeFor, renderReviewPage } from '../../pages/public-pages.tsx'

type C = Context<AuthEnv>

/** Shown once a comment is in the moderation queue. */
const EN = translatorFor('en').t

export const THANKS_NOTICE = EN('form.comment.thanks')

// What the last moderation did, shown once on the queue it redirects to.
const FLASH_COOKIE = 'dramalog_comments_flash'
const FLASH: Record<string, string> = {
  approve: EN('form.moderation.approved'),
  trust: EN('form.moderation.trusted'),
  spam: EN('form.moderation.spam'),
  delete: EN('form.moderation.deleted'),
  reply: EN('form.moderation.reply'),
}

// The signed time a reader started writing, set by the form-time image and sent back only with the form's POST.
const FORM_TIME_COOKIE = 'dramalog_form_time'
// The smallest transparent GIF: what the form-time address answers with.
const PIXEL = Uint8Array.from(Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'))

/** The address a public form came from, for the rate limits (the socket's, as for login throttling). */
export function clientAddress(c: C): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

/**
 * CSRF defence for the public comment form. The review page is cached and shared by every reader,
 * so it cannot embed a per-visitor token, and public pages set no cookies (sessionMiddleware is not
 * applied to them), so there is no double-submit cookie either. Instead a comment must come from a
 * page of this site: browsers send `Origin` with every form POST (and `Referer`, which our
 * strict-origin-when-cross-origin policy keeps for same-origin requests), and another site cannot
 * forge either. A request with neither is refused. What a forged post could gain is small anyway,
 * since the form carries no privilege; it still meets the honeypot, the signed form time, the link
 * limit, the per-address rate limit and moderation.
 */
export function sameOriginOnly(site: Site, refusal: string | (() => Promise<string>) = async () => (await siteTranslator(site)).t('comment.otherSite')): MiddlewareHandler<AuthEnv> {
  // The site's public address, and a static copy's whose review pages post their forms here.
  const configured = [site.baseUrl, site.staticUrl].flatMap((u) => (u ? [new URL(u).host] : []))
  return async function sameOrigin(c, next) {
    const hosts = new Set([new URL(c.req.url).host, ...configured])
    const hostOf = (value: string | undefined) => {
      if (!value || value === 'null') return null
      try {
        return new URL(value).host
      } catch {
        return null
      }
    }
    const origin = hostOf(c.req.header('origin'))
    const from = origin ?? hostOf(c.req.header('referer'))
    if (from === null || !hosts.has(from)) return c.text(typeof refusal === 'string' ? refusal : await refusal(), 403)
    return next()
  }
}

/** The form's own fields as strings; files and unknown keys are dropped. */
function formValues(body: Record<string, unknown>): CommentFormValues {
  const values: CommentFormValues = {}
  for (const f of COMMENT_FORM_FIELDS) {
    const v = body[f]
    if (typeof v === 'string') values[f] = v
  }
  return values
}

/** The signed-in user; routes that call this sit behind `requireUser`. */
function signedIn(c: C): SessionUser {
  const user = c.get('user')
  if (!user) throw new Error('comment moderation reached without a signed-in user')
  return user
}

const reviewPath = (slug: string) => `/reviews/${encodeURIComponent(slug)}`

/** Reader comments on review pages, and their moderation under /admin/comments. */
export function commentRoutes(site: Site): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>()

  /**
   * The minimum fill time needs the moment this reader began, but the review page is one cached
   * copy for everyone (identical bytes per ETag, compressed once), so it cannot carry a per-reader
   * time. Instead the stylesheet loads this address as a background image when a comment form
   * first gets focus (`.comment-form:focus-within`, no JavaScript), and the answer sets a signed
   * time in a cookie whose path is the form's own POST address: it never travels with page requests,
   * so no cache sees it. Forms rendered for one reader (refusals, the thank-you page) carry the time
   * in their `stamp` field instead.
   */
  app.get('/reviews/:slug/comments/time', async (c) => {
    const path = `${reviewPath(c.req.param('slug'))}/comments`
    setCookie(c, FORM_TIME_COOKIE, await issueFormStamp(site), { ...cookieOptions(c, 86_400), path, sameSite: 'Strict' })
    c.header('Cache-Control', 'no-store')
    c.header('Content-Type', 'image/gif')
    return c.body(PIXEL)
  })

  /** The review page rendered for one reader (never cached): a refused form with its text, or the thank-you notice. */
  async function reviewWithForm(c: C, slug: string, form: Omit<CommentFormState, 'stamp'>, status: 200 | 422 | 429) {
    const data = await loadReviewPage(site, slug)
    const commentForm: CommentFormState = { ...form, stamp: await issueFormStamp(site) }
    c.header('Cache-Control', 'no-store')
    c.header('X-Robots-Tag', 'noindex')
    return c.html(renderReviewPage(chromeFor(site, data.settings), data.record, data.comments, commentForm), status)
  }

  // Someone reloading the address a refused form was posted to gets the review.
  app.get('/reviews/:slug/comments', (c) => c.redirect(`${reviewPath(c.req.param('slug'))}#comments`, 301))

  app.post(
    '/reviews/:slug/comments',
    bodyLimit({ maxSize: 64 * 1024, onError: async (c) => c.text((await siteTranslator(site)).t('comment.tooLarge'), 413) }),
    sameOriginOnly(site),
    async (c) => {
      const slug = c.req.param('slug')
      const values = formValues(await c.req.parseBody())
      const stamp = values.stamp?.trim() || getCookie(c, FORM_TIME_COOKIE)
      try {
        const posted = await postComment(site, slug, { ...values, stamp }, { ip: clientAddress(c) })
        deleteCookie(c, FORM_TIME_COOKIE, { path: `${reviewPath(slug)}/comments`, secure: cookieOptions(c).secure })
        // A trusted writer's comment is on the page already; everyone else gets the notice (on its own
        // uncached address, so the shared review page never varies by reader).
        if (posted.status === 'approved') return c.redirect(`${reviewPath(slug)}#comment-${posted.id}`, 303)
        return c.redirect(`${reviewPath(slug)}/comments/thanks#comment-form`, 303)
      } catch (err) {
        if (!(err instanceof CommentRefusedError)) throw err
        if (err.retryAfterSeconds !== null) c.header('Retry-After', String(err.retryAfterSeconds))
        const parentId = /^[1-9]\d{0,9}$/.test(values.parentId ?? '') ? Number(values.parentId) : null
        const { url: _honeypot, stamp: _stamp, ...kept } = values
        return reviewWithForm(c, slug, { values: kept, parentId, errors: err.errors }, err.reason === 'rate_limited' ? 429 : 422)
      }
    },
  )

  app.get('/reviews/:slug/comments/thanks', (c) => reviewWithForm(c, c.req.param('slug'), { notice: THANKS_NOTICE }, 200))

  /** The queue page, with an error when an action was refused. */
  async function queuePage(c: C, status: CommentStatus, page: number, notice: string | null, error: string | null, code: 200 | 422) {
    const user = signedIn(c)
    const [queue, settings] = await Promise.all([loadModerationQueue(site, user, status, page), getSiteSettings(site.db)])
    const chrome: AdminChrome = { ...chromeFor(site, settings), user, csrf: c.get('csrf'), pendingComments: queue.counts.pending }
    c.header('Cache-Control', 'no-store')
    return c.html(renderDocument(<CommentsAdminPage chrome={chrome} queue={queue} notice={notice} error={error} />), code)
  }

  app.get('/admin/comments', requireUser, async (c) => {
    const status = CommentStatus.safeParse(c.req.query('status') ?? 'pending')
    if (!status.success) throw new NotFoundError('comment list', c.req.query('status') ?? '')
    const flash = getCookie(c, FLASH_COOKIE)
    if (flash) deleteCookie(c, FLASH_COOKIE, { path: '/admin/comments', secure: cookieOptions(c).secure })
    return queuePage(c, status.data, pageNumber(c.req.query('page')), (flash && FLASH[flash]) || null, null, 200)
  })

  /** Runs a moderation step; a refusal the moderator can act on re-renders the queue with the reason. */
  async function moderate(c: C, what: keyof typeof FLASH, step: (user: SessionUser, body: Record<string, unknown>) => Promise<unknown>) {
    const body = await c.req.parseBody()
    const back = CommentStatus.safeParse(body.back)
    const status = back.success ? back.data : 'pending'
    try {
      await step(signedIn(c), body)
    } catch (err) {
      if (err instanceof DramalogError && err.code === 'invalid_input') return queuePage(c, status, 1, null, err.message, 422)
      throw err
    }
    setCookie(c, FLASH_COOKIE, what, { ...cookieOptions(c, 60), path: '/admin/comments' })
    return c.redirect(queueHref(status), 303)
  }

  app.post('/admin/comments/:id{[0-9]+}/:action{approve|trust|spam|delete}', requireUser, (c) => {
    const action = c.req.param('action') as ModerationAction
    return moderate(c, action, (user) => moderateComment(site, user, Number(c.req.param('id')), action))
  })

  app.post('/admin/comments/:id{[0-9]+}/reply', requireUser, (c) =>
    moderate(c, 'reply', (user, body) => replyAsAuthor(site, user, Number(c.req.param('id')), typeof body.body === 'string' ? body.body : '')),
  )

  return app
}
