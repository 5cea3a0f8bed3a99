import { randomBytes } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { DramalogError } from '../domain/errors.ts'
import type { Role, SessionUser } from '../domain/user.ts'
import { sameSecret, sessionFor } from '../services/accounts.ts'
import type { Site } from '../services/site.ts'

export const SESSION_COOKIE = 'dramalog_session'
const PRE_SESSION_COOKIE = 'dramalog_csrf'

/** What the auth middleware puts on every request. */
export type AuthEnv = {
  Variables: {
    user: SessionUser | null
    /** The token forms must echo back in `_csrf`: the session's, or a pre-session one for the login form. */
    csrf: string
    sessionToken: string | null
  }
}

/** True when the reader reached us over HTTPS (directly or through a proxy that says so). */
export function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https'
}

/** Cookie options every Dramalog cookie shares: HttpOnly, SameSite=Lax, Secure behind HTTPS. */
export function cookieOptions(c: Context, maxAgeSeconds?: number) {
  return { httpOnly: true, sameSite: 'Lax' as const, secure: isHttps(c), path: '/', ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }) }
}

/** Loads the signed-in user from the session cookie; sets a pre-session CSRF cookie for visitors. */
export function sessionMiddleware(site: Site): MiddlewareHandler<AuthEnv> {
  return async function session(c, next) {
    const token = getCookie(c, SESSION_COOKIE) ?? null
    const found = token ? await sessionFor(site, token) : undefined
    c.set('user', found?.user ?? null)
    c.set('sessionToken', found ? token : null)
    if (found) c.set('csrf', found.csrfToken)
    else {
      let pre = getCookie(c, PRE_SESSION_COOKIE)
      if (!pre || !/^[\w-]{32}$/.test(pre)) {
        pre = randomBytes(24).toString('base64url')
        setCookie(c, PRE_SESSION_COOKIE, pre, cookieOptions(c, 60 * 60 * 24))
      }
      c.set('csrf', pre)
    }
    await next()
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Refuses state-changing requests without the form's CSRF token (field `_csrf` or header
 * `X-CSRF-Token`) or from another origin, with 403 and nothing changed.
 */
export const csrfGuard: MiddlewareHandler<AuthEnv> = async function csrfGuard(c, next) {
  if (SAFE_METHODS.has(c.req.method)) return next()
  const origin = c.req.header('origin')
  if (origin && origin !== 'null' && new URL(origin).host !== new URL(c.req.url).host && origin !== new URL(c.req.url).origin) {
    throw new DramalogError('forbidden', 'This form was sent from another site and was refused.')
  }
  let sent = c.req.header('x-csrf-token') ?? ''
  if (!sent) {
    const type = c.req.header('content-type') ?? ''
    if (type.includes('form')) {
      const body = await c.req.parseBody()
      sent = typeof body._csrf === 'string' ? body._csrf : ''
    }
  }
  if (!sent || !sameSecret(sent, c.get('csrf'))) {
    throw new DramalogError('forbidden', 'The form has expired or did not come from this site. Go back, reload the page and try again.')
  }
  return next()
}

/** Lets only signed-in users through; others are sent to the login page (or refused for non-GET). */
export const requireUser: MiddlewareHandler<AuthEnv> = async function requireUser(c, next) {
  if (c.get('user')) return next()
  if (c.req.method === 'GET') return c.redirect(`/admin/login?next=${encodeURIComponent(c.req.path)}`, 303)
  return c.text('Sign in first.', 401)
}

/** Lets only users with one of these roles through. */
export function requireRole(...roles: Role[]): MiddlewareHandler<AuthEnv> {
  return async function roleGuard(c, next) {
    const user = c.get('user')
    if (!user) return requireUser(c, next)
    // Thrown, so the app's error handler answers in the site's language.
    if (!roles.includes(user.role)) throw new DramalogError('forbidden', 'Your role does not allow this.')
    return next()
  }
}
