import { Hono } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { getConnInfo } from '@hono/node-server/conninfo'
import { BadCredentialsError, login, logout, ThrottledError } from '../../services/accounts.ts'
import type { Site } from '../../services/site.ts'
import { LoginPage } from '../../views/admin/login-page.tsx'
import { renderDocument } from '../../views/render.ts'
import { cookieOptions, SESSION_COOKIE, type AuthEnv } from '../auth.ts'
import { SESSION_DAYS } from '../../services/accounts.ts'
import type { Chrome } from '../../views/layout.tsx'

/** Only same-site paths are followed after sign-in. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : '/admin'
}

/** The address a request came from, for login throttling. */
function clientAddress(c: Parameters<typeof getConnInfo>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

/** Sign-in and sign-out. */
export function adminAuthRoutes(site: Site, chrome: () => Promise<Chrome>): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>()

  app.get('/admin/login', async (c) => {
    if (c.get('user')) return c.redirect(safeNext(c.req.query('next')), 303)
    return c.html(renderDocument(<LoginPage chrome={await chrome()} csrf={c.get('csrf')} next={safeNext(c.req.query('next'))} />))
  })

  app.post('/admin/login', async (c) => {
    const body = await c.req.parseBody()
    const username = typeof body.username === 'string' ? body.username : ''
    const password = typeof body.password === 'string' ? body.password : ''
    const next = safeNext(body.next)
    try {
      const session = await login(site, username, password, clientAddress(c))
      setCookie(c, SESSION_COOKIE, session.token, cookieOptions(c, SESSION_DAYS * 86_400))
      return c.redirect(next, 303)
    } catch (err) {
      if (!(err instanceof BadCredentialsError || err instanceof ThrottledError)) throw err
      const status = err instanceof ThrottledError ? 429 : 401
      if (err instanceof ThrottledError) c.header('Retry-After', String(err.retryAfterSeconds))
      const page = <LoginPage chrome={await chrome()} csrf={c.get('csrf')} next={next} username={username} error={err.message} />
      return c.html(renderDocument(page), status)
    }
  })

  app.post('/admin/logout', async (c) => {
    const token = c.get('sessionToken')
    if (token) await logout(site, token)
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: cookieOptions(c).secure })
    return c.redirect('/admin/login', 303)
  })

  return app
}
