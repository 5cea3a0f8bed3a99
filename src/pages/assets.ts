import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'

// Static assets are read once at start; their addresses carry a content hash so browsers may cache them for a year.
export const CSS = readFileSync(new URL('../views/assets/site.css', import.meta.url), 'utf8')
export const CSS_VERSION = createHash('sha1').update(CSS).digest('hex').slice(0, 10)
export const CSS_HREF = `/assets/site.css?v=${CSS_VERSION}`
export const ADMIN_JS = readFileSync(new URL('../views/assets/admin.js', import.meta.url), 'utf8')
export const ADMIN_JS_VERSION = createHash('sha1').update(ADMIN_JS).digest('hex').slice(0, 10)
export const ADMIN_JS_HREF = `/assets/admin.js?v=${ADMIN_JS_VERSION}`
// The static copy's in-browser search: the script and the tokenizer it shares with the index builder.
export const SEARCH_JS = readFileSync(new URL('../views/assets/search.js', import.meta.url), 'utf8')
export const SEARCH_TERMS_JS = readFileSync(new URL('../views/assets/search-terms.js', import.meta.url), 'utf8')
export const SEARCH_JS_VERSION = createHash('sha1').update(SEARCH_JS).update(SEARCH_TERMS_JS).digest('hex').slice(0, 10)
export const SEARCH_JS_HREF = `/assets/search.js?v=${SEARCH_JS_VERSION}`
