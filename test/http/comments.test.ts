import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signFormStamp } from '../../src/domain/comments.ts'
import { addUser } from '../../src/services/accounts.ts'
import { commentSecret } from '../../src/services/comments.ts'
import { openSite, type Site } from '../../src/services/site.ts'
import { createApp } from '../../src/web/app.tsx'
import { AdminClient } from '../helpers/admin-client.ts'
import { demoSite, tempDataDir } from '../helpers/server.ts'

// Comments through the whole app in process, on a real SQLite file with the demo loaded. The
// route reads the real clock, so "a person took 5 s" is a form stamp signed 5 s in the past.
const data = tempDataDir()
const PASSWORD = 'correct horse battery'
let site: Site
let app: ReturnType<typeof createApp>
let owner: AdminClient
let kim: AdminClient
let kimsSlug = ''

const SLUG = 'paper-lanterns-season-1'
let lastIp = 0
const freshIp = () => `10.20.${Math.floor(++lastIp / 250)}.${lastIp % 250}`

beforeAll(async () => {
  await demoSite(data.dir)
  site = await openSite({ dataDir: data.dir, databaseUrl: null })
  await addUser(site, { username: 'mira', displayName: 'Mira Chen', role: 'owner', password: PASSWORD })
  const k = await addUser(site, { username: 'kim', displayName: 'Kim Author', role: 'author', password: PASSWORD })
  kimsSlug = 'the-quiet-ward-season-1'
  await site.db.updateTable('reviews').set({ author_id: k.id }).where('slug', '=', kimsSlug).execute()
  app = createApp(site)
  owner = new AdminClient(app)
  expect((await owner.login('mira', PASSWORD)).status).toBe(303)
  kim = new AdminClient(app)
  expect((await kim.login('kim', PASSWORD)).status).toBe(303)
}, 120_000)

afterAll(async () => {
  await site.close()
  data.remove()
})

/** A stamp as the page would have carried it `msAgo` milliseconds ago. */
const stampAgo = async (msAgo = 5_000) => signFormStamp(new Date(Date.now() - msAgo), await commentSecret(site))

type PostOptions = { ip?: string; headers?: Record<string, string>; stamp?: string; slug?: string }

/** Posts the public comment form as a browser on this site would (same Origin, from one address). */
async function postComment(fields: Record<string, string>, options: PostOptions = {}): Promise<Response> {
  const body = new URLSearchParams({ name: 'Ana', email: '', website: '', body: 'Hello!', url: '', stamp: options.stamp ?? (await stampAgo()), ...fields })
  const headers = options.headers ?? { origin: 'http://localhost' }
  // @hono/node-server reads the client's address from the socket; in process we hand it one.
  const env = { incoming: { socket: { remoteAddress: options.ip ?? freshIp() } } }
  return app.request(`/reviews/${options.slug ?? SLUG}/comments`, { method: 'POST', body, headers }, env)
}

const page = async (slug = SLUG) => {
  const res = await app.request(`/reviews/${slug}`)
  expect(res.status).toBe(200)
  return res.text()
}
const commentRows = (where: { body?: string } = {}) => {
  let q = site.db.selectFrom('comments').selectAll()
  if (where.body) q = q.where('body', '=', where.body)
  return q.execute()
}
const idOf = async (body: string) => (await commentRows({ body }))[0]!.id

/** Posts a moderation button's form as the signed-in client. */
async function act(client: AdminClient, id: number, action: string, extra: Record<string, string> = {}) {
  const csrf = await client.csrfFrom('/admin')
  return client.post(`/admin/comments/${id}/${action}`, { _csrf: csrf, back: 'pending', ...extra })
}

describe('the comment form on a cached review page', () => {
  it('is on every review, and the cached page stays one copy for everyone: no cookie, no per-reader time', async () => {
    const first = await app.request(`/reviews/${SLUG}`)
    const html = await first.text()
    expect(first.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate')
    expect(first.headers.get('set-cookie')).toBeNull()
    expect(html).toContain(
      '<form class="comment-form" method="post" action="/reviews/paper-lanterns-season-1/comments#comment-form" style="--form-time: url(&quot;/reviews/paper-lanterns-season-1/comments/time&quot;)">',
    )
    expect(html).toContain('<input type="hidden" name="stamp" value=""/>')
    expect(html).toContain('<div class="hp-field" aria-hidden="true"><label for="comment-url">Leave this empty</label>')
    expect(html).toContain('<p class="comment-count"><a href="#comments">No comments yet</a></p>')
    const second = await app.request(`/reviews/${SLUG}`)
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'))
    expect(await second.text()).toBe(html)
    expect((await app.request(`/reviews/${SLUG}`, { headers: { 'if-none-match': first.headers.get('etag')! } })).status).toBe(304)
  })

  it('times the form from when a reader starts writing, in a cookie only the form’s POST carries', async () => {
    const time = await app.request(`/reviews/${SLUG}/comments/time`)
    expect(time.status).toBe(200)
    expect(time.headers.get('content-type')).toBe('image/gif')
    expect(time.headers.get('cache-control')).toBe('no-store')
    const cookie = time.headers.getSetCookie()[0]!
    expect(cookie).toMatch(/^dramalog_form_time=\d+\.[\w-]{32};/)
    for (const part of ['Max-Age=86400', 'Path=/reviews/paper-lanterns-season-1/comments', 'HttpOnly', 'SameSite=Strict']) expect(cookie).toContain(part)

    const pair = cookie.split(';')[0]!
    const fast = await postComment({ body: 'Cookie fast' }, { stamp: '', headers: { origin: 'http://localhost', cookie: pair } })
    expect(fast.status).toBe(422)
    expect(await fast.text()).toContain('That was quick!')
    const timed = await postComment({ body: 'Cookie timed' }, { stamp: '', headers: { origin: 'http://localhost', cookie: `dramalog_form_time=${await stampAgo()}` } })
    expect(timed.status).toBe(303)
    expect(timed.headers.getSetCookie()[0]).toMatch(/^dramalog_form_time=; Max-Age=0; .*Path=\/reviews\/paper-lanterns-season-1\/comments/)

    // Neither the cookie nor a stamp (say, a bot that loads no styles): refused once, with a timed form to send again.
    const untimed = await postComment({ body: 'No time at all' }, { stamp: '' })
    expect(untimed.status).toBe(422)
    const html = await untimed.text()
    expect(html).toContain('We could not check when this form was filled in. Your text is still here: please send it again.')
    expect(html).toContain('>No time at all</textarea>')
    expect(html).toMatch(/<input type="hidden" name="stamp" value="\d+\.[\w-]{32}"\/>/)
  })

  it('takes a comment without JavaScript, thanks the reader and shows it once approved; the cached page updates', async () => {
    const before = await app.request(`/reviews/${SLUG}`)
    const etag = before.headers.get('etag')!
    const res = await postComment({ name: 'Reader One', email: 'one@example.org', body: 'The café owner stole every scene.' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(`/reviews/${SLUG}/comments/thanks#comment-form`)
    const thanks = await app.request(res.headers.get('location')!)
    expect(thanks.status).toBe(200)
    expect(thanks.headers.get('cache-control')).toBe('no-store')
    expect(await thanks.text()).toContain('<p class="notice" role="status">Thanks! Your comment waits for moderation.</p>')
    // Waiting comments change nothing readers see: the cached page is still current.
    expect((await app.request(`/reviews/${SLUG}`, { headers: { 'if-none-match': etag } })).status).toBe(304)
    expect(await page()).not.toContain('stole every scene')

    const id = await idOf('The café owner stole every scene.')
    expect((await act(owner, id, 'approve')).status).toBe(303)
    const after = await app.request(`/reviews/${SLUG}`, { headers: { 'if-none-match': etag } })
    expect(after.status).toBe(200)
    const html = await after.text()
    expect(html).toContain(`<article class="comment" id="comment-${id}" aria-labelledby="comment-${id}-by">`)
    expect(html).toContain('The café owner stole every scene.')
    expect(html).not.toContain('one@example.org')
  })
})

describe('spam defences', () => {
  it('refuses a filled honeypot, keeping the text', async () => {
    const res = await postComment({ body: 'Honeypot text', url: 'http://bot.example' })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('<p class="form-error" role="alert">Please leave the field labelled “Leave this empty” empty, then send your comment again.</p>')
    expect(html).toContain('>Honeypot text</textarea>')
    expect(html).toMatch(/<input id="comment-url" name="url" type="text" tabindex="-1" autocomplete="off" value=""\/>/)
    expect(await commentRows({ body: 'Honeypot text' })).toEqual([])
  })

  it('refuses a form sent within 3 s, and a form older than a day, with a fresh stamp to try again', async () => {
    const fast = await postComment({ body: 'Speedy' }, { stamp: await stampAgo(500) })
    expect(fast.status).toBe(422)
    const html = await fast.text()
    expect(html).toContain('That was quick! Please read your comment over for a moment, then send it again.')
    expect(html).toContain('>Speedy</textarea>')
    expect(html).toMatch(/name="stamp" value="\d+\.[\w-]{32}"/)
    const stale = await postComment({ body: 'Old tab' }, { stamp: await stampAgo(86_400_000 + 60_000) })
    expect(stale.status).toBe(422)
    expect(await stale.text()).toContain('This form was open for more than a day, so it expired.')
    const forged = await postComment({ body: 'Forged' }, { stamp: `${Date.now() - 10_000}.${'A'.repeat(32)}` })
    expect(forged.status).toBe(422)
    expect(await commentRows({ body: 'Speedy' })).toEqual([])
  })

  it('limits each address to five comments in ten minutes', async () => {
    const ip = freshIp()
    for (let i = 1; i <= 5; i++) expect((await postComment({ body: `Rate ${i}` }, { ip })).status).toBe(303)
    const res = await postComment({ body: 'Rate 6' }, { ip })
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(590)
    const html = await res.text()
    expect(html).toContain('You have sent several comments in a short while. Please wait 10 minutes and try again.')
    expect(html).toContain('>Rate 6</textarea>')
    expect((await postComment({ body: 'Rate elsewhere' })).status).toBe(303)
  })

  it('refuses more than two links', async () => {
    const res = await postComment({ body: 'Buy http://a.example http://b.example http://c.example' })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('<p class="field-error" id="comment-body-error">Please include at most 2 links.</p>')
  })

  it('refuses posts from another site, or with no origin at all', async () => {
    const cross = await postComment({ body: 'Cross-site' }, { headers: { origin: 'https://evil.example' } })
    expect(cross.status).toBe(403)
    expect(await cross.text()).toBe('This comment was sent from another site and was refused.')
    expect((await postComment({ body: 'Cross referer' }, { headers: { referer: 'https://evil.example/page' } })).status).toBe(403)
    expect((await postComment({ body: 'Null origin' }, { headers: { origin: 'null' } })).status).toBe(403)
    expect((await postComment({ body: 'No origin' }, { headers: {} })).status).toBe(403)
    expect(await commentRows({ body: 'Cross-site' })).toEqual([])
    // A browser that sends only a same-site Referer is fine.
    expect((await postComment({ body: 'Referer only' }, { headers: { referer: `http://localhost/reviews/${SLUG}` } })).status).toBe(303)
  })
})

describe('escaping', () => {
  const XSS = '<script>alert(1)</script>'

  it('echoes refused input escaped in every field', async () => {
    const res = await postComment({ name: `${XSS}"><b`, email: `"><img src=x onerror=alert(1)>`, website: 'javascript:alert(1)', body: `${XSS}</textarea><b>` })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).not.toContain('<script>alert(1)')
    expect(html).not.toContain('<img src=x')
    expect(html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;b"')
    expect(html).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"')
    expect(html).toContain('value="javascript:alert(1)"')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;/textarea&gt;&lt;b&gt;</textarea>')
    expect(html).toContain('Use a web address such as https://example.com.')
  })

  it('shows approved payloads as text, on the review and in the queue, with safe links only', async () => {
    const body = `${XSS} <img src=x onerror=alert(1)>\nsee http://ok.example/"onmouseover="alert(1) and javascript:alert(2)`
    expect((await postComment({ name: `<b>Bold</b> ${XSS}`, website: 'https://site.example/?q="><script>', body })).status).toBe(303)
    const id = await idOf(body.trim())
    const queue = await (await owner.request('/admin/comments')).text()
    expect(queue).toContain('&lt;b&gt;Bold&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;')
    expect(queue).not.toContain('<script>alert(1)')
    await act(owner, id, 'approve')
    const html = await page()
    expect(html).not.toContain('<script>alert(1)')
    expect(html).not.toContain('<img src=x')
    expect(html).not.toContain('<b>Bold')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;<br/>see <a href="http://ok.example/" rel="nofollow ugc noopener">http://ok.example/</a>&quot;onmouseover=&quot;alert(1) and javascript:alert(2)')
    expect(html).toContain('<a class="comment-name" href="https://site.example/?q=%22%3E%3Cscript%3E" rel="nofollow ugc noopener">&lt;b&gt;Bold&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;</a>')
    expect(html).not.toMatch(/href="(?!https?:|\/|#)/)
  })
})

describe('moderation', () => {
  it('shows the queue with the pending count, and lets owners approve, spam and delete', async () => {
    for (const b of ['Queue A', 'Queue B', 'Queue C']) expect((await postComment({ name: 'Queuer', email: 'q@example.org', body: b })).status).toBe(303)
    const res = await owner.request('/admin/comments')
    expect(res.status).toBe(200)
    const html = await res.text()
    const pending = Number(/<span class="nav-count"><span class="visually-hidden">, <\/span>(\d+)/.exec(html)![1])
    expect(pending).toBe((await commentRows()).filter((c) => c.status === 'pending').length)
    expect(html).toContain('<a href="/admin/comments" aria-current="page">Comments')
    for (const label of ['Approve', 'Approve and trust this person', 'Mark as spam', 'Delete']) expect(html).toContain(`>${label}<span class="visually-hidden"> the comment by Queuer</span>`)

    const [a, b, c] = [await idOf('Queue A'), await idOf('Queue B'), await idOf('Queue C')]
    const approve = await act(owner, a, 'approve')
    expect(approve.headers.get('location')).toBe('/admin/comments')
    expect(await (await owner.request('/admin/comments')).text()).toContain('<p class="notice" role="status">Comment approved.</p>')
    expect((await act(owner, b, 'spam', { back: 'spam' })).headers.get('location')).toBe('/admin/comments?status=spam')
    expect(await (await owner.request('/admin/comments?status=spam')).text()).toContain('Queue B')
    expect((await act(owner, c, 'delete')).status).toBe(303)
    expect(await commentRows({ body: 'Queue C' })).toEqual([])
    const html2 = await page()
    expect(html2).toContain('Queue A')
    expect(html2).not.toContain('Queue B')
  })

  it('needs a signed-in user and the CSRF token', async () => {
    expect((await postComment({ body: 'Guarded' })).status).toBe(303)
    const id = await idOf('Guarded')
    const visitor = await app.request('/admin/comments')
    expect(visitor.status).toBe(303)
    expect(visitor.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2Fcomments')
    expect((await owner.post(`/admin/comments/${id}/approve`, { _csrf: 'wrong' })).status).toBe(403)
    expect((await commentRows({ body: 'Guarded' }))[0]!.status).toBe('pending')
  })

  it('lets an author see and moderate only the comments on their own reviews', async () => {
    expect((await postComment({ body: 'On Kim’s review' }, { slug: kimsSlug })).status).toBe(303)
    expect((await postComment({ body: 'Not Kim’s' })).status).toBe(303)
    const html = await (await kim.request('/admin/comments')).text()
    expect(html).toContain('On Kim’s review')
    expect(html).not.toContain('Not Kim’s')
    expect(html).toContain('<span class="visually-hidden">, </span>1<span class="visually-hidden"> waiting</span>')
    const refused = await act(kim, await idOf('Not Kim’s'), 'approve')
    expect(refused.status).toBe(403)
    expect(await refused.text()).toBe('You can moderate only the comments on your own reviews.')
    expect((await act(kim, await idOf('On Kim’s review'), 'approve')).status).toBe(303)
    expect(await page(kimsSlug)).toContain('On Kim’s review')
  })

  it('approves future comments of a trusted person at once', async () => {
    expect((await postComment({ name: 'Regular', email: 'regular@example.org', body: 'First visit' })).status).toBe(303)
    expect((await act(owner, await idOf('First visit'), 'trust')).status).toBe(303)
    const res = await postComment({ name: 'Regular', email: 'Regular@Example.org', body: 'Second visit' })
    expect(res.status).toBe(303)
    const id = await idOf('Second visit')
    expect(res.headers.get('location')).toBe(`/reviews/${SLUG}#comment-${id}`)
    expect(await page()).toContain('Second visit')
  })
})

describe('replies and the count', () => {
  it('nests one level of replies, refuses deeper ones, and counts them all near the headline', async () => {
    const slug = 'moonlit-ledger-season-1'
    expect((await postComment({ name: 'Top', body: 'Top-level thought' }, { slug })).status).toBe(303)
    const top = await idOf('Top-level thought')
    await act(owner, top, 'approve')
    let html = await page(slug)
    expect(html).toContain(`<details class="reply-box" id="reply-${top}"><summary>Reply<span class="visually-hidden"> to Top</span></summary>`)
    expect(html).toContain(`<input type="hidden" name="parentId" value="${top}"/>`)
    expect(html).toContain(`action="/reviews/${slug}/comments#reply-${top}"`)

    expect((await postComment({ name: 'Replier', body: 'A reader reply', parentId: String(top) }, { slug })).status).toBe(303)
    const reply = await idOf('A reader reply')
    await act(owner, reply, 'approve')
    const deeper = await postComment({ name: 'Deep', body: 'Reply to a reply', parentId: String(reply) }, { slug })
    expect(deeper.status).toBe(422)
    const refused = await deeper.text()
    // The reply's comment is not shown with a form of its own, so the main form carries the text and the reason.
    expect(refused).toContain('<p class="form-error" role="alert">Replies go under a comment, not under another reply.</p>')
    expect(refused).toContain('>Reply to a reply</textarea>')

    // The site's own reply from the moderation page: published at once, marked as the author's.
    const csrf = await owner.csrfFrom('/admin/comments?status=approved')
    expect((await owner.post(`/admin/comments/${top}/reply`, { _csrf: csrf, back: 'approved', body: 'Thanks for reading!' })).headers.get('location')).toBe('/admin/comments?status=approved')
    expect((await owner.post(`/admin/comments/${reply}/reply`, { _csrf: csrf, body: 'Nested' })).status).toBe(422)

    html = await page(slug)
    expect(html).toContain('<p class="comment-count"><a href="#comments">3 comments</a></p>')
    expect(html).toContain('<h2 id="comments-h">3 comments</h2>')
    const replies = html.slice(html.indexOf('<ol class="comment-replies" aria-label="Replies to Top">'))
    expect(replies.indexOf('A reader reply')).toBeGreaterThan(0)
    expect(replies).toMatch(/<article class="comment is-reply by-author"[^>]*>.*?<span class="comment-name">Mira Chen<\/span><span class="badge">Author<\/span>/)
  })

  it('re-opens a refused reply form under its comment with the text kept', async () => {
    const slug = 'salt-and-honey-season-1'
    expect((await postComment({ name: 'Host', body: 'Host comment' }, { slug })).status).toBe(303)
    const top = await idOf('Host comment')
    await act(owner, top, 'approve')
    const res = await postComment({ name: 'Guest', body: 'Quick reply', parentId: String(top) }, { slug, stamp: await stampAgo(100) })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain(`<details class="reply-box" id="reply-${top}" open="">`)
    expect(html).toContain(`<textarea id="reply-${top}-body" name="body" rows="4" required="" maxlength="5000"`)
    expect(html).toContain('>Quick reply</textarea>')
    expect(html).toContain('<textarea id="comment-body" name="body" rows="6" required="" maxlength="5000" aria-describedby="comment-body-hint"></textarea>')
  })
})
