// Benchmarks: `npm run bench`. Each figure is printed beside a baseline measured in the same run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { DEFAULT_SETTINGS } from '../src/domain/settings.ts'
import { readPastedText } from '../src/formats/pasted-text.ts'
import { collectFiles, importFiles } from '../src/services/import-files.ts'
import { loadReviewPage } from '../src/services/pages.ts'
import { openSite } from '../src/services/site.ts'
import { searchReviews } from '../src/services/search.ts'
import { listSlugs } from '../src/store/reviews.ts'
import { createApp } from '../src/web/app.tsx'
import { CSS_HREF } from '../src/web/assets.ts'
import { renderDocument } from '../src/views/render.ts'
import { ReviewPage } from '../src/views/review-page.tsx'
import type { ReviewRecord } from '../src/domain/records.ts'
import { startServer } from '../src/web/server.ts'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import autocannon from 'autocannon'
import { relative } from 'node:path'

const N = Number(process.env.BENCH_REVIEWS ?? 1000)
const LOAD_N = Number(process.env.BENCH_LOAD_REVIEWS ?? 10_000)
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 5)
const COUNTRIES = ['South Korea', 'Japan', 'China', 'Taiwan', 'Thailand', 'Philippines', 'Hong Kong']
const PLATFORMS = ['Netflix', 'Viki', 'iQIYI', 'Prime Video', 'Disney+', 'WeTV']
const WORDS = 'lantern harbour rain letter fox market winter salt honey glass crown reed tailor serve moon ledger ward jeepney persimmon umbrella'.split(' ')

function paragraph(seed: number, words = 60): string {
  return Array.from({ length: words }, (_, i) => WORDS[(seed * 7 + i * 13) % WORDS.length]).join(' ') + '.'
}

/** A pasted review like the demo's, varied by index. */
function corpusFile(i: number): string {
  const title = `${WORDS[i % WORDS.length]} ${WORDS[(i * 3 + 1) % WORDS.length]} ${i}`.replace(/^./, (c) => c.toUpperCase())
  return [
    'Image: Generated benchmark poster.',
    `Year: ${2010 + (i % 16)}`,
    `Origin: ${COUNTRIES[i % COUNTRIES.length]}`,
    `Season: ${1 + (i % 3)}`,
    `Platform: ${PLATFORMS[i % PLATFORMS.length]}`,
    `First Watch: ${i % 4 === 0 ? 'No' : 'Yes'}`,
    `Review Date: ${1 + (i % 28)} Mar ${2019 + (i % 6)}`,
    `AsianWiki: ${title}`,
    `Facepalm Meter: ${'🤦🏻‍♂️'.repeat(i % 6)}`,
    `Tags: ${WORDS[i % 7]}, ${WORDS[(i + 3) % 11]}`,
    `Cast: Actor ${i % 50}, Actor ${(i + 7) % 50}`,
    '',
    'Is it worth a whole weekend?',
    '',
    `${title} – A Headline Number ${i}`,
    '',
    paragraph(i),
    '',
    paragraph(i + 1),
    ...DEFAULT_SETTINGS.rubric.flatMap((aspect, k) => ['', `${aspect} – Verdict ${k} For ${i}`, '', paragraph(i + k), '', paragraph(i + k + 2, 40)]),
  ].join('\n')
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** Baseline: the same review data through one plain template string, no components. */
function templateString(r: ReviewRecord): string {
  const d = r.doc
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(d.title)}</title><link rel="stylesheet" href="${CSS_HREF}"></head><body><main><article><p class="hook">${escapeHtml(d.hook ?? '')}</p><h1>${escapeHtml(d.title)} – ${escapeHtml(d.headline ?? '')}</h1><dl><dt>Year</dt><dd>${d.year}</dd><dt>Origin</dt><dd>${escapeHtml(d.origin ?? '')}</dd><dt>Platform</dt><dd>${escapeHtml(d.platform ?? '')}</dd></dl><span role="img" aria-label="${d.meter?.value} of 5 facepalms">${'🤦'.repeat(d.meter?.value ?? 0)}</span>${r.introHtml}${d.sections.map((s, i) => `<section><h2>${escapeHtml(s.aspect)} – ${escapeHtml(s.verdict)}</h2>${r.sectionHtml[i]}</section>`).join('')}<ul>${d.tags.map((t) => `<li>${escapeHtml(t)}</li>`).join('')}</ul></article></main></body></html>`
}

type LoadResult = { rps: number; p50: number; p99: number; errors: number }

/** Runs autocannon against one URL on 127.0.0.1 (bounded in time, then stops by itself). */
async function load(url: string): Promise<LoadResult> {
  const r = await autocannon({ url, connections: 10, duration: LOAD_SECONDS, pipelining: 1 })
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx }
}

/** The live server beside a static-file server of the same HTML, in this one process. */
async function serveUnderLoad(site: Awaited<ReturnType<typeof openSite>>, work: string): Promise<void> {
  const { port, server } = await startServer(site, 0, '127.0.0.1')
  const base = `http://127.0.0.1:${port}`
  const slug = (await listSlugs(site.db))[0]!
  const staticDir = join(work, 'static')
  mkdirSync(join(staticDir, 'reviews', slug), { recursive: true })
  writeFileSync(join(staticDir, 'index.html'), await (await fetch(`${base}/`)).text())
  writeFileSync(join(staticDir, 'reviews', slug, 'index.html'), await (await fetch(`${base}/reviews/${encodeURIComponent(slug)}`)).text())
  const files = new Hono()
  files.use('/*', serveStatic({ root: relative(process.cwd(), staticDir) }))
  const staticServer = serve({ fetch: files.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise((r) => staticServer.once('listening', r))
  const staticBase = `http://127.0.0.1:${(staticServer.address() as { port: number }).port}`
  const row = (label: string, r: LoadResult, baseline?: LoadResult) =>
    console.log(
      `  ${label.padEnd(40)} ${Math.round(r.rps).toLocaleString('en-US').padStart(7)} req/s  p50 ${String(r.p50).padStart(3)} ms  p99 ${String(r.p99).padStart(3)} ms` +
        (r.errors ? `  ${r.errors} errors` : '') +
        (baseline ? `  ${Math.round((r.rps / baseline.rps) * 100)} % of static` : ''),
    )
  try {
    for (const [label, path] of [['review page', `/reviews/${encodeURIComponent(slug)}`], ['home page', '/']] as const) {
      const staticPath = path === '/' ? '/index.html' : `/reviews/${encodeURIComponent(slug)}/index.html`
      const baseline = await load(staticBase + staticPath)
      row(`baseline: ${label} as a static file`, baseline)
      row(`dramalog: ${label}`, await load(base + path), baseline)
    }
  } finally {
    server.close()
    staticServer.close()
  }
}

/** Search latency over the whole corpus: p50 and p95 of 1,000 queries, beside a plain title lookup. */
async function searchTimings(site: Awaited<ReturnType<typeof openSite>>): Promise<void> {
  const queries = ['lantern', 'harbour rain', '"salt honey"', 'fox -winter', 'glass OR crown', 'moon ledger', 'tailor', 'persimmon umbrella']
  const filters = { country: null, platform: null, year: null, meter: null }
  const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!
  const measure = async (run: (i: number) => Promise<unknown>) => {
    const times: number[] = []
    for (let i = 0; i < 1000; i++) {
      const t = performance.now()
      await run(i)
      times.push(performance.now() - t)
    }
    return times
  }
  await measure((i) => searchReviews(site, { q: queries[i % queries.length]!, filters, page: 1 }))
  const baseline = await measure((i) => site.db.selectFrom('reviews').select('id').where('slug', '=', `x-${i}`).execute())
  const search = await measure((i) => searchReviews(site, { q: queries[i % queries.length]!, filters, page: 1 }))
  console.log(`\nSearch over ${(await listSlugs(site.db)).length} reviews, 1,000 queries`)
  const fmt = (xs: number[]) => `p50 ${percentile(xs, 0.5).toFixed(2)} ms  p95 ${percentile(xs, 0.95).toFixed(2)} ms`
  console.log(`  ${'baseline: one indexed row lookup'.padEnd(40)} ${fmt(baseline)}`)
  console.log(`  ${'dramalog search (ranked, with excerpts)'.padEnd(40)} ${fmt(search)}`)
}

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const start = performance.now()
  const result = await work()
  return { seconds: (performance.now() - start) / 1000, result }
}

const rate = (count: number, seconds: number) => `${Math.round(count / seconds).toLocaleString('en-US').padStart(8)} /s`
const line = (label: string, count: number, seconds: number, baseline?: number) =>
  console.log(`  ${label.padEnd(46)} ${rate(count, seconds)}  (${seconds.toFixed(2)} s)${baseline ? `  ${(seconds / baseline).toFixed(2)}× baseline time` : ''}`)

const work = mkdtempSync(join(tmpdir(), 'dramalog-bench-'))
try {
  const corpus = join(work, 'corpus')
  mkdirSync(corpus)
  for (let i = 0; i < N; i++) writeFileSync(join(corpus, `${String(i).padStart(5, '0')}.txt`), corpusFile(i))
  const site = await openSite({ dataDir: join(work, 'data'), databaseUrl: null })

  console.log(`\nImport of ${N} pasted review files (one transaction)`)
  const parseOnly = await timed(async () => {
    const { files } = await collectFiles([corpus])
    for (const f of files) {
      const r = readPastedText(await readFile(f, 'utf8'), DEFAULT_SETTINGS, f)
      if (!r.ok) throw new Error(`corpus file ${f} does not parse`)
    }
  })
  line('baseline: read + parse only, no database', N, parseOnly.seconds)
  const imported = await timed(() => importFiles(site, [corpus]))
  if (imported.result.created.length !== N) throw new Error('import did not create every review')
  line('dramalog import (parse, render, SQLite)', N, imported.seconds, parseOnly.seconds)
  const reimported = await timed(() => importFiles(site, [corpus]))
  line('dramalog re-import (updates in place)', N, reimported.seconds, parseOnly.seconds)

  const slugs = await listSlugs(site.db)
  console.log(`\nRendering ${slugs.length} review pages from the store`)
  const records: ReviewRecord[] = []
  const load = await timed(async () => {
    for (const slug of slugs) records.push((await loadReviewPage(site, slug)).record)
  })
  line('load from SQLite (all rows of a review)', slugs.length, load.seconds)
  const baseline = await timed(async () => {
    let bytes = 0
    for (const r of records) bytes += templateString(r).length
    return bytes
  })
  line('baseline: plain template string', slugs.length, baseline.seconds)
  const jsx = await timed(async () => {
    let bytes = 0
    for (const r of records) bytes += renderDocument(<ReviewPage chrome={{ settings: DEFAULT_SETTINGS, cssHref: CSS_HREF }} record={r} />).length
    return bytes
  })
  line('dramalog page view (JSX, full page)', slugs.length, jsx.seconds, baseline.seconds)

  const app = createApp(site)
  const cold = await timed(async () => {
    for (const slug of slugs) if ((await app.request(`/reviews/${encodeURIComponent(slug)}`)).status !== 200) throw new Error(slug)
  })
  line('HTTP handler, cold (load + render + cache)', slugs.length, cold.seconds, load.seconds + baseline.seconds)
  const warm = await timed(async () => {
    for (const slug of slugs) await (await app.request(`/reviews/${encodeURIComponent(slug)}`)).text()
  })
  line('HTTP handler, warm (page cache hit)', slugs.length, warm.seconds, load.seconds + baseline.seconds)
  console.log('\n  "× baseline time" below 1 is faster than the baseline, above 1 slower.')

  // Under load: the real server on 127.0.0.1 with LOAD_N reviews, against the same HTML as static files.
  if (LOAD_N > N) {
    const more = join(work, 'more')
    mkdirSync(more)
    for (let i = N; i < LOAD_N; i++) writeFileSync(join(more, `${String(i).padStart(5, '0')}.txt`), corpusFile(i))
    const topUp = await timed(() => importFiles(site, [more]))
    console.log(`\nServing ${LOAD_N} reviews under load (added ${LOAD_N - N} in ${topUp.seconds.toFixed(1)} s); ${LOAD_SECONDS} s per run, 10 connections`)
  } else console.log(`\nServing ${N} reviews under load; ${LOAD_SECONDS} s per run, 10 connections`)
  await serveUnderLoad(site, work)
  await searchTimings(site)
  await site.close()
} finally {
  rmSync(work, { recursive: true, force: true })
}
