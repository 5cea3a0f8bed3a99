import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchWordPressImage } from './wordpress-media.ts'

let server: Server
let base = ''
let jpeg: Buffer
let temp = ''
let uploads = ''
const slowResponses = new Set<() => void>()

beforeAll(async () => {
  jpeg = await sharp({ create: { width: 8, height: 12, channels: 3, background: '#c04020' } }).jpeg().toBuffer()
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path === '/wp-content/uploads/2023/04/lantern-poster.jpg') {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': jpeg.length }).end(jpeg)
    } else if (path === '/moved.jpg') {
      res.writeHead(301, { location: '/wp-content/uploads/2023/04/lantern-poster.jpg' }).end()
    } else if (path === '/slow.jpg') {
      // Answers only when the test ends: the client must give up first.
      const finish = () => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg)
      slowResponses.add(finish)
    } else if (path === '/trickle.jpg') {
      res.writeHead(200, { 'content-type': 'image/jpeg' })
      res.write(jpeg.subarray(0, 10))
      const finish = () => res.end(jpeg.subarray(10))
      slowResponses.add(finish)
    } else if (path === '/big.jpg') {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': 5000 }).end(Buffer.alloc(5000))
    } else if (path === '/big-chunked.jpg') {
      // No length announced: the cap has to hold while reading.
      res.writeHead(200, { 'content-type': 'image/jpeg' })
      for (let k = 0; k < 10; k++) res.write(Buffer.alloc(500))
      res.end()
    } else if (path === '/soft-404.jpg') {
      res.writeHead(200, { 'content-type': 'text/html; charset=UTF-8' }).end('<!doctype html><title>Page not found</title>')
    } else {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>')
    }
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  // A port that was free a moment ago: nothing listens there.
  const closed = createServer()
  await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok))
  const port = (closed.address() as AddressInfo).port
  await new Promise<void>((ok) => closed.close(() => ok()))
  OFFLINE = `http://127.0.0.1:${port}/wp-content/uploads/2023/04/lantern-poster.jpg`

  temp = await mkdtemp(join(tmpdir(), 'dramalog-wp-media-'))
  uploads = join(temp, 'uploads')
  await mkdir(join(uploads, '2023', '04'), { recursive: true })
  await writeFile(join(uploads, '2023', '04', 'lantern-poster.jpg'), jpeg)
  await writeFile(join(uploads, '2023', '04', 'poster with space.jpg'), jpeg)
  await writeFile(join(temp, 'secret.jpg'), 'not for the importer')
  await symlink(join(temp, 'secret.jpg'), join(uploads, '2023', '04', 'sneaky.jpg'))
})

afterAll(async () => {
  for (const finish of slowResponses) finish()
  server.closeAllConnections()
  await new Promise<void>((ok) => server.close(() => ok()))
  await rm(temp, { recursive: true, force: true })
})

let OFFLINE = ''

describe('fetchWordPressImage from an uploads folder', () => {
  it('finds the attachment by its recorded path, without asking the old site', async () => {
    const got = await fetchWordPressImage({ url: OFFLINE, path: '2023/04/lantern-poster.jpg' }, { uploadsDir: uploads })
    expect(got).toEqual({ ok: true, data: jpeg, from: join(uploads, '2023', '04', 'lantern-poster.jpg') })
  })

  it('finds it by the part of its URL after /wp-content/uploads/ when no path was recorded', async () => {
    const got = await fetchWordPressImage(
      { url: 'https://old-blog.example/wp-content/uploads/2023/04/poster%20with%20space.jpg', path: null },
      { uploadsDir: uploads },
    )
    expect(got).toMatchObject({ ok: true, from: join(uploads, '2023', '04', 'poster with space.jpg') })
  })

  it('refuses paths that lead out of the folder, by .., by an absolute path or by a link', async () => {
    for (const path of ['../secret.jpg', join(temp, 'secret.jpg'), '2023/04/sneaky.jpg']) {
      const got = await fetchWordPressImage({ url: 'ftp://old-blog.example/secret.jpg', path }, { uploadsDir: uploads })
      expect(got.ok).toBe(false)
      if (!got.ok) expect(got.reason).toMatch(/(points|links) outside/)
    }
  })

  it('says where it looked when the file is in neither place', async () => {
    const got = await fetchWordPressImage({ url: `${base}/wp-content/uploads/2019/01/gone.jpg`, path: '2019/01/gone.jpg' }, { uploadsDir: uploads })
    expect(got).toEqual({
      ok: false,
      reason: `2019/01/gone.jpg is not in ${uploads}, and ${base}/wp-content/uploads/2019/01/gone.jpg answered 404 Not Found`,
    })
  })

  it('holds files on disk to the size cap too', async () => {
    const got = await fetchWordPressImage({ url: 'ftp://x/y.jpg', path: '2023/04/lantern-poster.jpg' }, { uploadsDir: uploads, maxBytes: 100 })
    expect(got).toMatchObject({ ok: false, reason: expect.stringContaining(`over the 100 bytes limit`) })
  })

  it('reports an uploads folder that does not exist', async () => {
    const got = await fetchWordPressImage({ url: 'ftp://x/y.jpg', path: 'a.jpg' }, { uploadsDir: join(temp, 'nope') })
    expect(got).toMatchObject({ ok: false, reason: expect.stringMatching(/^the uploads folder .*nope cannot be opened, and ftp:\/\/x\/y\.jpg is not an http\(s\) address$/) })
  })
})

describe('fetchWordPressImage over HTTP', () => {
  it('fetches the image from the old site, following a redirect', async () => {
    const url = `${base}/wp-content/uploads/2023/04/lantern-poster.jpg`
    expect(await fetchWordPressImage({ url, path: null }, { uploadsDir: null })).toEqual({ ok: true, data: jpeg, from: url })
    const moved = await fetchWordPressImage({ url: `${base}/moved.jpg`, path: null }, { uploadsDir: null })
    expect(moved).toMatchObject({ ok: true, data: jpeg })
  })

  it('gives up on a server that does not answer in time, or sends too slowly', async () => {
    for (const name of ['slow.jpg', 'trickle.jpg']) {
      const started = Date.now()
      const got = await fetchWordPressImage({ url: `${base}/${name}`, path: null }, { uploadsDir: null, fetchTimeoutMs: 300 })
      expect(got).toEqual({ ok: false, reason: `${base}/${name} did not answer within 300 ms` })
      expect(Date.now() - started).toBeLessThan(20_000)
    }
  })

  it('refuses an image over the size cap, announced or not', async () => {
    expect(await fetchWordPressImage({ url: `${base}/big.jpg`, path: null }, { uploadsDir: null, maxBytes: 1000 })).toEqual({
      ok: false, reason: `${base}/big.jpg is 5000 bytes, over the 1000 bytes limit`,
    })
    expect(await fetchWordPressImage({ url: `${base}/big-chunked.jpg`, path: null }, { uploadsDir: null, maxBytes: 1000 })).toEqual({
      ok: false, reason: `${base}/big-chunked.jpg sent more than the 1000 bytes limit`,
    })
  })

  it('does not take a web page for an image', async () => {
    expect(await fetchWordPressImage({ url: `${base}/soft-404.jpg`, path: null }, { uploadsDir: null })).toEqual({
      ok: false, reason: `${base}/soft-404.jpg answered with text/html, not an image`,
    })
  })

  it('asks only http and https addresses, and says when nothing listens', async () => {
    for (const url of ['file:///etc/passwd', 'data:image/png;base64,AAAA', 'javascript:alert(1)']) {
      expect(await fetchWordPressImage({ url, path: null }, { uploadsDir: null })).toEqual({ ok: false, reason: `${url} is not an http(s) address` })
    }
    expect(await fetchWordPressImage({ url: 'not a url', path: null }, { uploadsDir: null })).toEqual({ ok: false, reason: '"not a url" is not a web address' })
    expect(await fetchWordPressImage({ url: OFFLINE, path: null }, { uploadsDir: null })).toEqual({
      ok: false, reason: `${OFFLINE} could not be fetched (ECONNREFUSED)`,
    })
  })
})
