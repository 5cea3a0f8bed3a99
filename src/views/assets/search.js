// Search on a static copy of the site: reads the query from the address (?q=…), fetches the
// index shards of its words and lists the reviews that have all of them, best first. Without
// JavaScript the page says what to do instead; this script replaces that message.
import { docsChunkOf, isPrefixTerm, searchTerms, shardsFor } from './search-terms.js'

const MAX_RESULTS = 50
const root = document.getElementById('static-search')
const indexBase = root?.dataset.index ?? '/search/'
const reviewsBase = root?.dataset.reviews ?? '/reviews/'

// The page hands over its messages in its own language: plain texts, `{q}`-style placeholders,
// and per-plural-category forms for counts.
const messages = JSON.parse(document.getElementById('static-search-messages')?.textContent || '{}')
const lang = document.documentElement.lang || 'en'
const plurals = new Intl.PluralRules(lang)
const numbers = new Intl.NumberFormat(lang)
function say(name, params = {}) {
  const message = messages[name] ?? name
  const text = typeof message === 'string' ? message : (message[plurals.select(params.count ?? 0)] ?? message.other)
  return text.replace(/\{([a-zA-Z][a-zA-Z0-9]*)\}/g, (whole, key) =>
    params[key] === undefined ? whole : typeof params[key] === 'number' ? numbers.format(params[key]) : params[key])
}

const json = async (name) => {
  const res = await fetch(indexBase + name)
  if (!res.ok) throw new Error(`${name}: ${res.status}`)
  return res.json()
}

/** Every index term a query term matches in a shard: itself, or (spaced scripts) any term it begins. */
function matching(term, shard) {
  if (!isPrefixTerm(term)) return shard[term] ? [shard[term]] : []
  return Object.keys(shard).filter((t) => t.startsWith(term)).map((t) => shard[t])
}

const cache = new Map()
const load = (name) => {
  if (!cache.has(name)) cache.set(name, json(name))
  return cache.get(name)
}

/** Reviews with every term of the query, best first: the best `limit` of them as documents, and how many there are. */
async function search(q, limit) {
  const terms = [...new Set(searchTerms(q))].filter((t) => !isPrefixTerm(t) || t.length > 1)
  if (terms.length === 0) return { terms, total: 0, hits: [] }
  const shards = await load('shards.json')
  let scores = null
  for (const term of terms) {
    // Best weight of this term per review; a review must match every term.
    const found = new Map()
    for (const name of shardsFor(term, shards)) {
      for (const postings of matching(term, await load(`t-${name}.json`))) {
        for (let i = 0; i < postings.length; i += 2) found.set(postings[i], Math.max(found.get(postings[i]) ?? 0, postings[i + 1]))
      }
    }
    if (scores === null) scores = found
    else for (const [id, score] of scores) found.has(id) ? scores.set(id, score + found.get(id)) : scores.delete(id)
  }
  const ranked = [...scores].sort((a, b) => b[1] - a[1])
  if (ranked.length === 0) return { terms, total: 0, hits: [] }
  // Equal scores rank newest first, which needs the documents of every review tied with the last shown.
  const cutoff = ranked[Math.min(limit, ranked.length) - 1][1]
  const wanted = ranked.filter(([, score]) => score >= cutoff).map(([id]) => id)
  const docs = new Map()
  for (const chunk of new Set(wanted.map(docsChunkOf))) {
    for (const [id, doc] of Object.entries(await load(`d-${chunk}.json`))) docs.set(Number(id), doc)
  }
  const hits = ranked
    .filter(([id, score]) => score >= cutoff && docs.has(id))
    .sort((a, b) => b[1] - a[1] || (docs.get(b[0])[5] > docs.get(a[0])[5] ? 1 : docs.get(b[0])[5] < docs.get(a[0])[5] ? -1 : b[0] - a[0]))
    .slice(0, limit)
    .map(([id]) => docs.get(id))
  return { terms, total: ranked.length, hits }
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
    status.textContent = say('prompt')
    return
  }
  document.title = `${q} · ${document.title}`
  status.textContent = say('searching')
  try {
    const { terms, total, hits } = await search(q, MAX_RESULTS)
    if (terms.length === 0) status.textContent = say('tooShort')
    else if (total === 0) status.textContent = say('none', { q })
    else status.textContent = total > MAX_RESULTS ? say('capped', { count: total, q, shown: MAX_RESULTS }) : say('count', { count: total, q })
    for (const [slug, title, nativeTitle, headline, facts] of hits) {
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
    status.textContent = say('failed')
    console.error(err)
  }
}

run()
