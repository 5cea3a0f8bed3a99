// `npm run bench -- cluster`: the review page under load on SQLite with one app server, beside
// PostgreSQL with one app server and with two, in the same run, over the same site. The site is
// imported into SQLite, then copied into a throwaway PostgreSQL server with `migrate-db`'s code.
// Each server is a real `dramalog serve` process; autocannon runs in this process and, for two
// servers, spreads its connections over both (what a round-robin load balancer does).
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { importFiles } from '../src/services/import-files.ts'
import { copySite } from '../src/services/migrate-db.ts'
import { openSite } from '../src/services/site.ts'
import { listSlugs } from '../src/store/reviews.ts'
import { createDatabase, startPostgres } from '../test/helpers/postgres.ts'
import { startServer, type RunningServer } from '../test/helpers/server.ts'
import { corpusReview } from './corpus.ts'

const REVIEWS = Number(process.env.BENCH_CLUSTER_REVIEWS ?? 2000)
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 5)
const CONNECTIONS = 20

type Result = { rps: number; p50: number; p99: number; errors: number }

/**
 * Loads the servers at `urls`: `paths` in turn, each once (`once`: every request a first visit,
 * rendered from the database), or for SECONDS over and over (served from the page cache).
 */
async function load(urls: string[], paths: string[], once: boolean): Promise<Result> {
  let i = 0
  const r = await autocannon({
    // autocannon takes several URLs and spreads the connections over them (its types say one).
    url: (urls.length === 1 ? urls[0]! : urls) as string,
    connections: CONNECTIONS,
    ...(once ? { amount: paths.length } : { duration: SECONDS }),
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length]! }) }],
  })
  // A run of a fixed number of requests ends part-way through a second: its rate is total over time.
  return { rps: once ? r.requests.total / r.duration : r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx }
}

export async function clusterBenchmark(work: string): Promise<void> {
  const dir = join(work, 'cluster')
  const corpus = join(dir, 'corpus')
  mkdirSync(corpus, { recursive: true })
  for (let i = 0; i < REVIEWS; i++) writeFileSync(join(corpus, `${String(i).padStart(5, '0')}.txt`), corpusReview(i))
  const sqliteDir = join(dir, 'sqlite')
  const sqlite = await openSite({ dataDir: sqliteDir, databaseUrl: null })
  await importFiles(sqlite, [corpus])
  const slugs = (await listSlugs(sqlite.db)).map((s) => `/reviews/${encodeURIComponent(s)}`)

  const server = await startPostgres()
  const servers: RunningServer[] = []
  try {
    const url = await createDatabase(server.adminUrl, 'dramalog_bench')
    // Media stay in the SQLite site's folder, which the PostgreSQL servers are pointed at.
    const postgres = await openSite({ dataDir: join(dir, 'pg'), databaseUrl: url, mediaDir: sqlite.mediaDir })
    await copySite(sqlite, postgres)
    await postgres.close()
    await sqlite.close()

    console.log(
      `\nThe review page under load: ${REVIEWS.toLocaleString('en-US')} reviews, ${CONNECTIONS} connections. "First visits": every ` +
        `review once on servers just started (each page rendered from the database); "cached": one review for ${SECONDS} s`,
    )
    const row = (label: string, r: Result, baseline?: Result) =>
      console.log(
        `  ${label.padEnd(46)} ${Math.round(r.rps).toLocaleString('en-US').padStart(7)} req/s  p50 ${String(r.p50).padStart(3)} ms  p99 ${String(r.p99).padStart(4)} ms` +
          (r.errors ? `  ${r.errors} errors` : '') +
          (baseline ? `  ${Math.round((r.rps / baseline.rps) * 100)} % of SQLite` : ''),
      )
    const env = { DRAMALOG_MEDIA_DIR: join(sqliteDir, 'media'), DRAMALOG_PUBLISH_INTERVAL: '3600' }
    const run = async (dirs: string[], extra: Record<string, string>) => {
      const started = await Promise.all(dirs.map((d) => startServer(d, { ...env, ...extra })))
      servers.push(...started)
      const urls = started.map((s) => s.url)
      const result = { first: await load(urls, slugs, true), cached: await load(urls, [slugs[0]!], false) }
      await Promise.all(servers.splice(0).map((s) => s.stop()))
      return result
    }
    const baseline = await run([sqliteDir], {})
    row('baseline: SQLite, one server, first visits', baseline.first)
    row('baseline: SQLite, one server, cached', baseline.cached)
    const single = await run([join(dir, 'pg-a')], { DATABASE_URL: url })
    row('PostgreSQL, one server, first visits', single.first, baseline.first)
    row('PostgreSQL, one server, cached', single.cached, baseline.cached)
    const pair = await run([join(dir, 'pg-a'), join(dir, 'pg-b')], { DATABASE_URL: url })
    row('PostgreSQL, two servers, first visits', pair.first, baseline.first)
    row('PostgreSQL, two servers, cached', pair.cached, baseline.cached)
    console.log(`  (autocannon, the servers and PostgreSQL share this machine's ${availableParallelism()} cores: a second server adds no CPU here)`)
  } finally {
    await Promise.all(servers.map((s) => s.stop()))
    server.stop()
  }
}
