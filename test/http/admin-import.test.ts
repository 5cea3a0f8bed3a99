import { readdirSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AdminClient } from '../helpers/admin-client.ts'
import { runCli, startServer, tempDataDir, type RunningServer } from '../helpers/server.ts'

// The admin import page through a real `dramalog serve` process on a real SQLite file: real
// multipart uploads, real sessions and CSRF tokens, and the public pages the imports produce.
const PASSWORD = 'correct horse battery'
let server: RunningServer
const data = tempDataDir()

beforeAll(async () => {
  // The first account is the owner; then an editor and an author.
  expect((await runCli(['user', 'add', 'mira', '--name', 'Mira Chen'], data.dir, `${PASSWORD}\n`)).code).toBe(0)
  expect((await runCli(['user', 'add', 'eddie', '--name', 'Eddie Park', '--role', 'editor'], data.dir, `${PASSWORD}\n`)).code).toBe(0)
  expect((await runCli(['user', 'add', 'ana', '--name', 'Ana Reyes', '--role', 'author'], data.dir, `${PASSWORD}\n`)).code).toBe(0)
  server = await startServer(data.dir)
}, 180_000)

afterAll(async () => {
  await server?.stop()
  data.remove()
})

// Whatever a test did, the upload folder is gone once its response has arrived.
afterEach(() => {
  const left = readdirSync(data.dir).filter((n) => n.startsWith('.uploads-') || n.startsWith('.import-'))
  for (const n of left) rmSync(join(data.dir, n), { recursive: true, force: true })
  expect(left).toEqual([])
})

/** The admin client over real HTTP, with the import form. */
class Client extends AdminClient {
  constructor() {
    super(server.url)
  }

  async signIn(username: string): Promise<this> {
    expect((await this.login(username, PASSWORD)).status).toBe(303)
    return this
  }

  /** Posts the import form with the given files, as a browser's multipart form does. */
  async upload(files: { name: string; text: string }[], options: { dryRun?: boolean; onConflict?: 'update' | 'skip'; csrf?: string | null } = {}): Promise<Response> {
    const form = new FormData()
    const csrf = options.csrf === undefined ? await this.csrfFrom('/admin/import') : options.csrf
    if (csrf !== null) form.append('_csrf', csrf)
    for (const f of files) form.append('files', new File([f.text], f.name, { type: 'text/plain' }))
    form.append('onConflict', options.onConflict ?? 'update')
    if (options.dryRun) form.append('dryRun', '1')
    return this.request('/admin/import', { method: 'POST', body: form })
  }
}

const signedIn = (username: string) => new Client().signIn(username)

/** The page's text as a reader sees it: tags dropped, entities decoded, spaces collapsed. */
function textOf(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
}

/** A review as copied off an old blog page, in the house format (see demo/reviews). */
function pasted(r: { title: string; headline: string; year?: string; origin?: string; season?: string }): string {
  return `Year: ${r.year ?? '2023'}
Origin: ${r.origin ?? 'Japan'}
Season: ${r.season ?? '1'}
Platform: Netflix
First Watch: Yes
Review Date: 2024 2 Feb
Facepalm Meter: 🤦🏻‍♀️🤦🏻‍♀️

Would you queue at midnight for a loaf of bread?

${r.title} – ${r.headline}

A gentle show about flour, night shifts and the people who buy bread at two in the morning.

Story / Writing – Proves Slowly

The story takes its time, then forgets where it was going around episode nine.

Acting – Floury But Fine

The lead bakes with real conviction and everyone around her is charming enough.
`
}

const MIDNIGHT = { name: 'midnight-bakery.txt', text: pasted({ title: 'Midnight Bakery', headline: 'Warm Bread, Cold Plot' }) }
const HARBOUR = { name: 'harbour-lights.txt', text: pasted({ title: 'Harbour Lights', headline: 'Fog, Ferries And Feelings', origin: 'Korea', season: '2' }) }

async function status(path: string): Promise<number> {
  return (await fetch(server.url + path, { redirect: 'manual' })).status
}

describe('the import page', () => {
  it('imports two pasted-text files for an editor and serves the reviews', async () => {
    const eddie = await signedIn('eddie')
    const page = await eddie.request('/admin/import')
    expect(page.status).toBe(200)
    const form = await page.text()
    expect(form).toContain('enctype="multipart/form-data"')
    expect(form).toMatch(/<input type="file" id="import-files" name="files" multiple="" required="" accept="\.txt,\.md,\.markdown,\.json[^"]*"/)
    expect(form).toContain('<legend>If a review is already on the site</legend>')

    const res = await eddie.upload([MIDNIGHT, HARBOUR])
    expect(res.status).toBe(200)
    const html = await res.text()
    const text = textOf(html)
    expect(html).toContain('role="status"')
    expect(text).toContain('Import finished')
    expect(text).toContain('Read 2 files: 2 reviews saved (2 new, 0 updated), 0 skipped.')
    expect(html).toContain('<a href="/reviews/midnight-bakery-season-1">/reviews/midnight-bakery-season-1</a>')
    expect(html).toContain('<a href="/reviews/harbour-lights-season-2">/reviews/harbour-lights-season-2</a>')
    expect(html).not.toContain('.uploads-')

    const review = await fetch(`${server.url}/reviews/harbour-lights-season-2`)
    expect(review.status).toBe(200)
    const reviewText = textOf(await review.text())
    expect(reviewText).toContain('Fog, Ferries And Feelings')
    expect(reviewText).toContain('South Korea')
    expect(await status('/reviews/midnight-bakery-season-1')).toBe(200)
  })

  it('checks only on a dry run, writing nothing', async () => {
    const mira = await signedIn('mira')
    const file = { name: 'rice-field.txt', text: pasted({ title: 'Rice Field Detective', headline: 'Muddy Boots, Sharp Mind' }) }
    const res = await mira.upload([file], { dryRun: true })
    expect(res.status).toBe(200)
    const html = await res.text()
    const text = textOf(html)
    expect(text).toContain('Check passed: nothing was written')
    expect(text).toContain('Importing 1 file would add 1 new review, update 0 and skip 0.')
    expect(text).toContain('Nothing was written. To import for real, choose the files again and untick “Check only”.')
    expect(text).toContain('/reviews/rice-field-detective-season-1')
    // The box stays ticked, as the editor left it.
    expect(html).toMatch(/<input type="checkbox" id="import-dry-run" name="dryRun" value="1" checked=""/)
    expect(await status('/reviews/rice-field-detective-season-1')).toBe(404)
  })

  it('lists every problem of a bad upload with its file and line, and writes nothing at all', async () => {
    const eddie = await signedIn('eddie')
    const good = { name: 'good.txt', text: pasted({ title: 'Paper Moon Diner', headline: 'Pancakes At Dawn' }) }
    const bad = { name: 'bad.txt', text: pasted({ title: 'Broken Compass', headline: 'Lost At Sea', year: 'twenty-twenty' }) }
    const res = await eddie.upload([good, bad])
    expect(res.status).toBe(422)
    const html = await res.text()
    const text = textOf(html)
    expect(html).toContain('role="alert"')
    expect(text).toContain('One problem in 1 file; nothing was written')
    expect(text).toContain('bad.txt:1: year: "twenty-twenty" is not a year')
    expect(html).not.toContain('.uploads-')
    expect(html).not.toContain(data.dir)
    expect(await status('/reviews/paper-moon-diner-season-1')).toBe(404)
    expect(await status('/reviews/broken-compass-season-1')).toBe(404)
  })

  it('names a file by its base name even when the browser sends a path', async () => {
    const eddie = await signedIn('eddie')
    const res = await eddie.upload([{ name: '../../outside/escape.txt', text: 'Year: 2020\n\nno title line here\n' }])
    expect(res.status).toBe(422)
    const text = textOf(await res.text())
    expect(text).toMatch(/ escape\.txt:\d+: \w+: /)
    expect(text).not.toContain('outside/escape.txt')
  })

  it('leaves reviews already on the site alone with "skip", and updates them with "update"', async () => {
    const mira = await signedIn('mira')
    const edited = { ...MIDNIGHT, text: MIDNIGHT.text.replace('Warm Bread, Cold Plot', 'Warm Bread, Warmer Heart') }
    const skipped = await mira.upload([edited], { onConflict: 'skip' })
    expect(skipped.status).toBe(200)
    const text = textOf(await skipped.text())
    expect(text).toContain('Read 1 file: 0 reviews saved (0 new, 0 updated), 1 skipped.')
    expect(text).toContain('Skipped (1)')
    expect(text).toContain('already on the site as /reviews/midnight-bakery-season-1 (1) midnight-bakery.txt:1 review "Midnight Bakery"')
    expect(textOf(await (await fetch(`${server.url}/reviews/midnight-bakery-season-1`)).text())).toContain('Warm Bread, Cold Plot')

    const updated = await mira.upload([edited], { onConflict: 'update' })
    expect(updated.status).toBe(200)
    expect(textOf(await updated.text())).toContain('Read 1 file: 1 review saved (0 new, 1 updated), 0 skipped.')
    expect(textOf(await (await fetch(`${server.url}/reviews/midnight-bakery-season-1`)).text())).toContain('Warm Bread, Warmer Heart')
  })

  it('refuses a file the importer does not take, naming it, and imports none of the others', async () => {
    const mira = await signedIn('mira')
    const keep = { name: 'cloud-atlas-cafe.txt', text: pasted({ title: 'Cloud Atlas Cafe', headline: 'Coffee With A View' }) }
    const res = await mira.upload([keep, { name: 'notes.docx', text: 'PK…' }])
    expect(res.status).toBe(422)
    const text = textOf(await res.text())
    expect(text).toContain('notes.docx:1: (file): ".docx" files cannot be imported; choose .txt, .md, .markdown, .json')
    expect(text).toContain('nothing was written')
    expect(await status('/reviews/cloud-atlas-cafe-season-1')).toBe(404)
  })

  it('asks for a file when none was chosen', async () => {
    const mira = await signedIn('mira')
    const csrf = await mira.csrfFrom('/admin/import')
    const form = new FormData()
    form.append('_csrf', csrf)
    // What a browser sends for an empty file input: one nameless, empty part.
    form.append('files', new File([], '', { type: 'application/octet-stream' }))
    form.append('onConflict', 'update')
    const res = await mira.request('/admin/import', { method: 'POST', body: form })
    expect(res.status).toBe(422)
    expect(textOf(await res.text())).toContain('Choose at least one file to import.')
  })
})

describe('who may import', () => {
  it('shows the Import link to owners and editors only', async () => {
    for (const [user, shown] of [['mira', true], ['eddie', true], ['ana', false]] as const) {
      const html = await (await (await signedIn(user)).request('/admin')).text()
      expect(html.includes('<a href="/admin/import"'), user).toBe(shown)
    }
  })

  it('refuses authors, even with a valid form', async () => {
    const ana = await signedIn('ana')
    expect((await ana.request('/admin/import')).status).toBe(403)
    const csrf = await ana.csrfFrom('/admin')
    const file = { name: 'author.txt', text: pasted({ title: 'Author Only Drama', headline: 'Should Not Land' }) }
    const res = await ana.upload([file], { csrf })
    expect(res.status).toBe(403)
    expect(await status('/reviews/author-only-drama-season-1')).toBe(404)
  })

  it('sends visitors to the login page', async () => {
    const res = await fetch(`${server.url}/admin/import`, { redirect: 'manual' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2Fimport')
  })

  it('refuses a multipart post without its CSRF token, or with a wrong one', async () => {
    const eddie = await signedIn('eddie')
    const file = { name: 'forged.txt', text: pasted({ title: 'Forged Letter', headline: 'Signed By Nobody' }) }
    for (const csrf of [null, 'x'.repeat(32)]) {
      const res = await eddie.upload([file], { csrf })
      expect(res.status).toBe(403)
      expect(await res.text()).toContain('The form has expired or did not come from this site.')
    }
    expect(await status('/reviews/forged-letter-season-1')).toBe(404)
  })
})

describe('upload size', () => {
  it('refuses an upload over the limit with a 413 page, before reading it', async () => {
    const eddie = await signedIn('eddie')
    const csrf = await eddie.csrfFrom('/admin/import')
    const url = new URL(`${server.url}/admin/import`)
    const boundary = 'dramalog-test-boundary'
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="huge.json"\r\n\r\n`
    // Announce 300 MB, send a few bytes: the answer must come without the rest.
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(url, {
        method: 'POST',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(300 * 1024 * 1024),
          cookie: [...eddie.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      })
      req.on('response', (r) => {
        let body = ''
        r.setEncoding('utf8')
        r.on('data', (d: string) => (body += d))
        r.on('end', () => {
          resolve({ status: r.statusCode ?? 0, body })
          req.destroy()
        })
      })
      req.on('error', reject)
      req.setTimeout(10_000, () => {
        req.destroy()
        reject(new Error('no answer until the whole announced body is sent'))
      })
      req.write(head)
    })
    expect(res.status).toBe(413)
    expect(textOf(res.body)).toContain('The upload is larger than 200 MB; nothing was read or written.')
    // The page keeps the admin frame and the form, so the editor can try again with fewer files.
    expect(res.body).toContain('<form method="post" action="/admin/import" enctype="multipart/form-data"')
  }, 20_000)
})
