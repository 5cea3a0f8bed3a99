import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { DramalogError } from '../domain/errors.ts'
import { CSS, SEARCH_JS, SEARCH_TERMS_JS } from '../pages/assets.ts'
import { chromeFor } from '../pages/public-pages.tsx'
import { loadDiaryPage } from '../services/diary.ts'
import { addSummaries, loadSiteLists } from '../services/site-lists.ts'
import type { Site } from '../services/site.ts'
import { BuildManifest, type ManifestFile } from '../store/build-manifest.ts'
import { countMatching } from '../store/browse.ts'
import { listCommentStamps } from '../store/comments.ts'
import { diaryStamp, listDiaryReviewIds } from '../store/diary.ts'
import { listListedReviewIds, listListSummaries, listsStamp } from '../store/lists.ts'
import { listPublishedStamps } from '../store/reviews.ts'
import { getContentStamp, getSiteSettings } from '../store/settings.ts'
import type { CommentsTarget } from '../views/layout.tsx'
import { changedScope, fingerprintOf, termGroupsOfLists, type Scope } from './changes.ts'
import { contentHash, OutputDir } from './output.ts'
import { basePathOf, outputFile } from './paths.ts'
import { SitePlan, type PlannedJob } from './plan.ts'
import { PageRenderer, type RenderOptions } from './render.ts'
import { writeSearchIndex } from './search-index.ts'
import { RenderPool, type JobResult, type JobTask } from './workers.ts'

export type BuildOptions = {
  /** The output folder; created when missing. Files the build did not write there are left alone. */
  outDir: string
  /** The address the copy will be served from (`https://me.github.io/blog/`); wins over the configured one. */
  baseUrl?: string | null
  /** A running Dramalog server that takes comments; without one, review pages show no comment form. */
  server?: string | null
  /** Render and check every page, whatever the manifest says. */
  clean?: boolean
  /** Worker threads for rendering, whatever the size of the build; 0 renders on the main thread. Default: one per core, for big builds. */
  workers?: number
  /** Hears how far the build is: files done of files to do. */
  onProgress?: (done: number, total: number) => void
}

export type BuildReport = {
  /** Whether every page was rendered (first build, `--clean`, or something site-wide changed). */
  full: boolean
  /** Files the site has (pages, feeds, assets, search index, media). */
  files: number
  /** Pages rendered this time (the rest were known unchanged). */
  rendered: number
  /** Files written this time, below the output folder. */
  written: string[]
  /** Files of the last build that no longer exist, removed. */
  removed: string[]
  /** Things the reader of the report should know (no public address…). */
  warnings: string[]
  seconds: number
}

/** Bump when what the build writes changes shape; a new value makes the next build a full one. */
const BUILD_FORMAT = 1
/** Below this many pages, starting worker threads (each loads the program anew) costs more than it saves. */
const POOL_THRESHOLD = 3000
/** Roughly how many pages each review brings to a site (its own, and its share of lists and feeds). */
const PAGES_PER_REVIEW = 5
const BATCH = { review: 64, other: 128 }

const hash = (...parts: unknown[]) => createHash('sha1').update(JSON.stringify(parts)).digest('base64url')

/** A hash of the program's own sources: a new version of Dramalog may render every page differently. */
let codeFingerprint: string | null = null
function programFingerprint(): string {
  if (codeFingerprint) return codeFingerprint
  const h = createHash('sha1')
  const root = new URL('..', import.meta.url).pathname
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (!entry.name.includes('.test.')) h.update(relative(root, path)).update(readFileSync(path))
    }
  }
  walk(root)
  return (codeFingerprint = h.digest('base64url'))
}

/** Where the manifest of builds into `outDir` is kept: the data folder, one file per output folder. */
const manifestFile = (dataDir: string, outDir: string) => join(dataDir, 'builds', `${createHash('sha1').update(outDir).digest('hex').slice(0, 16)}.sqlite`)

/** Checks a public address given on the command line: an absolute http(s) URL. */
function checkUrl(value: string, option: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new DramalogError('invalid_input', `--${option}: "${value}" is not an absolute address (like https://example.com/)`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DramalogError('invalid_input', `--${option}: "${value}" must start with https:// or http://`)
  }
  return url.href
}

/**
 * Every file under the media folder, as paths relative to it. Files ending in `.tmp` are the
 * unfinished half of an atomic write (one in progress, or of a process that was killed), never media.
 */
function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : e.isFile() && !e.name.endsWith('.tmp') ? [`${prefix}${e.name}`] : [],
  )
}

/**
 * Writes the public site as static files: every page the server answers (same HTML, from the same
 * page functions), feeds, sitemap, media and an in-browser search. A manifest of input and content
 * hashes lets the next build read and render only what the changes since the last one can reach,
 * write only files whose content changed, and remove the files of pages that no longer exist.
 */
export async function buildSite(site: Site, options: BuildOptions): Promise<BuildReport> {
  const started = performance.now()
  const outDir = resolve(options.outDir)
  const warnings: string[] = []
  const settings = await getSiteSettings(site.db)
  const given = options.baseUrl ? checkUrl(options.baseUrl, 'base-url') : null
  const baseUrl = given ?? site.baseUrl ?? settings.baseUrl ?? null
  if (!baseUrl) warnings.push('no public address is set (--base-url, DRAMALOG_BASE_URL or Settings): feeds and the sitemap point at http://localhost/')
  const comments: CommentsTarget = options.server ? { kind: 'server', url: checkUrl(options.server, 'server') } : { kind: 'closed' }
  const basePath = basePathOf(baseUrl)
  const feedBaseUrl = baseUrl ?? 'http://localhost/'
  const chrome = chromeFor(site, settings, { baseUrl, comments })
  const stamp = await getContentStamp(site.db)
  const renderOptions: RenderOptions = { chrome, basePath, feedBaseUrl, emptyFeedUpdated: (stamp.updatedAt ?? new Date(0)).toISOString() }
  const globalKey = hash(BUILD_FORMAT, programFingerprint(), chrome, basePath, feedBaseUrl)

  const workers = Math.min(options.workers ?? availableParallelism(), 64)
  const asked = options.workers !== undefined
  const startPool = () => new RenderPool(workers, { dataDir: site.dataDir, databaseUrl: site.databaseUrl, mediaDir: site.mediaDir, baseUrl: site.baseUrl })
  const manifest = BuildManifest.open(manifestFile(site.dataDir, outDir))
  let pool: RenderPool | null = null
  try {
    const interrupted = manifest.meta('state') === 'building'
    const full = Boolean(options.clean) || interrupted || manifest.meta('global') !== globalKey || manifest.meta('state') !== 'complete' || !existsSync(join(outDir, 'index.html'))
    // A full build of a big site will need the workers: they start now, while the site is read.
    if (full && workers > 0 && (asked || (await countMatching(site.db, {})) * PAGES_PER_REVIEW >= POOL_THRESHOLD)) pool = startPool()
    // A build that is stopped half-way leaves this mark, and the next one checks every page.
    manifest.setMeta({ state: 'building' })

    const [published, commentStamps, diaryFirst, diary, linked, listStamp, listed, shownLists] = await Promise.all([
      listPublishedStamps(site.db),
      listCommentStamps(site.db),
      loadDiaryPage(site, 1),
      diaryStamp(site.db),
      listDiaryReviewIds(site.db),
      listsStamp(site.db),
      listListedReviewIds(site.db),
      listListSummaries(site.db),
    ])
    const listsState = { stamp: listStamp, slugs: shownLists.map((l) => l.slug), linked: listed }
    const fingerprints = new Map(published.map((p) => [p.id, fingerprintOf(p, commentStamps.get(p.id))]))
    let scope: Scope
    if (full) {
      const lists = await loadSiteLists(site, published)
      const plan = new SitePlan(lists, fingerprints, { first: diaryFirst, stamp: diary, linked }, listsState)
      scope = { lists, groups: new Set(plan.allGroups()), recorded: published.map((p) => p.id), gone: [], before: new Map(), termGroups: termGroupsOfLists(lists) }
    } else scope = await changedScope(site, manifest, published, fingerprints, { stamp: diary, linked }, listsState)
    const { lists, groups } = scope
    const plan = new SitePlan(lists, fingerprints, { first: diaryFirst, stamp: diary, linked }, listsState)

    const previous = full ? manifest.allFiles() : manifest.filesOf([...groups, 'assets', 'search', 'media'])
    const out = new OutputDir(outDir)
    if (interrupted) {
      out.removeTempFiles()
      // The stopped build may have replaced files the manifest still describes as they were: what
      // each holds now is read from the disk, so a file is skipped only when it really is current.
      for (const [path, entry] of previous) {
        const file = join(outDir, path)
        if (existsSync(file)) previous.set(path, { ...entry, hash: contentHash(readFileSync(file)) })
        else previous.delete(path)
      }
    }
    const jobs: PlannedJob[] = [...groups].flatMap((g) => plan.jobsOf(g))
    const toRender: PlannedJob[] = []
    const files: ManifestFile[] = []
    for (const j of jobs) {
      const file = outputFile(j.job.path)
      const before = previous.get(file)
      // Pages whose input is unchanged keep their file and their manifest entry as they are.
      if (!full && before?.input === j.input && existsSync(join(outDir, file))) files.push(before)
      else toRender.push(j)
    }
    // The cards of the lists to render (a full build has every card already).
    await addSummaries(site, lists, toRender.flatMap((j) => j.shows ?? []))

    const written: string[] = []
    // Entries to store: files rendered or copied this time (the others are in the manifest as they are).
    const fresh: ManifestFile[] = []
    const record = (path: string, group: string, input: string, result: { hash: string; written: boolean }) => {
      const entry = { path, group, input, hash: result.hash }
      files.push(entry)
      fresh.push(entry)
      if (result.written) written.push(path)
    }

    let done = 0
    const progress = () => options.onProgress?.(done, toRender.length)
    progress()

    // Review pages in batches (their records load a batch at a time), then the rest in bigger ones.
    const tasks = (list: PlannedJob[], size: number): JobTask[][] => {
      const batches: JobTask[][] = []
      for (let i = 0; i < list.length; i += size) {
        batches.push(list.slice(i, i + size).map((j) => ({ job: j.job, file: outputFile(j.job.path), previous: previous.get(outputFile(j.job.path))?.hash })))
      }
      return batches
    }
    const batches = [...tasks(toRender.filter((j) => j.job.kind === 'review'), BATCH.review), ...tasks(toRender.filter((j) => j.job.kind !== 'review'), BATCH.other)]
    const planned = new Map(toRender.map((j) => [outputFile(j.job.path), j]))
    const onDone = (batch: JobTask[], results: JobResult[]) => {
      batch.forEach((t, i) => {
        const j = planned.get(t.file)!
        record(t.file, j.group, j.input, results[i]!)
      })
      done += batch.length
      progress()
    }

    if (!pool && workers > 0 && toRender.length > 0 && (asked || toRender.length >= POOL_THRESHOLD)) pool = startPool()
    const rendering = (async () => {
      if (pool && toRender.length > 0) {
        await pool.init(lists, renderOptions, outDir)
        await pool.run(batches, onDone)
      } else {
        const renderer = new PageRenderer(site, lists, renderOptions)
        for (const batch of batches) {
          const pages = await renderer.render(batch.map((t) => t.job))
          onDone(batch, pages.map((p, i) => ({ ...out.write(batch[i]!.file, p.body, batch[i]!.previous), bytes: p.body.length })))
        }
      }
    })()

    // Meanwhile, on this thread: assets, the search index and the media.
    const write = (path: string, group: string, input: string, body: () => string | Uint8Array) => {
      const before = previous.get(path)
      if (before && before.input === input && existsSync(join(outDir, path))) files.push(before)
      else record(path, group, input, out.write(path, body(), before?.hash))
    }
    write('assets/site.css', 'assets', hash(CSS), () => CSS)
    write('assets/search.js', 'assets', hash(SEARCH_JS), () => SEARCH_JS)
    write('assets/search-terms.js', 'assets', hash(SEARCH_TERMS_JS), () => SEARCH_TERMS_JS)

    const shardsOf = await writeSearchIndex(
      site, lists, scope, full, { dir: outDir, previous },
      (path, text) => write(path, 'search', hash(text), () => text),
      (f) => files.push(f),
    )
    if (full || scope.recorded.length + scope.gone.length > 0) {
      for (const rel of listFiles(site.mediaDir)) {
        const st = statSync(join(site.mediaDir, rel))
        write(`media/${rel}`, 'media', `${st.size}:${st.mtimeMs}`, () => readFileSync(join(site.mediaDir, rel)))
      }
    } else for (const f of previous.values()) if (f.group === 'media') files.push(f)

    await rendering

    // Files of the groups looked at that this build did not produce belong to pages that are gone.
    const produced = new Set(files.map((f) => f.path))
    const removed = [...previous.keys()].filter((p) => !produced.has(p)).sort()
    for (const p of removed) out.remove(p)

    manifest.commit({
      files: full ? files : fresh,
      removedFiles: removed,
      reviews: scope.recorded.map((id) => ({
        id, fingerprint: fingerprints.get(id)!, groups: scope.termGroups.get(id) ?? [], shards: shardsOf.get(id) ?? scope.before.get(id)?.shards ?? [],
      })),
      removedReviews: scope.gone,
      replaceAll: full,
    })
    manifest.setMeta({ state: 'complete', global: globalKey, diary, lists: listStamp })
    return {
      full,
      files: manifest.fileCount(),
      rendered: toRender.length,
      written: written.sort(),
      removed,
      warnings,
      seconds: (performance.now() - started) / 1000,
    }
  } finally {
    await pool?.close()
    manifest.close()
  }
}

