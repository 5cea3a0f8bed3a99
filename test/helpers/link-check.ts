import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')

/** Every HTML file below a folder. */
export function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    return e.isDirectory() ? htmlFiles(path) : e.name.endsWith('.html') ? [path] : []
  })
}

/** The addresses a page links to or loads: href, src, action and every srcset candidate. */
export function pageLinks(html: string): string[] {
  const out: string[] = []
  for (const m of html.matchAll(/\s(?:href|src|action)="([^"]*)"/g)) out.push(decode(m[1]!))
  for (const m of html.matchAll(/\ssrcset="([^"]*)"/g)) for (const c of decode(m[1]!).split(',')) out.push(c.trim().split(/\s+/)[0]!)
  return out
}

const ids = (html: string) => new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((m) => decode(m[1]!)))

/**
 * Checks every internal link of a static site on disk: each must name a file of the site (a folder
 * means its index.html) and, with a #fragment, an element with that id. Links to other sites are
 * not followed. Returns the broken ones as "page → link".
 */
export function brokenLinks(root: string, basePath = '/'): string[] {
  const broken: string[] = []
  const cache = new Map<string, string | null>()
  const read = (file: string) => {
    if (!cache.has(file)) cache.set(file, existsSync(file) && statSync(file).isFile() ? readFileSync(file, 'utf8') : null)
    return cache.get(file)!
  }
  for (const page of htmlFiles(root)) {
    const html = read(page)!
    for (const link of pageLinks(html)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('//')) continue
      const [beforeHash, fragment] = link.split('#', 2) as [string, string | undefined]
      const path = beforeHash.split('?')[0]!
      let target = page
      if (path !== '') {
        if (!path.startsWith(basePath)) {
          broken.push(`${relative(root, page)} → ${link} (outside ${basePath})`)
          continue
        }
        let rel = decodeURIComponent(path.slice(basePath.length))
        const last = rel.split('/').pop() ?? ''
        if (rel === '' || rel.endsWith('/')) rel += 'index.html'
        else if (!last.includes('.')) rel += '/index.html'
        target = join(root, rel)
      }
      const text = target.endsWith('.html') ? read(target) : existsSync(target) ? '' : null
      if (text === null) broken.push(`${relative(root, page)} → ${link}`)
      else if (fragment && target.endsWith('.html') && !ids(text).has(decodeURIComponent(fragment))) broken.push(`${relative(root, page)} → ${link} (no #${fragment})`)
    }
  }
  return broken
}
