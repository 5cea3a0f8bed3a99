// `npm run bench -- build`: the static build of N generated reviews with Dramalog, Hugo and
// Eleventy, from the same content, in the same run. Each generator writes review pages, home
// pages and tag pages (12 to a page), then the pages of the other ways Dramalog lists reviews
// (people, country, platform, year, meter), so each builds a comparable site; Dramalog's own site
// also has sorted lists, feeds, the diary and search, counted in its page total.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { buildSite, type BuildReport } from '../src/build/build-site.ts'
import { exportMarkdown } from '../src/services/export-reviews.ts'
import { importFiles } from '../src/services/import-files.ts'
import { openSite, type Site } from '../src/services/site.ts'
import { corpusReview } from './corpus.ts'

const SIZES = (process.env.BENCH_BUILD_SIZES ?? '1000,10000').split(',').map(Number)
const BIN = join(import.meta.dirname, '..', 'bin', 'dramalog')
const ELEVENTY = join(import.meta.dirname, '..', 'node_modules', '@11ty', 'eleventy', 'cmd.cjs')

type Run = { label: string; seconds: number; pages: number }

/** Runs a command and returns its wall time; throws with its output when it fails. */
function timedCommand(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): number {
  const start = performance.now()
  const r = spawnSync(cmd, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: 'utf8', maxBuffer: 1 << 28 })
  const seconds = (performance.now() - start) / 1000
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`)
  return seconds
}

/** HTML pages below a folder, not counting redirect stubs (Hugo writes one for every list's page/1). */
function countPages(dir: string): number {
  let n = 0
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.html')) continue
    const path = join(e.parentPath, e.name)
    if (statSync(path).size < 600 && readFileSync(path, 'utf8').includes('http-equiv="refresh"')) continue
    n++
  }
  return n
}

const hasHugo = () => spawnSync('hugo', ['version'], { encoding: 'utf8' }).status === 0

/** The lists both generators build besides tags, from a review's front matter: the other ways Dramalog lists reviews. */
function taxonomies(front: Record<string, unknown>): Record<string, string[]> {
  const meter = front.meter as { value: number } | null
  return {
    credits: ((front.people as { name: string }[] | undefined) ?? []).map((p) => p.name),
    countries: front.origin ? [String(front.origin)] : [],
    platforms: front.platform ? [String(front.platform)] : [],
    years: front.year ? [String(front.year)] : [],
    meters: meter ? [String(meter.value)] : [],
  }
}

/** The exported Markdown, each file with what a generator needs added to its front matter (a date, the taxonomies). */
function* adaptedMarkdown(mdDir: string): Generator<{ name: string; text: string }> {
  for (const name of readdirSync(mdDir).filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(join(mdDir, name), 'utf8')
    const end = text.indexOf('\n---\n', 4)
    const front = parseYaml(text.slice(4, end)) as Record<string, unknown>
    // Tags are in the front matter already; the other lists are added under names of their own.
    const extra = [`date: ${front.reviewedOn ?? '2020-01-01'}`, ...Object.entries(taxonomies(front)).map(([k, v]) => `${k}: ${JSON.stringify(v)}`)]
    yield { name, text: `---\n${extra.join('\n')}\n${text.slice(4)}` }
  }
}

const PAGE_HEAD = (title: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><link rel="stylesheet" href="/site.css"></head><body><header><a href="/">Bench</a><nav><a href="/tags/">Tags</a> <a href="/credits/">People</a> <a href="/countries/">Countries</a></nav></header><main>`
const PAGE_FOOT = '</main><footer>Bench site</footer></body></html>'

/** A Hugo site over the same content: review pages, home pagination, a paginated page per taxonomy term. */
export function hugoProject(root: string, mdDir: string): void {
  mkdirSync(join(root, 'content', 'reviews'), { recursive: true })
  mkdirSync(join(root, 'layouts', '_default'), { recursive: true })
  for (const { name, text } of adaptedMarkdown(mdDir)) writeFileSync(join(root, 'content', 'reviews', name), text)
  writeFileSync(
    join(root, 'config.yaml'),
    [
      'baseURL: "https://bench.example/"', 'title: Bench', 'paginate: 12', 'disableKinds: [RSS, sitemap, robotsTXT]', 'permalinks:', '  reviews: /reviews/:slug/',
      'taxonomies:', ...['tag: tags', 'credit: credits', 'country: countries', 'platform: platforms', 'year: years', 'meter: meters'].map((t) => `  ${t}`),
      'markup:', '  goldmark:', '    parser:', '      attribute:', '        title: true',
    ].join('\n'),
  )
  writeFileSync(join(root, 'layouts', '_default', 'baseof.html'), `${PAGE_HEAD('{{ .Title }}')}{{ block "main" . }}{{ end }}${PAGE_FOOT}`)
  const card = `<li><a href="{{ .RelPermalink }}"><span>{{ .Params.origin }} · {{ .Params.year }} · {{ .Params.platform }}</span><strong>{{ .Title }}</strong><span>{{ .Params.headline }}</span></a>{{ with .Params.meter }}<span>{{ .value }} of {{ .max }}</span>{{ end }}<time>{{ .Date.Format "2 January 2006" }}</time></li>`
  writeFileSync(
    join(root, 'layouts', '_default', 'single.html'),
    `{{ define "main" }}<article><p>{{ .Params.hook }}</p><h1>{{ .Title }} – {{ .Params.headline }}</h1><dl><dt>Year</dt><dd>{{ .Params.year }}</dd><dt>Origin</dt><dd>{{ .Params.origin }}</dd><dt>Platform</dt><dd>{{ .Params.platform }}</dd></dl>{{ .Content }}<ul>{{ range .Params.tags }}<li><a href="{{ "tags/" | relURL }}{{ . | urlize }}/">#{{ . }}</a></li>{{ end }}</ul></article>{{ end }}`,
  )
  writeFileSync(join(root, 'layouts', '_default', 'list.html'), `{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ len .Pages }} reviews</p><ul>{{ range .Paginator.Pages }}${card}{{ end }}</ul>{{ template "_internal/pagination.html" . }}{{ end }}`)
  writeFileSync(join(root, 'layouts', '_default', 'terms.html'), `{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}`)
  writeFileSync(join(root, 'layouts', 'index.html'), `{{ define "main" }}<h1>Latest reviews</h1><ul>{{ range (.Paginate (where .Site.RegularPages "Section" "reviews")).Pages }}${card}{{ end }}</ul>{{ template "_internal/pagination.html" . }}{{ end }}`)
}

/** An Eleventy site over the same content and page set, in Nunjucks. */
export function eleventyProject(root: string, mdDir: string): void {
  const src = join(root, 'src')
  mkdirSync(join(src, 'reviews'), { recursive: true })
  mkdirSync(join(src, '_includes'), { recursive: true })
  for (const { name, text } of adaptedMarkdown(mdDir)) writeFileSync(join(src, 'reviews', name), text)
  writeFileSync(join(src, 'reviews', 'reviews.11tydata.cjs'), "module.exports = { layout: 'review.njk', eleventyComputed: { permalink: (data) => `/reviews/${data.slug}/` } }\n")
  const card = `<li><a href="/reviews/{{ r.data.slug }}/"><span>{{ r.data.origin }} · {{ r.data.year }} · {{ r.data.platform }}</span><strong>{{ r.data.title }}</strong><span>{{ r.data.headline }}</span></a>{% if r.data.meter %}<span>{{ r.data.meter.value }} of {{ r.data.meter.max }}</span>{% endif %}<time>{{ r.data.reviewedOn }}</time></li>`
  const pager = `<nav>{% if pagination.href.previous %}<a href="{{ pagination.href.previous }}">Newer</a>{% endif %}{% if pagination.href.next %}<a href="{{ pagination.href.next }}">Older</a>{% endif %}</nav>`
  writeFileSync(join(src, '_includes', 'base.njk'), `${PAGE_HEAD('{{ title }}')}{{ content | safe }}${PAGE_FOOT}`)
  writeFileSync(
    join(src, '_includes', 'review.njk'),
    `---\nlayout: base.njk\n---\n<article><p>{{ hook }}</p><h1>{{ title }} – {{ headline }}</h1><dl><dt>Year</dt><dd>{{ year }}</dd><dt>Origin</dt><dd>{{ origin }}</dd><dt>Platform</dt><dd>{{ platform }}</dd></dl>{{ content | safe }}<ul>{% for t in tags %}<li><a href="/tags/{{ t | slugify }}/">#{{ t }}</a></li>{% endfor %}</ul></article>`,
  )
  writeFileSync(
    join(src, 'index.njk'),
    `---\nlayout: base.njk\ntitle: Latest reviews\npagination:\n  data: collections.reviews\n  size: 12\n  reverse: true\n  alias: items\npermalink: "{% if pagination.pageNumber > 0 %}/page/{{ pagination.pageNumber + 1 }}/{% else %}/{% endif %}"\n---\n<h1>Latest reviews</h1><ul>{% for r in items %}${card}{% endfor %}</ul>${pager}`,
  )
  writeFileSync(
    join(src, 'terms.njk'),
    `---\nlayout: base.njk\npagination:\n  data: collections.termPages\n  size: 1\n  alias: term\npermalink: "/{{ term.taxonomy }}/{{ term.slug }}/{% if term.page > 1 %}page/{{ term.page }}/{% endif %}"\neleventyComputed:\n  title: "{{ term.name }}"\n---\n<h1>{{ term.name }}</h1><p>{{ term.total }} reviews</p><ul>{% for r in term.items %}${card}{% endfor %}</ul>`,
  )
  writeFileSync(
    join(src, 'indexes.njk'),
    `---\nlayout: base.njk\npagination:\n  data: collections.termIndexes\n  size: 1\n  alias: index\npermalink: "/{{ index.taxonomy }}/"\neleventyComputed:\n  title: "{{ index.taxonomy }}"\n---\n<h1>{{ index.taxonomy }}</h1><ul>{% for t in index.terms %}<li><a href="/{{ index.taxonomy }}/{{ t.slug }}/">{{ t.name }}</a> {{ t.count }}</li>{% endfor %}</ul>`,
  )
  writeFileSync(
    join(root, 'eleventy.config.cjs'),
    `const TAXONOMIES = ['tags', 'credits', 'countries', 'platforms', 'years', 'meters']
const slug = (s) => String(s).toLowerCase().normalize('NFKD').replace(/[\\u0300-\\u036f]/g, '').replace(/[^\\p{L}\\p{N}]+/gu, '-').replace(/^-|-$/g, '')
module.exports = function (config) {
  config.addCollection('reviews', (api) => api.getFilteredByGlob('src/reviews/*.md').sort((a, b) => a.date - b.date))
  const terms = (api) => {
    const out = new Map()
    for (const r of api.getFilteredByGlob('src/reviews/*.md')) {
      for (const taxonomy of TAXONOMIES) {
        for (const name of r.data[taxonomy] ?? []) {
          const key = taxonomy + '/' + slug(name)
          if (!out.has(key)) out.set(key, { taxonomy, name, slug: slug(name), items: [] })
          out.get(key).items.push(r)
        }
      }
    }
    return [...out.values()]
  }
  config.addCollection('termPages', (api) => terms(api).flatMap((t) => {
    const items = t.items.sort((a, b) => b.date - a.date)
    const pages = []
    for (let i = 0; i < items.length; i += 12) pages.push({ ...t, page: i / 12 + 1, total: items.length, items: items.slice(i, i + 12) })
    return pages
  }))
  config.addCollection('termIndexes', (api) => TAXONOMIES.map((taxonomy) => ({ taxonomy, terms: terms(api).filter((t) => t.taxonomy === taxonomy).map((t) => ({ name: t.name, slug: t.slug, count: t.items.length })) })))
  return { dir: { input: 'src', output: '_site' }, markdownTemplateEngine: false }
}
`,
  )
}

/** Makes a site of `n` generated reviews in `dir` (imported like a reviewer's pasted files). */
async function makeSite(dir: string, n: number): Promise<Site> {
  const corpus = join(dir, 'corpus')
  mkdirSync(corpus, { recursive: true })
  for (let i = 0; i < n; i++) writeFileSync(join(corpus, `${String(i).padStart(5, '0')}.txt`), corpusReview(i))
  const site = await openSite({ dataDir: join(dir, 'data'), databaseUrl: null })
  await importFiles(site, [corpus])
  rmSync(corpus, { recursive: true, force: true })
  return site
}

/** Changes one review's headline, as an editor would. */
async function editOne(site: Site, i: number): Promise<void> {
  const row = await site.db.selectFrom('reviews').select(['id', 'revision']).orderBy('id').offset(i).limit(1).executeTakeFirstOrThrow()
  await site.db
    .updateTable('reviews')
    .set({ headline: `An edited headline ${i}`, revision: row.revision + 1, updated_at: new Date().toISOString() })
    .where('id', '=', row.id)
    .execute()
}

/** Builds sites of each size with Dramalog, Hugo and Eleventy and prints time, pages per second and ratios. */
export async function buildBenchmark(work: string): Promise<void> {
  const hugo = hasHugo()
  console.log(`\nStatic build: Dramalog beside Hugo${hugo ? ` (${execFileSync('hugo', ['version'], { encoding: 'utf8' }).split(' ')[1]})` : ''} and Eleventy 3, same reviews as Markdown`)
  if (!hugo) console.log('  Hugo is not installed: run "apt-get install hugo" (Debian) to measure it too.')
  for (const n of SIZES) {
    const dir = join(work, `build-${n}`)
    mkdirSync(dir, { recursive: true })
    const site = await makeSite(dir, n)
    const md = join(dir, 'markdown')
    await exportMarkdown(site, md)
    const runs: Run[] = []
    const env = { DRAMALOG_DATA_DIR: site.dataDir, DATABASE_URL: '' }

    const out = join(dir, 'dramalog')
    const full = timedCommand(process.execPath, [BIN, 'build', '--out', out, '--base-url', 'https://bench.example/'], { env })
    runs.push({ label: 'dramalog build (whole site, CLI)', seconds: full, pages: countPages(out) })

    if (hugo) {
      const root = join(dir, 'hugo')
      hugoProject(root, md)
      const seconds = timedCommand('hugo', ['--quiet', '--destination', join(root, 'public')], { cwd: root })
      runs.push({ label: 'hugo', seconds, pages: countPages(join(root, 'public')) })
    }
    const eleventyRoot = join(dir, 'eleventy')
    eleventyProject(eleventyRoot, md)
    const eleventy = timedCommand(process.execPath, [ELEVENTY, '--quiet', '--config=eleventy.config.cjs'], { cwd: eleventyRoot })
    runs.push({ label: 'eleventy', seconds: eleventy, pages: countPages(join(eleventyRoot, '_site')) })

    console.log(`\n  ${n.toLocaleString('en-US')} reviews`)
    for (const r of runs) {
      const ratios = runs.filter((o) => o !== r && r === runs[0]).map((o) => `${(r.seconds / o.seconds).toFixed(2)}× ${o.label.split(' ')[0]}'s time`)
      console.log(`  ${r.label.padEnd(36)} ${r.seconds.toFixed(2).padStart(7)} s  ${r.pages.toLocaleString('en-US').padStart(7)} pages  ${Math.round(r.pages / r.seconds).toLocaleString('en-US').padStart(6)} pages/s  ${ratios.join(', ')}`)
    }

    // Incremental: one review edited, built again, in this process (no start-up) beside a full
    // build; five times, each after a different review's edit, so one disturbed run shows as such.
    const inProcessFull = await buildSite(site, { outDir: join(dir, 'in-process'), baseUrl: 'https://bench.example/' })
    const edits: BuildReport[] = []
    for (const k of [2, 3, 4, 5, 6]) {
      await editOne(site, Math.floor((n * k) / 8))
      edits.push(await buildSite(site, { outDir: join(dir, 'in-process'), baseUrl: 'https://bench.example/' }))
    }
    const bySeconds = [...edits].sort((a, b) => a.seconds - b.seconds)
    const incremental = bySeconds[Math.floor(bySeconds.length / 2)]!
    console.log(
      `  ${'dramalog build, in process: full'.padEnd(36)} ${inProcessFull.seconds.toFixed(2).padStart(7)} s  ${inProcessFull.rendered.toLocaleString('en-US').padStart(7)} pages rendered`,
    )
    console.log(
      `  ${'  after one edit (incremental)'.padEnd(36)} ${incremental.seconds.toFixed(3).padStart(7)} s  ${incremental.rendered.toLocaleString('en-US').padStart(7)} pages rendered, ${incremental.written.length} files written  ${((incremental.seconds / inProcessFull.seconds) * 100).toFixed(2)} % of the full build` +
        ` (median of ${edits.length} edits; ${bySeconds[0]!.seconds.toFixed(3)}–${bySeconds.at(-1)!.seconds.toFixed(3)} s)`,
    )
    const cliIncremental = (await editOne(site, Math.floor(n / 3)), timedCommand(process.execPath, [BIN, 'build', '--out', out, '--base-url', 'https://bench.example/'], { env }))
    console.log(`  ${'  after one edit, CLI (with start-up)'.padEnd(36)} ${cliIncremental.toFixed(2).padStart(7)} s`)
    await site.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
