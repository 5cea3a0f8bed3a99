// Crash safety, tested by killing the real `bin/dramalog` process (SIGKILL) at random moments of a
// large import (WordPress WXR with images, a Markdown folder with media), a backup restore and a
// static build, then checking what the kill left and that running the same command again finishes
// the job. Shared by the short form in `npm test` (test/trust/crash.test.ts) and the long form
// `npm run crash -- --rounds N` (test/trust/crash-run.ts), which prints the figures.
import Database from 'better-sqlite3'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeWxr } from '../../bench/formats.ts'
import { POSTER_FORMATS, POSTER_WIDTHS, posterKey, posterVariantPath } from '../../src/domain/media-paths.ts'
import { generatePoster } from '../../src/media/posters.ts'
import { BIN, ROOT } from '../helpers/server.ts'

export const CRASH_KINDS = ['import-wxr', 'import-markdown', 'restore', 'build'] as const
export type CrashKind = (typeof CRASH_KINDS)[number]

/** A small seeded generator (mulberry32): the same seed kills at the same moments. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Run = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number; killed: boolean }

/** Runs the CLI on a data folder; with `killAfterMs`, sends SIGKILL after that long unless it has exited. */
export function runDramalog(args: string[], dataDir: string, killAfterMs?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, DRAMALOG_DATA_DIR: dataDir, DATABASE_URL: '', DRAMALOG_MEDIA_DIR: '', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let killed = false
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = killAfterMs === undefined ? null : setTimeout(() => {
      killed = child.exitCode === null && child.kill('SIGKILL')
    }, killAfterMs)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started, killed: killed && signal === 'SIGKILL' })
    })
  })
}

async function mustRun(args: string[], dataDir: string): Promise<Run> {
  const run = await runDramalog(args, dataDir)
  if (run.code !== 0) throw new Error(`dramalog ${args.join(' ')} failed (${run.code}):\n${run.stderr}`)
  return run
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

/** Every file below `dir`, as sorted `/`-separated relative paths. */
export function listTree(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listTree(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort()
}

/** SHA-256 of every file below `dir`, by relative path. */
export function hashTree(dir: string): Map<string, string> {
  return new Map(listTree(dir).map((p) => [p, sha256(readFileSync(join(dir, p)))]))
}

/** What a site's database holds, checked and summarised. */
export type DbSnapshot = {
  /** The journal mode the file keeps (`wal`: a killed writer never leaves a damaged database). */
  journalMode: string
  integrity: string
  foreignKeyProblems: number
  /** Rows per table. */
  counts: Record<string, number>
  /** A hash of every table's rows, without the columns that hold the time of the write. */
  digest: string
  /**
   * The same without the revision history and row ids: a second import of the same files saves
   * new revisions of equal content, its sections as new rows.
   */
  content: string
  /** Every media path the database refers to (every variant of every poster). */
  referenced: string[]
}

/** Columns that record when something was written: they differ between two runs of the same import. */
const TIME_COLUMN = /_at$/
/** Tables that record sign-ins and rate limits, not content. */
const NOT_CONTENT = new Set(['sessions', 'login_throttle', 'comment_posts'])

/** Opens the site's SQLite file (as the next run would, recovering its WAL) and checks and summarises it. */
export function snapshotDb(dataDir: string): DbSnapshot {
  const file = join(dataDir, 'dramalog.sqlite')
  if (!existsSync(file)) return { journalMode: 'wal', integrity: 'ok', foreignKeyProblems: 0, counts: {}, digest: 'no database', content: 'no database', referenced: [] }
  const db = new Database(file)
  try {
    const journalMode = String(db.pragma('journal_mode', { simple: true }))
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ')
    const foreignKeyProblems = (db.pragma('foreign_key_check') as unknown[]).length
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%' AND name NOT LIKE '%search%' ORDER BY name`).all() as { name: string }[])
      .map((t) => t.name)
      .filter((t) => !NOT_CONTENT.has(t))
    const counts: Record<string, number> = {}
    const hash = createHash('sha256')
    const content = createHash('sha256')
    for (const t of tables) {
      const rows = db.prepare(`SELECT * FROM "${t}"`).all() as Record<string, unknown>[]
      counts[t] = rows.length
      const lines = rows
        .filter((r) => !(t === 'settings' && r.key === 'content_updated_at'))
        .map((r) => JSON.stringify(Object.entries(r).filter(([k]) => !TIME_COLUMN.test(k))))
        .sort()
      hash.update(`${t}\n${lines.join('\n')}\n`)
      if (t === 'revisions') continue
      const contentLines = rows
        .filter((r) => !(t === 'settings' && r.key !== 'site'))
        .map((r) => JSON.stringify(Object.entries(r).filter(([k]) => !TIME_COLUMN.test(k) && k !== 'revision' && k !== 'id')))
        .sort()
      content.update(`${t}\n${contentLines.join('\n')}\n`)
    }
    const referenced = new Set<string>()
    const posters = tables.includes('reviews') ? (db.prepare('SELECT poster_src FROM reviews WHERE poster_src IS NOT NULL').all() as { poster_src: string }[]) : []
    for (const { poster_src } of posters) {
      const key = posterKey(poster_src)
      if (!key) continue
      for (const w of POSTER_WIDTHS) for (const f of POSTER_FORMATS) referenced.add(posterVariantPath(key, w, f).slice('/media/'.length))
    }
    return { journalMode, integrity, foreignKeyProblems, counts, digest: hash.digest('hex'), content: content.digest('hex'), referenced: [...referenced].sort() }
  } finally {
    db.close()
  }
}

/** A site at one moment: its database and its media files. */
export type SiteState = { db: DbSnapshot; media: Map<string, string> }

export function siteState(dataDir: string): SiteState {
  return { db: snapshotDb(dataDir), media: hashTree(join(dataDir, 'media')) }
}

/** Files and folders an interrupted write leaves: `.tmp` files, import work folders, restore staging. */
export function leftovers(dataDir: string): string[] {
  const top = existsSync(dataDir) ? readdirSync(dataDir).filter((n) => /^\.(import|restore|uploads)-/.test(n)) : []
  return [...top, ...listTree(join(dataDir, 'media')).filter((p) => p.endsWith('.tmp')).map((p) => `media/${p}`)]
}

/** What one kill left, judged against the site before and after an uninterrupted run. */
export type KillOutcome = 'before' | 'after' | 'mixed' | 'finished'

/**
 * Problems of a site after a kill: the database must pass its checks and equal the site before
 * or after the command; every media file it refers to must be there, byte for byte as an
 * uninterrupted run writes it. Returns the problems and which of the two states it holds.
 */
export function judge(state: SiteState, before: SiteState, after: SiteState): { problems: string[]; holds: 'before' | 'after' | null } {
  const problems: string[] = []
  if (state.db.journalMode !== 'wal') problems.push(`journal_mode is ${state.db.journalMode}, not wal`)
  if (state.db.integrity !== 'ok') problems.push(`integrity_check: ${state.db.integrity}`)
  if (state.db.foreignKeyProblems) problems.push(`foreign_key_check: ${state.db.foreignKeyProblems} rows`)
  const holds = state.db.digest === before.db.digest ? 'before' : state.db.digest === after.db.digest ? 'after' : null
  if (!holds) problems.push(`the database holds part of the work: ${JSON.stringify(state.db.counts)} (before ${JSON.stringify(before.db.counts)}, after ${JSON.stringify(after.db.counts)})`)
  const expected = holds === 'before' ? before.media : after.media
  for (const path of state.db.referenced) {
    const hash = state.media.get(path)
    if (hash === undefined) problems.push(`media/${path} is referenced but missing`)
    else if (hash !== expected.get(path)) problems.push(`media/${path} is referenced but not whole (its bytes differ from an uninterrupted run's)`)
  }
  return { problems, holds }
}

/** One kind of crash: how to make a fresh site for a round, the command, and the states to compare. */
type Scenario = {
  kind: CrashKind
  /** A fresh data folder (and output folder) for one round. */
  prepare(round: number): { dataDir: string; args: string[]; remove: boolean }
  /** Checks after the kill; returns problems and what the database held. */
  check(dataDir: string, args: string[]): { problems: string[]; holds: KillOutcome | null }
  /** Checks after the same command ran again to the end. */
  checkRerun(dataDir: string, args: string[], run: Run, held: KillOutcome | null): string[]
  /** How long the command takes uninterrupted, in ms. */
  duration: number
}

export type KindFigures = {
  kind: CrashKind
  rounds: number
  /** Uninterrupted run time, the range the kill moment is drawn from. */
  durationMs: number
  /** Kills after which the site held nothing of the work, all of it, or the command had already finished. */
  before: number
  after: number
  /** Build only: some files already the new ones, the others still the old ones (each whole). */
  mixed: number
  finished: number
  failures: string[]
}

export type CrashReport = { seed: number; kinds: KindFigures[]; setupSeconds: number; seconds: number }

export type CrashOptions = {
  seed: number
  /** Kills per kind. */
  rounds: number
  kinds?: readonly CrashKind[]
  /** WordPress posts in the generated export (every fifth with an image). */
  posts?: number
  log?: (line: string) => void
  /** Puts the demo site into an empty folder (by default `dramalog demo` there). */
  demo?: (dataDir: string) => Promise<void>
}

/**
 * Builds the scenarios (a demo site, a generated WXR with images, a Markdown export, a backup, two
 * reference builds), then kills each command `rounds` times at a moment drawn uniformly from its
 * uninterrupted run time, checks what is left, runs the command again and checks the result.
 */
export async function runCrashCampaign(options: CrashOptions): Promise<CrashReport> {
  const log = options.log ?? (() => {})
  const started = performance.now()
  const random = seededRandom(options.seed)
  const work = mkdtempSync(join(tmpdir(), 'dramalog-crash-'))
  try {
    const scenarios = await prepareScenarios(work, options.posts ?? 120, options.kinds ?? CRASH_KINDS, log, options.demo)
    const setupSeconds = (performance.now() - started) / 1000
    const kinds: KindFigures[] = []
    for (const s of scenarios) {
      const figures: KindFigures = { kind: s.kind, rounds: 0, durationMs: Math.round(s.duration), before: 0, after: 0, mixed: 0, finished: 0, failures: [] }
      kinds.push(figures)
      for (let round = 0; round < options.rounds; round++) {
        const { dataDir, args, remove } = s.prepare(round)
        const delay = Math.round(random() * s.duration)
        const killed = await runDramalog(args, dataDir, delay)
        const fail = (what: string) => figures.failures.push(`${s.kind} round ${round} (kill at ${delay} ms): ${what}`)
        let held: KillOutcome | null
        if (!killed.killed) {
          if (killed.code !== 0) fail(`exited with ${killed.code} before the kill: ${killed.stderr.trim().split('\n').slice(-3).join(' / ')}`)
          held = 'finished'
        } else {
          const checked = s.check(dataDir, args)
          for (const p of checked.problems) fail(`after the kill: ${p}`)
          held = checked.holds
        }
        if (held) figures[held]++
        const rerun = await runDramalog(args, dataDir)
        for (const p of s.checkRerun(dataDir, args, rerun, held)) fail(`after running it again: ${p}`)
        figures.rounds++
        log(`${s.kind} round ${round + 1}/${options.rounds}: kill at ${delay} ms of ${Math.round(s.duration)} → ${held ?? 'broken'}${figures.failures.length ? ` (${figures.failures.length} failures)` : ''}`)
        if (remove) rmSync(dataDir, { recursive: true, force: true })
      }
    }
    return { seed: options.seed, kinds, setupSeconds, seconds: (performance.now() - started) / 1000 }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

const fresh = (work: string, name: string) => {
  const dir = join(work, name)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  return dir
}

/** A new site with its database made (as any command makes it) and nothing in it. */
async function emptySite(work: string, name: string): Promise<string> {
  const dir = fresh(work, name)
  await mustRun(['user', 'list'], dir)
  return dir
}

async function prepareScenarios(work: string, posts: number, kinds: readonly CrashKind[], log: (line: string) => void, makeDemo?: (dataDir: string) => Promise<void>): Promise<Scenario[]> {
  // The starting site: the demo reviews with their posters.
  const demo = fresh(work, 'demo')
  if (makeDemo) await makeDemo(demo)
  else await mustRun(['demo'], demo)
  const demoState = siteState(demo)
  log(`demo site: ${demoState.db.counts.reviews} reviews, ${demoState.media.size} media files`)

  // A WordPress export whose every fifth post has a featured image in a copy of the uploads folder.
  const wxr = join(work, 'export.xml')
  const uploads = join(work, 'uploads')
  await writeWxr(wxr, posts, { every: 5, uploadsDir: uploads, image: (i) => generatePoster({ title: `Poster ${i}`, subtitle: 'crash test', seed: i + 1 }) })
  const wxrArgs = ['import', wxr, '--uploads', uploads]
  const imported = fresh(work, 'imported')
  cpSync(demo, imported, { recursive: true })
  const wxrRun = await mustRun(wxrArgs, imported)
  const importedState = siteState(imported)
  log(`WXR import of ${posts} posts: ${Math.round(wxrRun.ms)} ms, ${importedState.db.counts.reviews} reviews, ${importedState.media.size} media files`)

  const scenarios: Scenario[] = []
  const rounds = (name: string) => (round: number) => fresh(work, `${name}-${round}`)

  /** A command that adds to a site: after a kill the site is as before or as after, never between. */
  const additive = (kind: CrashKind, start: string, startState: SiteState, args: string[], after: SiteState, ms: number): Scenario => {
    const dir = rounds(kind)
    return {
      kind,
      duration: ms,
      prepare(round) {
        const dataDir = dir(round)
        if (existsSync(join(start, 'dramalog.sqlite'))) cpSync(start, dataDir, { recursive: true })
        return { dataDir, args, remove: true }
      },
      check(dataDir) {
        return judge(siteState(dataDir), startState, after)
      },
      checkRerun(dataDir, _args, run, held) {
        const problems: string[] = []
        // A restore that was killed after its commit has finished its work; again it refuses a site that holds content.
        if (kind === 'restore' && (held === 'after' || held === 'finished')) {
          if (run.code === 0 || !/is not empty/.test(run.stderr)) problems.push(`a second restore into the restored site should be refused as not empty (exit ${run.code}: ${run.stderr.trim()})`)
        } else if (run.code !== 0) problems.push(`exit ${run.code}: ${run.stderr.trim().split('\n').slice(-5).join(' / ')}`)
        const state = siteState(dataDir)
        if (held === 'after' || held === 'finished') {
          // The first run saved everything; the second saved it again, as new revisions of the same content.
          if (state.db.integrity !== 'ok' || state.db.foreignKeyProblems) problems.push(`integrity ${state.db.integrity}, ${state.db.foreignKeyProblems} foreign key problems`)
          if (state.db.content !== after.db.content) problems.push(`the site's content differs from an uninterrupted run's (${JSON.stringify(state.db.counts)})`)
          for (const path of state.db.referenced) if (state.media.get(path) !== after.media.get(path)) problems.push(`media/${path} is missing or not whole`)
        } else {
          const judged = judge(state, startState, after)
          problems.push(...judged.problems)
          if (judged.holds !== 'after') problems.push(`the site does not hold what an uninterrupted run gives (${JSON.stringify(state.db.counts)})`)
        }
        const left = leftovers(dataDir)
        if (left.length) problems.push(`left behind: ${left.slice(0, 5).join(', ')}${left.length > 5 ? ` and ${left.length - 5} more` : ''}`)
        return problems
      },
    }
  }

  if (kinds.includes('import-wxr')) scenarios.push(additive('import-wxr', demo, demoState, wxrArgs, importedState, wxrRun.ms))

  if (kinds.includes('import-markdown')) {
    // The whole imported site as a Markdown folder with its media, imported into an empty site.
    const md = join(work, 'markdown')
    await mustRun(['export', '--format', 'markdown', '--out', md], imported)
    const empty = await emptySite(work, 'empty-md')
    const emptyState = siteState(empty)
    const mdArgs = ['import', md]
    const ref = await emptySite(work, 'markdown-ref')
    const mdRun = await mustRun(mdArgs, ref)
    const mdState = siteState(ref)
    log(`Markdown import: ${Math.round(mdRun.ms)} ms, ${mdState.db.counts.reviews} reviews, ${mdState.media.size} media files`)
    scenarios.push(additive('import-markdown', empty, emptyState, mdArgs, mdState, mdRun.ms))
  }

  if (kinds.includes('restore')) {
    const archive = join(work, 'site.zip')
    await mustRun(['backup', '--out', archive], imported)
    const empty = await emptySite(work, 'empty-restore')
    const restoreArgs = ['restore', archive]
    const ref = await emptySite(work, 'restore-ref')
    const restoreRun = await mustRun(restoreArgs, ref)
    const restoredState = siteState(ref)
    log(`restore: ${Math.round(restoreRun.ms)} ms, ${restoredState.db.counts.reviews} reviews, ${restoredState.media.size} media files`)
    scenarios.push(additive('restore', empty, siteState(empty), restoreArgs, restoredState, restoreRun.ms))
  }

  if (kinds.includes('build')) {
    // Two clean builds of the same site for two public addresses: every page differs between them,
    // so each round replaces every file of the one before.
    const bases = ['https://one.example/', 'https://two.example/']
    const refs: Map<string, string>[] = []
    let ms = 0
    for (const [i, base] of bases.entries()) {
      const out = join(work, `build-ref-${i}`)
      const run = await mustRun(['build', '--out', out, '--base-url', base], imported)
      ms = Math.max(ms, run.ms)
      refs.push(hashTree(out))
    }
    const out = join(work, 'build-out')
    await mustRun(['build', '--out', out, '--base-url', bases[1]!], imported)
    log(`build: ${Math.round(ms)} ms, ${refs[0]!.size} files`)
    const compare = (round: number) => {
      const want = refs[round % 2]!
      const got = hashTree(out)
      const problems: string[] = []
      const extra = [...got.keys()].filter((p) => !want.has(p))
      const missing = [...want.keys()].filter((p) => !got.has(p))
      const differ = [...want.keys()].filter((p) => got.has(p) && got.get(p) !== want.get(p))
      if (extra.length) problems.push(`${extra.length} files a clean build does not write: ${extra.slice(0, 3).join(', ')}`)
      if (missing.length) problems.push(`${missing.length} files missing: ${missing.slice(0, 3).join(', ')}`)
      if (differ.length) problems.push(`${differ.length} files differ from a clean build: ${differ.slice(0, 3).join(', ')}`)
      return problems
    }
    let current = 0
    scenarios.push({
      kind: 'build',
      duration: ms,
      prepare(round) {
        current = round
        return { dataDir: imported, args: ['build', '--out', out, '--base-url', bases[round % 2]!], remove: false }
      },
      check() {
        // Every file of the output is either the old one or the new one, whole: readers of a published
        // folder never see half a page (checked after the rerun, which must make it equal a clean build).
        const got = hashTree(out)
        const [older, newer] = [refs[(current + 1) % 2]!, refs[current % 2]!]
        const problems: string[] = []
        let old = 0
        let young = 0
        for (const [p, h] of got) {
          if (p.endsWith('.tmp')) continue
          if (h === newer.get(p)) young++
          else if (h === older.get(p)) old++
          else problems.push(`${p} is neither the old nor the new file: half-written`)
        }
        return { problems: problems.slice(0, 5), holds: young === 0 ? 'before' : old === 0 ? 'after' : 'mixed' }
      },
      checkRerun(_dataDir, _args, run) {
        if (run.code !== 0) return [`exit ${run.code}: ${run.stderr.trim().split('\n').slice(-5).join(' / ')}`]
        return compare(current)
      },
    })
  }
  return scenarios
}
