// Benchmarks: `npm run bench`. Each figure is printed beside a baseline measured in the same run.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { DEFAULT_SETTINGS } from '../src/domain/settings.ts'
import { readPastedText } from '../src/formats/pasted-text.ts'
import { collectFiles, defaultReaderThreads, importFiles } from '../src/services/import-files.ts'
import { loadReviewPage } from '../src/services/pages.ts'
import { openSite } from '../src/services/site.ts'
import { searchReviews } from '../src/services/search.ts'
import { listSlugs } from '../src/store/reviews.ts'
import { createApp } from '../src/web/app.tsx'
import { CSS_HREF } from '../src/pages/assets.ts'
import { renderDocument } from '../src/views/render.ts'
import { ReviewPage } from '../src/views/review-page.tsx'
import type { ReviewRecord } from '../src/domain/records.ts'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import autocannon from 'autocannon'
import { corpusReview, wordWithShare } from './corpus.ts'
import { writeLetterboxdZip, writeWxr } from './formats.ts'
import { buildBenchmark } from './build.ts'
import { clusterBenchmark } from './cluster.ts'

const N = Number(process.env.BENCH_REVIEWS ?? 1000)
const LOAD_N = Number(process.env.BENCH_LOAD_REVIEWS ?? 10_000)
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 5)
const IMPORT_SIZES = (process.env.BENCH_IMPORT_SIZES ?? '2500,5000,10000').split(',').map(Number)
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

/** Starts bench/serve-pair.ts in its own process and waits for the ports it prints. */
async function startServePair(dataDir: string, staticDir: string): Promise<{ child: ChildProcess; base: string; staticBase: string }> {
  const child = spawn(join('node_modules', '.bin', 'tsx'), [join('bench', 'serve-pair.ts'), dataDir, staticDir], { stdio: ['ignore', 'pipe', 'inherit'] })
  const line = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('\n')) resolve(out.split('\n')[0]!)
    })
    child.once('exit', (code) => reject(new Error(`the benchmark server exited (${code})`)))
  })
  const { port, staticPort } = JSON.parse(line) as { port: number; staticPort: number }
  return { child, base: `http://127.0.0.1:${port}`, staticBase: `http://127.0.0.1:${staticPort}` }
}

/** The real server in its own process, beside a static-file server of the same HTML in that same process. */
async function serveUnderLoad(site: Awaited<ReturnType<typeof openSite>>, work: string): Promise<void> {
  const staticDir = join(work, 'static')
  mkdirSync(staticDir, { recursive: true })
  const { child, base, staticBase } = await startServePair(site.dataDir, staticDir)
  const slug = (await listSlugs(site.db))[0]!
  mkdirSync(join(staticDir, 'reviews', slug), { recursive: true })
  writeFileSync(join(staticDir, 'index.html'), await (await fetch(`${base}/`)).text())
  writeFileSync(join(staticDir, 'reviews', slug, 'index.html'), await (await fetch(`${base}/reviews/${encodeURIComponent(slug)}`)).text())
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
    child.kill('SIGTERM')
  }
}

/**
 * Search latency over the whole corpus: p50 and p95 of 1,000 queries of words with a known spread
 * (in half the reviews down to one in a thousand), beside a plain indexed row lookup; then the worst
 * case apart, a word that occurs in every review, where ranking has to score every review.
 */
async function searchTimings(site: Awaited<ReturnType<typeof openSite>>): Promise<void> {
  const [half, fifth, twentieth, hundredth, thousandth] = [0.5, 0.2, 0.05, 0.01, 0.001].map((s) => wordWithShare(s)) as [string, string, string, string, string]
  const queries = [half, fifth, twentieth, hundredth, thousandth, `${fifth} ${twentieth}`, `"${half} ${fifth}"`, `${fifth} -${half}`, `${hundredth} OR ${thousandth}`, `${twentieth}*`]
  const filters = { country: null, platform: null, year: null, meter: null }
  const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!
  const measure = async (run: (i: number) => Promise<unknown>, n = 1000) => {
    const times: number[] = []
    for (let i = 0; i < n; i++) {
      const t = performance.now()
      await run(i)
      times.push(performance.now() - t)
    }
    return times
  }
  const search = (q: string, page = 1) => searchReviews(site, { q, filters, page })
  await measure((i) => search(queries[i % queries.length]!))
  const baseline = await measure((i) => site.db.selectFrom('reviews').select('id').where('slug', '=', `x-${i}`).execute())
  const mixed = await measure((i) => search(queries[i % queries.length]!, 1 + (i % 3)))
  const filtered = await measure((i) => searchReviews(site, { q: queries[i % queries.length]!, filters: { ...filters, country: 'KR' }, page: 1 }))
  const everywhere = await measure(() => search('the'), 200)
  const counts = await Promise.all(queries.map(async (q: string) => (await search(q)).results?.total ?? 0))
  console.log(`\nSearch over ${(await listSlugs(site.db)).length} reviews: ${queries.length} queries matching ${Math.min(...counts)} to ${Math.max(...counts)} reviews, 1,000 runs each line`)
  const fmt = (xs: number[]) => `p50 ${percentile(xs, 0.5).toFixed(2).padStart(6)} ms  p95 ${percentile(xs, 0.95).toFixed(2).padStart(6)} ms`
  console.log(`  ${'baseline: one indexed row lookup'.padEnd(48)} ${fmt(baseline)}`)
  console.log(`  ${'dramalog search (ranked, excerpts, pages 1-3)'.padEnd(48)} ${fmt(mixed)}`)
  console.log(`  ${'dramalog search filtered by country'.padEnd(48)} ${fmt(filtered)}`)
  console.log(`  ${`worst case: "the", in all ${(await search('the')).results?.total} reviews (200 runs)`.padEnd(48)} ${fmt(everywhere)}`)
}

/** Imports one generated export in a child process: records per second and that process's peak memory. */
async function importInChild(work: string, file: string, threads?: number): Promise<{ records: number; seconds: number; maxRssMb: number }> {
  const dataDir = mkdtempSync(join(work, 'import-'))
  const args = [join('bench', 'import-child.ts'), dataDir, file, ...(threads === undefined ? [] : [String(threads)])]
  const child = spawn(join('node_modules', '.bin', 'tsx'), args, { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  rmSync(dataDir, { recursive: true, force: true })
  if (code !== 0) throw new Error(`importing ${file} failed (exit ${code})`)
  return JSON.parse(out) as { records: number; seconds: number; maxRssMb: number }
}

/** Seconds `dramalog import FILE` takes into a fresh data folder. */
async function importWithCli(work: string, file: string): Promise<number> {
  const dataDir = mkdtempSync(join(work, 'import-'))
  const start = performance.now()
  const child = spawn(join('bin', 'dramalog'), ['import', file], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DRAMALOG_DATA_DIR: dataDir } })
  let said = ''
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (d: Buffer) => (said = (said + d.toString()).slice(-2000)))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  const seconds = (performance.now() - start) / 1000
  rmSync(dataDir, { recursive: true, force: true })
  if (code !== 0) throw new Error(`dramalog import ${file} failed (exit ${code}):\n${said}`)
  return seconds
}

/**
 * WordPress and Letterboxd exports of growing size: speed, and memory that should stay flat; the
 * largest WordPress export again on the main thread alone, as the baseline for the reader threads.
 */
async function importFormats(work: string): Promise<void> {
  const sizes = IMPORT_SIZES
  // The reader threads load the bundled program, as under the command line; made here if the
  // sources changed since it was last made, so no import pays for compiling them.
  execFileSync(join('bin', 'dramalog'), ['--help'], { stdio: 'ignore' })
  console.log(`\nImporting generated exports (each in its own process; peak memory is that process's; ${defaultReaderThreads()} reader ${defaultReaderThreads() === 1 ? 'thread' : 'threads'} beside the main thread)`)
  const row = (label: string, r: { records: number; seconds: number; maxRssMb: number }, bytes: number) =>
    console.log(
      `  ${label.padEnd(44)} ${String(r.records).padStart(6)} records  ${r.seconds.toFixed(1).padStart(5)} s  ${rate(r.records, r.seconds)}  peak ${Math.round(r.maxRssMb)} MB  (file ${(bytes / 1e6).toFixed(1)} MB)`,
    )
  for (const n of sizes) {
    const file = join(work, `wordpress-${n}.xml`)
    await writeWxr(file, n)
    row(`WordPress WXR, ${n.toLocaleString('en-US')} posts`, await importInChild(work, file), statSync(file).size)
  }
  const largest = Math.max(...sizes)
  const file = join(work, `wordpress-${largest}.xml`)
  // The command a reviewer runs, start-up and closing the database included.
  const cli = await importWithCli(work, file)
  console.log(`  ${`dramalog import (CLI), ${largest.toLocaleString('en-US')} posts`.padEnd(44)} ${String(largest).padStart(6)} records  ${cli.toFixed(1).padStart(5)} s  ${rate(largest, cli)}  (whole command)`)
  row(`baseline: ${largest.toLocaleString('en-US')} posts, main thread only`, await importInChild(work, file, 0), statSync(file).size)
  for (const n of sizes) {
    const file = join(work, `letterboxd-${n}.zip`)
    await writeLetterboxdZip(file, n)
    row(`Letterboxd ZIP, ${n.toLocaleString('en-US')} diary rows`, await importInChild(work, file), statSync(file).size)
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const start = performance.now()
  const result = await work()
  return { seconds: (performance.now() - start) / 1000, result }
}

const rate = (count: number, seconds: number) => `${Math.round(count / seconds).toLocaleString('en-US').padStart(8)} /s`
const line = (label: string, count: number, seconds: number, baseline?: number) =>
  console.log(`  ${label.padEnd(46)} ${rate(count, seconds)}  (${seconds.toFixed(2)} s)${baseline ? `  ${(seconds / baseline).toFixed(2)}× baseline time` : ''}`)

/** The pasted-text import, page rendering, the server under load and search, over one generated site. */
async function pagesAndSearch(work: string): Promise<void> {
  const corpus = join(work, 'corpus')
  mkdirSync(corpus)
  for (let i = 0; i < N; i++) writeFileSync(join(corpus, `${String(i).padStart(5, '0')}.txt`), corpusReview(i))
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
    for (let i = N; i < LOAD_N; i++) writeFileSync(join(more, `${String(i).padStart(5, '0')}.txt`), corpusReview(i))
    const topUp = await timed(() => importFiles(site, [more]))
    console.log(`\nServing ${LOAD_N} reviews under load (added ${LOAD_N - N} in ${topUp.seconds.toFixed(1)} s); ${LOAD_SECONDS} s per run, 10 connections`)
  } else console.log(`\nServing ${N} reviews under load; ${LOAD_SECONDS} s per run, 10 connections`)
  await serveUnderLoad(site, work)
  await searchTimings(site)
  await site.close()
}

// `npm run bench` runs every section; `npm run bench -- pages formats` only those named.
const SECTIONS: Record<string, (work: string) => Promise<void>> = { pages: pagesAndSearch, cluster: clusterBenchmark, formats: importFormats, build: buildBenchmark }
const asked = process.argv.slice(2)
const unknown = asked.filter((a) => !(a in SECTIONS))
if (unknown.length) {
  console.error(`unknown benchmark section ${unknown.join(', ')}; sections: ${Object.keys(SECTIONS).join(', ')}`)
  process.exit(2)
}
const work = mkdtempSync(join(tmpdir(), 'dramalog-bench-'))
try {
  for (const [name, run] of Object.entries(SECTIONS)) if (!asked.length || asked.includes(name)) await run(work)
} finally {
  rmSync(work, { recursive: true, force: true })
}
