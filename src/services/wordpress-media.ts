// Fetches a WordPress attachment (a review's poster) for the import: from a copy of the old
// site's `wp-content/uploads` folder when the user gave one, else from the old site over HTTP.
import { readFile, realpath, stat } from 'node:fs/promises'
import { isAbsolute, relative, resolve, sep } from 'node:path'

export type WordPressImageOptions = {
  /** A copy of the old site's `wp-content/uploads` folder (`--uploads DIR`), or null. */
  uploadsDir: string | null
  /** How long the old site may take to send the whole image; 15 s unless given. */
  fetchTimeoutMs?: number
  /** Largest image accepted, from disk or network; 30 MB unless given. */
  maxBytes?: number
}

export type WordPressImage = { ok: true; data: Buffer; from: string } | { ok: false; reason: string }

const DEFAULT_TIMEOUT_MS = 15_000
const DEFAULT_MAX_BYTES = 30 * 1024 * 1024
const UPLOADS_MARK = '/wp-content/uploads/'

/**
 * The bytes of a WordPress attachment: looked up in `uploadsDir` by the attachment's path
 * (`2023/04/poster.jpg`) and by the part of its URL after `/wp-content/uploads/`, else fetched
 * from its URL (http and https only) with a time limit and a size cap. Never throws: a failure
 * says where it looked and what each place answered.
 *
 * @example
 * await fetchWordPressImage({ url: 'https://old.example/wp-content/uploads/2023/04/a.jpg', path: '2023/04/a.jpg' },
 *   { uploadsDir: '/backup/uploads' }) // → { ok: true, data, from: '/backup/uploads/2023/04/a.jpg' }
 */
export async function fetchWordPressImage(
  src: { url: string; path: string | null },
  options: WordPressImageOptions,
): Promise<WordPressImage> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  const tried: string[] = []
  if (options.uploadsDir) {
    const local = await readFromUploads(options.uploadsDir, candidatePaths(src), maxBytes)
    if (local.ok) return local
    tried.push(local.reason)
  }
  const remote = await fetchOverHttp(src.url, options.fetchTimeoutMs ?? DEFAULT_TIMEOUT_MS, maxBytes)
  if (remote.ok) return remote
  tried.push(remote.reason)
  return { ok: false, reason: tried.join(', and ') }
}

/** Where an attachment may sit under the uploads folder: its recorded path, then the tail of its URL. */
function candidatePaths(src: { url: string; path: string | null }): string[] {
  const paths: string[] = []
  if (src.path?.trim()) paths.push(src.path.trim())
  let pathname: string | null = null
  try {
    pathname = new URL(src.url).pathname
  } catch {
    // Not a URL at all: only the recorded path can find the file.
  }
  const at = pathname?.indexOf(UPLOADS_MARK) ?? -1
  if (pathname && at >= 0) {
    const tail = pathname.slice(at + UPLOADS_MARK.length)
    try {
      paths.push(decodeURIComponent(tail))
    } catch {
      paths.push(tail)
    }
  }
  return [...new Set(paths)]
}

/** True when `child` is `parent` itself or lies inside it. */
function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child)
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel)
}

async function readFromUploads(dir: string, paths: readonly string[], maxBytes: number): Promise<WordPressImage> {
  const root = await realpath(resolve(dir)).catch(() => null)
  if (!root) return { ok: false, reason: `the uploads folder ${dir} cannot be opened` }
  if (!paths.length) return { ok: false, reason: `no path under ${dir} is known for it` }
  const notes: string[] = []
  for (const p of paths) {
    // The path comes from the export file: it must not lead out of the folder, by `..`, by an
    // absolute path, or through a symbolic link.
    const wanted = resolve(root, p)
    if (isAbsolute(p) || !isInside(root, wanted)) {
      notes.push(`"${p}" points outside ${dir}`)
      continue
    }
    const real = await realpath(wanted).catch(() => null)
    if (!real) {
      notes.push(`${p} is not in ${dir}`)
      continue
    }
    if (!isInside(root, real)) {
      notes.push(`"${p}" links outside ${dir}`)
      continue
    }
    const info = await stat(real).catch(() => null)
    if (!info?.isFile()) {
      notes.push(`${p} in ${dir} is not a file`)
      continue
    }
    if (info.size > maxBytes) {
      notes.push(`${p} in ${dir} is ${megabytes(info.size)}, over the ${megabytes(maxBytes)} limit`)
      continue
    }
    try {
      return { ok: true, data: await readFile(real), from: real }
    } catch (err) {
      notes.push(`${p} in ${dir} cannot be read (${errorText(err)})`)
    }
  }
  return { ok: false, reason: notes.join('; ') }
}

async function fetchOverHttp(url: string, timeoutMs: number, maxBytes: number): Promise<WordPressImage> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { ok: false, reason: `"${url}" is not a web address` }
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { ok: false, reason: `${url} is not an http(s) address` }
  // One signal for the whole exchange: a server that answers at once and then trickles the body
  // is as stuck as one that never answers.
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    const response = await fetch(parsed, { signal, redirect: 'follow', headers: { accept: 'image/*', 'user-agent': 'Dramalog importer' } })
    if (!response.ok) {
      await response.body?.cancel()
      return { ok: false, reason: `${url} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}` }
    }
    // A WordPress site often answers a missing file with its 200 "not found" page.
    const type = response.headers.get('content-type')
    if (type && !/^image\//i.test(type) && !/^application\/octet-stream/i.test(type)) {
      await response.body?.cancel()
      return { ok: false, reason: `${url} answered with ${type.split(';')[0]}, not an image` }
    }
    const declared = Number(response.headers.get('content-length'))
    if (declared > maxBytes) {
      await response.body?.cancel()
      return { ok: false, reason: `${url} is ${megabytes(declared)}, over the ${megabytes(maxBytes)} limit` }
    }
    const chunks: Uint8Array[] = []
    let size = 0
    if (response.body) {
      const reader = response.body.getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        size += value.byteLength
        if (size > maxBytes) {
          await reader.cancel()
          return { ok: false, reason: `${url} sent more than the ${megabytes(maxBytes)} limit` }
        }
        chunks.push(value)
      }
    }
    if (size === 0) return { ok: false, reason: `${url} answered with an empty body` }
    return { ok: true, data: Buffer.concat(chunks), from: url }
  } catch (err) {
    if (signal.aborted) return { ok: false, reason: `${url} did not answer within ${seconds(timeoutMs)}` }
    return { ok: false, reason: `${url} could not be fetched (${errorText(err)})` }
  }
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  // Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND…) is in its cause.
  const cause = err.cause as { code?: string; message?: string } | undefined
  return cause?.code ?? cause?.message ?? err.message
}

function megabytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB` : `${n} bytes`
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s` : `${ms} ms`
}
