import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { request as httpRequest, type Server } from 'node:http'
import { connect, type Socket } from 'node:net'
import { dirname, join } from 'node:path'
import { crc32 } from 'node:zlib'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addUser } from '../../src/services/accounts.ts'
import { importFiles } from '../../src/services/import-files.ts'
import { openSite, type Site } from '../../src/services/site.ts'
import { renderPoster } from '../../src/media/posters.ts'
import { createApp } from '../../src/web/app.tsx'
import { IMPORT_MAX_MEGABYTES } from '../../src/web/routes/admin-import.tsx'
import { EDITOR_MAX_BYTES, FORM_MAX_BYTES } from '../../src/web/request-limits.ts'
import { SERVER_TIMEOUTS, startServer } from '../../src/web/server.ts'
import { AdminClient } from '../helpers/admin-client.ts'
import { tempDataDir } from '../helpers/server.ts'
import { declareUncompressedSize, writeHostileZip, zipBytes } from '../helpers/zip.ts'

// What one client can make the server do with oversized, endless, slow or hostile input: every
// body has a ceiling, archives and images are refused before they expand, slow clients are cut
// off, and readers are served all the while.
const PASSWORD = 'correct horse battery'
const data = tempDataDir('dramalog-limits-')
let site: Site
let app: ReturnType<typeof createApp>
const SLUG = 'steady-review'

beforeAll(async () => {
  site = await openSite({ dataDir: data.dir, databaseUrl: null })
  app = createApp(site)
  await addUser(site, { username: 'olive', displayName: 'Olive Owner', role: 'owner', password: PASSWORD })
  const file = join(data.dir, 'review.json')
  writeFileSync(file, JSON.stringify([{ slug: SLUG, title: 'Steady Review', intro: 'Calm text.', status: 'published' }]))
  await importFiles(site, [file])
})

afterAll(async () => {
  await site?.close()
  data.remove()
})

async function owner(): Promise<AdminClient> {
  const client = new AdminClient(app)
  expect((await client.login('olive', PASSWORD)).status).toBe(303)
  return client
}

/** Starts a real server on a free port for one test. */
async function listening(timeouts: Parameters<typeof startServer>[3] = {}) {
  const { port, server } = await startServer(site, 0, '127.0.0.1', timeouts)
  return {
    port, server: server as Server, url: `http://127.0.0.1:${port}`,
    async close() {
      ;(server as Server).closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])
const MB = 1024 * 1024

describe('request bodies', () => {
  /** The limit a write route should have. */
  const limitOf = (path: string) =>
    path === '/admin/import' ? IMPORT_MAX_MEGABYTES * MB : /^\/admin\/reviews(\/:id[^/]*)?$/.test(path) ? EDITOR_MAX_BYTES : /comments$/.test(path) ? 64 * 1024 : FORM_MAX_BYTES

  it('are refused with 413 one byte over the limit, on every state-changing route, before sign-in or CSRF checks', async () => {
    const writes = [...new Map(app.routes.filter((r) => r.method !== 'ALL' && !SAFE.has(r.method)).map((r) => [`${r.method} ${r.path}`, r])).values()]
    expect(writes.length).toBeGreaterThanOrEqual(10)
    const checked: string[] = []
    for (const r of writes) {
      const limit = limitOf(r.path)
      if (limit > EDITOR_MAX_BYTES) continue // the import page: 200 MB, checked over a socket below
      const path = r.path.replace(/:(\w+)(\{([^}|]*)[^}]*\})?/g, (_, name: string, _p, first: string | undefined) => (name === 'action' ? first!.slice(0) : name === 'slug' ? SLUG : '1'))
      const body = Buffer.alloc(limit + 1, 'a')
      const res = await app.request(path, { method: r.method, body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length), origin: 'http://localhost' } })
      expect(res.status, `${r.method} ${path} with ${limit + 1} bytes`).toBe(413)
      // Without a declared length the bytes are counted as they come.
      const stream = new Blob([body]).stream()
      const counted = await app.request(path, { method: r.method, body: stream, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' }, duplex: 'half' } as RequestInit)
      expect(counted.status, `${r.method} ${path} streamed`).toBe(413)
      checked.push(r.path)
    }
    expect(checked.length).toBe(writes.length - 1)
  })

  it('lets a form under the limit through to the usual checks', async () => {
    const client = await owner()
    const csrf = await client.csrfFrom('/admin/settings')
    const res = await client.post('/admin/settings', { _csrf: csrf, name: 'x'.repeat(FORM_MAX_BYTES - 1000) })
    expect(res.status).toBe(422)
  })

  it('answers an announced huge body at once, without waiting for it, and stops reading an endless one', async () => {
    const srv = await listening()
    try {
      /** Sends only the headers of a request announcing `bytes`, and resolves with the status of the answer. */
      const announce = (path: string, type: string, bytes: number) =>
        new Promise<number>((resolve, reject) => {
          const req = httpRequest(`${srv.url}${path}`, { method: 'POST', headers: { 'content-type': type, 'content-length': String(bytes) } })
          req.on('response', (r) => {
            resolve(r.statusCode ?? 0)
            req.destroy()
          })
          req.on('error', reject)
          req.flushHeaders()
        })
      expect(await announce('/admin/login', 'application/x-www-form-urlencoded', 5 * 1024 * MB)).toBe(413)
      expect(await announce('/admin/import', 'multipart/form-data; boundary=x', (IMPORT_MAX_MEGABYTES + 1) * MB)).toBe(413)
      // An endless chunked body: the answer comes after about the limit, not never.
      const { status, sent } = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
        const req = httpRequest(`${srv.url}/admin/diary`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
        let sent = 0
        let answered = false
        const chunk = Buffer.alloc(64 * 1024, 'a')
        const pump = () => {
          while (!answered && sent < 200 * MB) {
            sent += chunk.length
            if (!req.write(chunk)) return void req.once('drain', pump)
          }
        }
        req.on('response', (r) => {
          answered = true
          resolve({ status: r.statusCode ?? 0, sent })
          req.destroy()
        })
        req.on('error', (err) => (answered ? undefined : reject(err)))
        pump()
      })
      expect(status).toBe(413)
      expect(sent).toBeLessThan(20 * MB)
    } finally {
      await srv.close()
    }
  })
})

describe('hostile files', () => {
  const importPage = async (files: { name: string; bytes: Buffer }[]) => {
    const client = await owner()
    const csrf = await client.csrfFrom('/admin/import')
    const form = new FormData()
    form.append('_csrf', csrf)
    for (const f of files) form.append('files', new File([new Uint8Array(f.bytes)], f.name))
    form.append('onConflict', 'update')
    const res = await client.request('/admin/import', { method: 'POST', body: form })
    return { status: res.status, text: (await res.text()).replace(/&quot;/g, '"').replace(/&#39;/g, "'") }
  }
  const reviewJson = (title: string) => JSON.stringify([{ title, intro: 'x', status: 'published' }])

  it('refuses ZIP bombs through the import page, naming the entry, and writes nothing', async () => {
    const before = readdirSync(data.dir).sort()
    // 60 MB of zeros deflate to about 60 KB: an expansion of a thousand times.
    const bomb = await zipBytes({ 'reviews.json': reviewJson('Bomb'), 'zeros.json': Buffer.alloc(60 * MB) })
    expect(bomb.length).toBeLessThan(MB)
    const refused = await importPage([{ name: 'bomb.zip', bytes: bomb }])
    expect(refused.status).toBe(422)
    expect(refused.text).toMatch(/zeros\.json[^<]*refused/)
    // An archive that claims its 8 MB entry holds 100 bytes is caught while it flows.
    // (A Letterboxd export's reviews.csv: the importer reads it.)
    const liar = declareUncompressedSize(await zipBytes({ 'reviews.csv': Buffer.alloc(8 * MB, ' ') }), 'reviews.csv', 100)
    const lied = await importPage([{ name: 'liar.zip', bytes: liar }])
    expect(lied.status).toBe(422)
    expect(lied.text).toContain('liar.zip:1: entry reviews.csv: refused: damaged entry (too many bytes in the stream')
    expect((await app.request('/reviews/bomb')).status).toBe(404)
    expect((await app.request('/reviews/liar')).status).toBe(404)
    expect(readdirSync(data.dir).sort()).toEqual(before)
  })

  it('refuses path-traversal and absolute entries through the import page, and writes nothing anywhere', async () => {
    const before = readdirSync(data.dir).sort()
    const work = tempDataDir('dramalog-hostile-zip-')
    // Where each entry would land if its name were followed from the upload folder inside the data folder.
    const targets = [join(data.dir, 'escape.json'), join(dirname(data.dir), 'escape.json'), '/tmp/escape-abs.json', join(data.dir, 'C:', 'escape.json')]
    try {
      for (const name of ['../escape.json', '../../escape.json', '/tmp/escape-abs.json', 'C:/escape.json', 'a\\..\\..\\escape.json']) {
        const file = await writeHostileZip(join(work.dir, 'hostile.zip'), [{ name, data: reviewJson('Escaped') }])
        const res = await importPage([{ name: 'hostile.zip', bytes: readFileSync(file) }])
        expect(res.status, name).toBe(422)
        // Backslashes are read as the folder separators they are on Windows.
        const shown = name.replace(/\\/g, '/')
        expect(res.text, name).toContain(`hostile.zip:1: entry ${shown}: refused: the entry has ${shown.startsWith('a/') || shown.startsWith('..') ? '".." in its path' : 'an absolute path'}`)
      }
    } finally {
      work.remove()
    }
    for (const t of targets) expect(existsSync(t), t).toBe(false)
    expect(readdirSync(data.dir).sort()).toEqual(before)
    expect((await app.request('/reviews/escaped')).status).toBe(404)
  })

  /** A real PNG made by sharp whose header then claims `width` × `height`: it would decode to that many pixels. */
  async function pixelBomb(width: number, height: number): Promise<Buffer> {
    const png = await sharp({ create: { width: 400, height: 600, channels: 3, background: '#000000' } }).png({ compressionLevel: 9 }).toBuffer()
    const out = Buffer.from(png)
    // IHDR is the first chunk: length (4) "IHDR" (4) width (4) height (4) … CRC over type and data.
    expect(out.subarray(12, 16).toString('latin1')).toBe('IHDR')
    out.writeUInt32BE(width, 16)
    out.writeUInt32BE(height, 20)
    out.writeUInt32BE(crc32(out.subarray(12, 29)) >>> 0, 29)
    return out
  }

  it('refuses decompression-bomb images by their header, before decoding a pixel', async () => {
    const bomb = await pixelBomb(60_000, 60_000)
    expect((await sharp(bomb, { limitInputPixels: false }).metadata()).width).toBe(60_000)
    const client = await owner()
    const csrf = await client.csrfFrom('/admin/reviews/new')
    const fields = {
      _csrf: csrf, _action: 'save', title: 'Bombed Poster', year: '2024', origin: 'Japan', season: '1', platform: 'Netflix', meter: '1', intro: 'x', status: 'published',
    }
    const started = Date.now()
    const res = await client.post('/admin/reviews', { ...fields, posterFile: new File([new Uint8Array(bomb)], 'bomb.png', { type: 'image/png' }) })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('60000 × 60000 pixels (3600 megapixels)')
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(existsSync(join(site.mediaDir, 'posters')) ? readdirSync(join(site.mediaDir, 'posters')) : []).toEqual([])
    // The renderer keeps sharp's own pixel limit too, should anything call it without the check.
    await expect(renderPoster(bomb)).rejects.toThrow(/pixel limit/i)
  })

  it('refuses a real 50-megapixel image made by sharp', async () => {
    const big = await sharp({ create: { width: 10_000, height: 5_000, channels: 3, background: '#224466' } }).png({ palette: true }).toBuffer()
    await expect(renderPoster(big)).rejects.toThrow(/pixel limit/i)
  })
})

describe('slow and junk clients', () => {
  it('has timeouts for headers and whole requests by default', async () => {
    const srv = await listening()
    try {
      expect(srv.server.headersTimeout).toBe(SERVER_TIMEOUTS.headers)
      expect(srv.server.requestTimeout).toBe(SERVER_TIMEOUTS.request)
      expect(SERVER_TIMEOUTS.headers).toBeLessThanOrEqual(30_000)
    } finally {
      await srv.close()
    }
  })

  /** A raw connection that records what comes back and when it is closed. */
  function rawClient(port: number) {
    const socket: Socket = connect(port, '127.0.0.1')
    const state = { received: '', closedAt: 0 }
    socket.setEncoding('latin1')
    socket.on('data', (d: string) => (state.received += d))
    socket.on('error', () => {})
    socket.on('close', () => (state.closedAt = Date.now()))
    return { socket, state }
  }

  it('cuts off slowloris clients and junk, and keeps serving readers meanwhile', async () => {
    const srv = await listening({ headers: 1_500, request: 4_000, checkEvery: 250 })
    const started = Date.now()
    const timers: NodeJS.Timeout[] = []
    try {
      // 30 clients trickle header lines forever.
      const slow = Array.from({ length: 30 }, (_, i) => {
        const c = rawClient(srv.port)
        c.socket.write(`GET /reviews/${SLUG} HTTP/1.1\r\nHost: 127.0.0.1\r\n`)
        timers.push(setInterval(() => c.socket.writable && c.socket.write(`X-Drip-${i}: ${Date.now()}\r\n`), 200))
        return c
      })
      // One sends complete headers, then a promised body a byte at a time.
      const dribble = rawClient(srv.port)
      dribble.socket.write(`POST /reviews/${SLUG}/comments HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\n`)
      timers.push(setInterval(() => dribble.socket.writable && dribble.socket.write('a'), 200))
      // Five send garbage.
      const junk = Array.from({ length: 5 }, () => {
        const c = rawClient(srv.port)
        c.socket.write(randomBytes(4096))
        return c
      })

      // Readers, one after another, for six seconds.
      const latencies: number[] = []
      while (Date.now() - started < 6_000) {
        const t = Date.now()
        const res = await fetch(`${srv.url}${latencies.length % 2 ? '/' : `/reviews/${SLUG}`}`)
        expect(res.status).toBe(200)
        await res.arrayBuffer()
        latencies.push(Date.now() - t)
      }
      latencies.sort((a, b) => a - b)
      console.log(`readers during the attack: ${latencies.length} requests, median ${latencies[latencies.length >> 1]} ms, max ${latencies.at(-1)} ms`)
      expect(latencies.length).toBeGreaterThanOrEqual(20)
      expect(latencies[latencies.length >> 1]!).toBeLessThan(1_000)
      expect(latencies.at(-1)!).toBeLessThan(5_000)

      await new Promise((resolve) => setTimeout(resolve, 500))
      for (const c of slow) {
        expect(c.state.closedAt, 'slowloris connection still open').toBeGreaterThan(0)
        expect(c.state.closedAt - started).toBeLessThan(5_000)
        expect(c.state.received).toMatch(/^HTTP\/1\.1 408 /)
      }
      expect(dribble.state.closedAt, 'slow body still open').toBeGreaterThan(0)
      expect(dribble.state.received).toMatch(/^HTTP\/1\.1 408 /)
      for (const c of junk) {
        expect(c.state.closedAt, 'junk connection still open').toBeGreaterThan(0)
        expect(c.state.received).toMatch(/^HTTP\/1\.1 400 /)
      }
    } finally {
      for (const t of timers) clearInterval(t)
      await srv.close()
    }
  })
})
