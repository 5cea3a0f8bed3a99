import type { Hono } from 'hono'

/**
 * A tiny cookie-keeping client, signing in like a browser does: for `app.request` when given the
 * app, or for a real server over HTTP when given its address.
 */
export class AdminClient {
  readonly cookies = new Map<string, string>()
  constructor(private readonly app: Hono<any> | string, private readonly headers: Record<string, string> = {}) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    for (const [k, v] of Object.entries(this.headers)) if (!headers.has(k)) headers.set(k, v)
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    const res = typeof this.app === 'string'
      ? await fetch(this.app + path, { ...init, headers, redirect: 'manual' })
      : await this.app.request(path, { ...init, headers, redirect: 'manual' })
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const [name, ...value] = pair!.split('=')
      if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name!)
      else this.cookies.set(name!, value.join('='))
    }
    return res
  }

  /** The CSRF token forms carry: read from the page's hidden field. */
  async csrfFrom(path: string): Promise<string> {
    const html = await (await this.request(path)).text()
    const m = /name="_csrf" value="([^"]+)"/.exec(html)
    if (!m) throw new Error(`no CSRF field on ${path}`)
    return m[1]!
  }

  async post(path: string, fields: Record<string, string | Blob>, options: { multipart?: boolean; headers?: Record<string, string> } = {}): Promise<Response> {
    let body: BodyInit
    if (options.multipart || Object.values(fields).some((v) => v instanceof Blob)) {
      const form = new FormData()
      for (const [k, v] of Object.entries(fields)) form.append(k, v)
      body = form
    } else body = new URLSearchParams(fields as Record<string, string>)
    return this.request(path, { method: 'POST', body, headers: options.headers })
  }

  async login(username: string, password: string): Promise<Response> {
    const csrf = await this.csrfFrom('/admin/login')
    return this.post('/admin/login', { _csrf: csrf, username, password, next: '/admin' })
  }
}
