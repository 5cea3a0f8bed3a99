// The soak run: `npm run soak` (10 minutes; `--minutes N`, `--reviews N`). Starts the real server
// (`dramalog serve`) on 127.0.0.1 over a generated site, then keeps a mixed load on it: readers on
// every kind of page and feed, searches, comments posted the way a browser posts them (form time,
// minimum fill time, one address per writer so the per-address limit is respected), and a signed-in
// author editing reviews against their current revision. Every 10 s it prints requests, errors,
// latency and the server's memory; at the end, a verdict on memory growth. The memory is read
// after a full garbage collection in the server (test/soak/memory-probe.cjs): the live heap and
// what the process holds outside the JavaScript heap are what grow when something leaks, while RSS
// as a whole also follows the heap room V8 keeps, which widens as the request rate rises.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest, Agent } from 'node:http'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { COMMENT_RULES } from '../../src/domain/comments.ts'
import { addUser } from '../../src/services/accounts.ts'
import { importFiles } from '../../src/services/import-files.ts'
import { openSite } from '../../src/services/site.ts'
import { listReviewsForAdmin } from '../../src/store/reviews.ts'
import { corpusReview, VOCABULARY } from '../../bench/corpus.ts'
import { AdminClient } from '../helpers/admin-client.ts'
import { startServer, tempDataDir } from '../helpers/server.ts'
import { formBodyOf } from '../helpers/review-form.ts'

export type SoakOptions = { seconds: number; reviews: number; intervalSeconds?: number; log?: (line: string) => void }
export const KINDS = ['read', 'search', 'comment', 'edit'] as const
type Kind = (typeof KINDS)[number]
type Sample = { kind: Kind; ms: number; ok: boolean; status: number; path: string }
export type Interval = { at: number; requests: number; errors: number; p50: number; p99: number; rssMb: number; heapMb: number; heapTotalMb: number; nativeMb: number; byKind: Record<Kind, number> }
export type SoakSummary = { intervals: Interval[]; requests: number; errors: number; byKind: Record<Kind, number>; errorSamples: string[]; memory: { live: Trend; native: Trend; rss: Trend; verdict: 'flat' | 'grows' } }
/** Median of a figure over the first and the last third of the intervals after warm-up. */
export type Trend = { earlyMb: number; lateMb: number; growth: number; grows: boolean }

const USER = { username: 'soak', password: 'soak-password-1234', displayName: 'Soak Author' }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0)
const median = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5)

/** A generated site: `reviews` house-format reviews imported from text, and one author. */
async function generateSite(dataDir: string, reviews: number): Promise<{ id: number; slug: string }[]> {
  const textDir = join(dataDir, '..', `${dataDir.split('/').pop()}-texts`)
  mkdirSync(textDir, { recursive: true })
  for (let i = 0; i < reviews; i++) writeFileSync(join(textDir, `review-${i}.txt`), corpusReview(i))
  const site = await openSite({ dataDir, databaseUrl: null })
  try {
    await addUser(site, { ...USER, role: 'owner' })
    const result = await importFiles(site, [textDir])
    if (result.created.length !== reviews) throw new Error(`the generated site imported ${result.created.length} of ${reviews} reviews`)
    return (await listReviewsForAdmin(site.db, 1, reviews)).items.map((r) => ({ id: r.id, slug: r.slug }))
  } finally {
    await site.close()
    rmSync(textDir, { recursive: true, force: true })
  }
}

type Memory = { rssMb: number; heapMb: number; heapTotalMb: number; nativeMb: number }

/**
 * The server's memory right after a full garbage collection, as the probe preloaded into it writes
 * on SIGUSR2: resident set, live JavaScript heap, heap held from the system, and the rest of the
 * resident set (native: SQLite's page cache, buffers, code, malloc's arenas).
 */
async function serverMemory(pid: number, probeDir: string): Promise<Memory> {
  for (const f of readdirSync(probeDir)) rmSync(join(probeDir, f), { force: true })
  process.kill(pid, 'SIGUSR2')
  for (let tries = 0; tries < 100; tries++) {
    await sleep(50)
    const file = readdirSync(probeDir).find((f) => f.endsWith('.json'))
    if (!file) continue
    const m = JSON.parse(readFileSync(join(probeDir, file), 'utf8')) as NodeJS.MemoryUsage
    const mb = (n: number) => n / 1024 ** 2
    return { rssMb: mb(m.rss), heapMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), nativeMb: mb(m.rss - m.heapTotal) }
  }
  throw new Error(`the server (pid ${pid}) wrote no memory figures within 5 s of SIGUSR2`)
}

/** A POST from a given local address (127.0.1.x): each comment writer is its own reader for the rate limit. */
function postFrom(localAddress: string, url: string, headers: Record<string, string>, body: string): Promise<{ status: number; setCookie: string[] }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', localAddress, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [] }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

function getFrom(agent: Agent, localAddress: string, url: string): Promise<{ status: number; setCookie: string[] }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent, localAddress }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [] }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** Runs the soak and returns its figures; `log` gets the lines printed every interval. */
export async function runSoak(options: SoakOptions): Promise<SoakSummary> {
  const log = options.log ?? ((line: string) => console.log(line))
  const intervalMs = (options.intervalSeconds ?? 10) * 1000
  const data = tempDataDir('dramalog-soak-')
  const probeDir = join(data.dir, 'memory')
  mkdirSync(probeDir)
  const siteDir = join(data.dir, 'site')
  const reviews = await generateSite(siteDir, options.reviews)
  const server = await startServer(siteDir, { NODE_OPTIONS: `--require ${join(import.meta.dirname, 'memory-probe.cjs')}`, DRAMALOG_SOAK_PROBE_DIR: probeDir })
  const base = server.url
  const pid = server.process.pid!
  const samples: Sample[] = []
  const errorSamples: string[] = []
  const totals: Record<Kind, number> = { read: 0, search: 0, comment: 0, edit: 0 }
  let errors = 0
  const deadline = Date.now() + options.seconds * 1000
  const running = () => Date.now() < deadline
  const record = (kind: Kind, path: string, started: number, status: number, ok: boolean) => {
    samples.push({ kind, ms: performance.now() - started, ok, status, path })
    totals[kind]++
    if (!ok) {
      errors++
      if (errorSamples.length < 20) errorSamples.push(`${kind} ${path}: ${status || 'network error'}`)
    }
  }
  /** A GET through fetch; 2xx and 3xx pass. */
  const get = async (kind: Kind, path: string) => {
    const started = performance.now()
    try {
      const res = await fetch(base + path, { redirect: 'manual' })
      await res.arrayBuffer()
      record(kind, path, started, res.status, res.status >= 200 && res.status < 400)
    } catch {
      record(kind, path, started, 0, false)
    }
  }

  const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!
  const slugs = reviews.map((r) => r.slug)
  const browse = ['/', '/?page=2', '/?page=3', '/diary', '/feed.xml', '/rss.xml', '/feed.json', '/sitemap.xml', '/country/kr', '/country/jp', '/platform/netflix', '/platform/viki', '/year/2015', '/year/2020', '/api/reviews']
  const reader = async () => {
    while (running()) await get('read', Math.random() < 0.5 ? `/reviews/${encodeURIComponent(pick(slugs))}` : pick(browse))
  }
  const searcher = async () => {
    while (running()) await get('search', `/search?q=${encodeURIComponent(`${pick(VOCABULARY.slice(30, 2000))}${Math.random() < 0.3 ? ` ${pick(VOCABULARY.slice(30, 500))}` : ''}`)}`)
  }

  // Each writer posts from its own address; an address is used at most the allowed number of
  // times per window, so the per-address limit is never what refuses a comment.
  let nextAddress = 0
  const addresses = Array.from({ length: 250 }, (_, i) => `127.0.1.${i + 1}`)
  const used = new Map<string, number[]>()
  const freeAddress = () => {
    for (let tries = 0; tries < addresses.length; tries++) {
      const a = addresses[nextAddress++ % addresses.length]!
      const recent = (used.get(a) ?? []).filter((t) => Date.now() - t < COMMENT_RULES.rateWindowMs)
      if (recent.length < COMMENT_RULES.ratePerWindow - 1) {
        used.set(a, [...recent, Date.now()])
        return a
      }
    }
    return null
  }
  let commentNo = 0
  const commenter = async () => {
    const agent = new Agent({ keepAlive: false })
    while (running()) {
      const address = freeAddress()
      if (!address) {
        await sleep(1000)
        continue
      }
      const slug = pick(slugs)
      const path = `/reviews/${encodeURIComponent(slug)}/comments`
      // The form-time image a browser loads when the form gets focus, then a person's typing time.
      let started = performance.now()
      let cookie = ''
      try {
        const time = await getFrom(agent, address, `${base}${path}/time`)
        cookie = time.setCookie.map((c) => c.split(';')[0]).join('; ')
        record('comment', `${path}/time`, started, time.status, time.status === 200 && cookie.includes('dramalog_form_time='))
      } catch {
        record('comment', `${path}/time`, started, 0, false)
        continue
      }
      await sleep(COMMENT_RULES.minFillMs + 300)
      if (!running()) break
      const n = ++commentNo
      const body = new URLSearchParams({ name: `Reader ${n}`, email: `reader${n}@soak.example`, website: '', body: `Comment ${n}: ${pick(VOCABULARY)} ${pick(VOCABULARY)} ${pick(VOCABULARY)}.`, url: '', parentId: '' }).toString()
      started = performance.now()
      try {
        const res = await postFrom(address, base + path, { 'content-type': 'application/x-www-form-urlencoded', origin: base, cookie }, body)
        record('comment', path, started, res.status, res.status === 303)
      } catch {
        record('comment', path, started, 0, false)
      }
    }
  }

  // Editors: each signs in and edits its own share of the reviews, always against the revision the
  // edit page shows, so every save is expected to succeed (a conflict would be an error here).
  const editor = async (share: { id: number; slug: string }[]) => {
    const client = new AdminClient(base)
    let started = performance.now()
    const login = await client.login(USER.username, USER.password)
    record('edit', '/admin/login', started, login.status, login.status === 303)
    let k = 0
    while (running()) {
      const review = share[k++ % share.length]!
      started = performance.now()
      const api = await fetch(`${base}/api/reviews/${encodeURIComponent(review.slug)}`)
      const doc = api.ok ? ((await api.json()) as Parameters<typeof formBodyOf>[0]) : null
      record('edit', `/api/reviews/${review.slug}`, started, api.status, api.ok)
      if (!doc) continue
      started = performance.now()
      const page = await client.request(`/admin/reviews/${review.id}`)
      const html = await page.text()
      record('edit', `/admin/reviews/${review.id}`, started, page.status, page.status === 200)
      const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1]
      const revision = /name="revision" value="(\d+)"/.exec(html)?.[1]
      if (!csrf || !revision) {
        record('edit', `/admin/reviews/${review.id} (form)`, started, page.status, false)
        continue
      }
      const fields = formBodyOf({ ...doc, intro: `${doc.intro}\n\nEdited ${new Date().toISOString()}.` })
      started = performance.now()
      const saved = await client.post(`/admin/reviews/${review.id}`, { ...fields, _csrf: csrf, revision, _action: 'save' })
      await saved.arrayBuffer()
      record('edit', `POST /admin/reviews/${review.id}`, started, saved.status, saved.status === 303)
      await sleep(1000)
    }
  }

  const intervals: Interval[] = []
  const started = Date.now()
  const reporter = (async () => {
    log('   time  requests  errors    p50 ms    p99 ms   RSS MB  live MB  held MB native MB   read search comment edit')
    while (running()) {
      await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())))
      const batch = samples.splice(0)
      const ms = batch.map((s) => s.ms).sort((a, b) => a - b)
      const memory = await serverMemory(pid, probeDir)
      const byKind = Object.fromEntries(KINDS.map((k) => [k, batch.filter((s) => s.kind === k).length])) as Record<Kind, number>
      const row: Interval = { at: (Date.now() - started) / 1000, requests: batch.length, errors: batch.filter((s) => !s.ok).length, p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), ...memory, byKind }
      intervals.push(row)
      log(`${row.at.toFixed(0).padStart(6)}s ${String(row.requests).padStart(9)} ${String(row.errors).padStart(7)} ${row.p50.toFixed(1).padStart(9)} ${row.p99.toFixed(1).padStart(9)} ${row.rssMb.toFixed(1).padStart(8)} ${row.heapMb.toFixed(1).padStart(8)} ${row.heapTotalMb.toFixed(1).padStart(8)} ${row.nativeMb.toFixed(1).padStart(9)} ${KINDS.map((k) => String(byKind[k]).padStart(k.length)).join(' ')}`)
    }
  })()

  try {
    const half = Math.ceil(reviews.length / 2)
    await Promise.all([
      ...Array.from({ length: 4 }, reader),
      searcher(),
      commenter(),
      commenter(),
      editor(reviews.slice(0, half)),
      editor(reviews.slice(half)),
      reporter,
    ])
  } finally {
    await server.stop()
    data.remove()
  }

  // Memory: the first intervals are warm-up (caches filling, code compiling). Past them, the
  // medians of the last third are compared with those of the first third.
  const warm = intervals.slice(Math.min(intervals.length - 1, Math.max(1, Math.floor(intervals.length * 0.2))))
  const third = Math.max(1, Math.floor(warm.length / 3))
  const trend = (figure: (i: Interval) => number, slackMb: number): Trend => {
    const earlyMb = median(warm.slice(0, third).map(figure))
    const lateMb = median(warm.slice(-third).map(figure))
    const growth = earlyMb ? (lateMb - earlyMb) / earlyMb : 0
    return { earlyMb, lateMb, growth, grows: growth > 0.2 && lateMb - earlyMb > slackMb }
  }
  const live = trend((i) => i.heapMb, 10)
  const native = trend((i) => i.nativeMb, 30)
  const rss = trend((i) => i.rssMb, 30)
  const verdict = live.grows || native.grows ? 'grows' : 'flat'
  return { intervals, requests: Object.values(totals).reduce((a, b) => a + b, 0), errors, byKind: totals, errorSamples, memory: { live, native, rss, verdict } }
}

/** Prints the summary lines. */
export function describeSoak(s: SoakSummary, log: (line: string) => void = console.log): void {
  const p99s = s.intervals.map((i) => i.p99)
  log(`Requests: ${s.requests.toLocaleString('en-US')} (${KINDS.map((k) => `${k} ${s.byKind[k].toLocaleString('en-US')}`).join(', ')}); errors: ${s.errors}`)
  log(`p99 latency per interval: min ${Math.min(...p99s).toFixed(1)} ms, median ${median(p99s).toFixed(1)} ms, max ${Math.max(...p99s).toFixed(1)} ms`)
  log(
    'Memory rule: after a full garbage collection in the server, skipping the first 20% of intervals (warm-up), memory grows when the median of the last ' +
      'third exceeds that of the first third by more than 20% and 10 MB for the live heap, or 20% and 30 MB for the memory outside the heap.',
  )
  const show = (name: string, t: Trend) => `${name} ${t.earlyMb.toFixed(1)} → ${t.lateMb.toFixed(1)} MB (${t.growth >= 0 ? '+' : ''}${(t.growth * 100).toFixed(1)}%)`
  log(`Memory: ${show('live heap', s.memory.live)}, ${show('outside the heap', s.memory.native)}: ${s.memory.verdict === 'flat' ? 'flat' : 'GROWS'}; ${show('RSS', s.memory.rss)} (RSS also follows the heap room V8 keeps)`)
  for (const e of s.errorSamples) log(`  error: ${e}`)
}

if (import.meta.filename === process.argv[1]) {
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, reviews: { type: 'string', default: '300' } } })
  const minutes = Number(values.minutes)
  if (!(minutes > 0)) throw new Error(`--minutes must be a positive number, got "${values.minutes}"`)
  console.log(`Soak: ${minutes} min against 127.0.0.1, ${values.reviews} reviews`)
  const summary = await runSoak({ seconds: minutes * 60, reviews: Number(values.reviews) })
  describeSoak(summary)
  if (summary.errors > 0 || summary.memory.verdict === 'grows') process.exitCode = 1
}
