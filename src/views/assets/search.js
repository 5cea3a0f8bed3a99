// Search on a static copy of the site: reads the query from the address (?q=…), fetches the
// index shards of its words and lists the reviews that have all of them, best first. Without
// JavaScript the page says what to do instead; this script replaces that message.
import { isPrefixTerm, searchTerms, shardOf } from './search-terms.js'

const MAX_RESULTS = 50
const root = document.getElementById('static-search')
const indexBase = root?.dataset.index ?? '/search/'
const reviewsBase = root?.dataset.reviews ?? '/reviews/'

const json = async (name) => {
  const res = await fetch(indexBase + name)
  if (!res.ok) throw new Error(`${name}: ${res.status}`)
  return res.json()
}

/** Every index term a query term matches: itself, or (spaced scripts) any term it begins. */
function matching(term, shard) {
  if (!isPrefixTerm(term)) return shard[term] ? [shard[term]] : []
  return Object.keys(shard).filter((t) => t.startsWith(term)).map((t) => shard[t])
}

async function search(q) {
  const terms = [...new Set(searchTerms(q))].filter((t) => !isPrefixTerm(t) || t.length > 1)
  if (terms.length === 0) return { terms, hits: [] }
  const { shards, docs } = await json('docs.json')
  const known = new Set(shards)
  const loaded = new Map()
  let scores = null
  for (const term of terms) {
    const name = shardOf(term)
    if (!known.has(name)) return { terms, hits: [] }
    if (!loaded.has(name)) loaded.set(name, await json(`t-${name}.json`))
    // Best weight of this term per document; a document must match every term.
    const found = new Map()
    for (const postings of matching(term, loaded.get(name))) {
      for (let i = 0; i < postings.length; i += 2) found.set(postings[i], Math.max(found.get(postings[i]) ?? 0, postings[i + 1]))
    }
    if (scores === null) scores = found
    else for (const [doc, score] of scores) found.has(doc) ? scores.set(doc, score + found.get(doc)) : scores.delete(doc)
  }
  const hits = [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([doc]) => docs[doc])
  return { terms, hits }
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs ?? {})) node.setAttribute(k, v)
  for (const c of children) if (c !== null && c !== undefined) node.append(c)
  return node
}

async function run() {
  if (!root) return
  const q = new URLSearchParams(location.search).get('q')?.trim() ?? ''
  const input = root.querySelector('input[name="q"]')
  if (input) input.value = q
  const status = root.querySelector('#static-search-status')
  const list = root.querySelector('#static-search-results')
  root.querySelector('#static-search-nojs')?.remove()
  if (!q) {
    status.textContent = 'Type a title, a name, a tag or a word from a headline.'
    return
  }
  document.title = `${q} · ${document.title}`
  status.textContent = 'Searching…'
  try {
    const { terms, hits } = await search(q)
    if (terms.length === 0) status.textContent = 'Type at least two letters, or a word in Korean, Japanese, Chinese or Thai.'
    else if (hits.length === 0) status.textContent = `No review matches “${q}”.`
    else status.textContent = hits.length === 1 ? `1 review matches “${q}”.` : `${hits.length} reviews match “${q}”${hits.length > MAX_RESULTS ? `; the best ${MAX_RESULTS} are shown` : ''}.`
    for (const [slug, title, nativeTitle, headline, facts] of hits.slice(0, MAX_RESULTS)) {
      list.append(
        el('li', { class: 'static-hit' },
          el('p', { class: 'static-hit-facts' }, facts),
          el('h2', {}, el('a', { href: reviewsBase + encodeURIComponent(slug) }, title)),
          nativeTitle ? el('p', { class: 'static-hit-native', lang: 'und' }, nativeTitle) : null,
          headline ? el('p', { class: 'static-hit-headline' }, headline) : null,
        ),
      )
    }
  } catch (err) {
    status.textContent = 'The search index could not be loaded. Try again in a moment.'
    console.error(err)
  }
}

run()
