// Addresses on a static copy of the site: which file holds a page, and how pages link when the
// copy is served from a sub-path (`https://me.github.io/blog/`).

/**
 * The file that holds a site path on static hosting: a path whose last part has an extension is
 * that file; any other is a folder with an `index.html`, which static hosts serve at the path.
 * Percent-escapes are decoded (hosts decode addresses before looking for the file).
 * @example outputFile('/tag/slow-burn/page/2') // 'tag/slow-burn/page/2/index.html'
 * @example outputFile('/feed.xml') // 'feed.xml'
 */
export function outputFile(path: string): string {
  const rel = decodeURIComponent(path).replace(/^\/+/, '').replace(/\/+$/, '')
  if (rel === '') return 'index.html'
  const last = rel.slice(rel.lastIndexOf('/') + 1)
  return last.includes('.') ? rel : `${rel}/index.html`
}

/** The path part of a public address, with one slash at each end: `https://x.io/blog` → `/blog/`. */
export function basePathOf(baseUrl: string | null): string {
  if (!baseUrl) return '/'
  const path = new URL(baseUrl).pathname.replace(/\/+$/, '')
  return `${path}/`
}

// Attributes whose value is one address; srcset (a list) and url() in style attributes apart.
const URL_ATTRIBUTE = /(\s(?:href|src|action|poster|data-[a-z-]+)=")\/(?!\/)/g
const SRCSET = /(\ssrcset=")([^"]*)"/g
const STYLE_URL = /(url\((?:&quot;|"|')?)\/(?!\/)/g

/**
 * Points a page's site-absolute addresses (`href="/tag/x"`) below a base path (`/blog/tag/x`), so a
 * copy served from a sub-path links to itself. Only attribute values are touched: text that merely
 * shows an address is escaped by the views and never matches.
 */
export function withBasePath(html: string, basePath: string): string {
  if (basePath === '/') return html
  const prefix = basePath.slice(0, -1)
  return html
    .replace(URL_ATTRIBUTE, (_, attr: string) => `${attr}${prefix}/`)
    .replace(SRCSET, (_, attr: string, list: string) => `${attr}${list.replace(/(^|,\s*)\/(?!\/)/g, `$1${prefix}/`)}"`)
    .replace(/(\sstyle=")([^"]*)"/g, (_, attr: string, style: string) => `${attr}${style.replace(STYLE_URL, `$1${prefix}/`)}"`)
}
