import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { extname, join, normalize } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json',
  '.xml': 'application/xml', '.txt': 'text/plain; charset=utf-8', '.jpg': 'image/jpeg', '.webp': 'image/webp', '.avif': 'image/avif', '.png': 'image/png',
}

export type StaticHost = { url: string; close(): Promise<void> }

/**
 * Serves a folder the way static hosts (GitHub Pages, Netlify) do: a file at its path, a folder's
 * index.html at the folder's path with a slash (the path without one redirects there, query kept),
 * and the folder's 404.html for anything else, with status 404. `basePath` serves it below a sub-path.
 */
export async function serveFolder(root: string, basePath = '/'): Promise<StaticHost> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host')
    const notFound = () => {
      res.writeHead(404, { 'content-type': TYPES['.html']! })
      res.end(existsSync(join(root, '404.html')) ? readFileSync(join(root, '404.html')) : 'not found')
    }
    if (!url.pathname.startsWith(basePath)) return notFound()
    let rel: string
    try {
      rel = normalize(decodeURIComponent(url.pathname.slice(basePath.length)))
    } catch {
      return notFound()
    }
    if (rel.startsWith('..')) return notFound()
    let file = join(root, rel)
    if (existsSync(file) && statSync(file).isDirectory()) {
      if (!url.pathname.endsWith('/')) {
        res.writeHead(301, { location: `${url.pathname}/${url.search}` })
        return res.end()
      }
      file = join(file, 'index.html')
    }
    if (!existsSync(file) || !statSync(file).isFile()) return notFound()
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
    createReadStream(file).pipe(res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) }
}
