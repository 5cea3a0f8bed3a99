import { spawn } from 'node:child_process'
import { copyFileSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import yauzl from 'yauzl'
import yazl from 'yazl'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, demoSite, runCli, tempDataDir, type RunResult } from '../helpers/server.ts'

// The real `bin/dramalog` on real data folders: backup, restore, `export --format backup`.

const temps: { remove(): void }[] = []
const temp = () => {
  const t = tempDataDir('dramalog-cli-backup-')
  temps.push(t)
  return t.dir
}
afterAll(() => temps.forEach((t) => t.remove()))

/** Runs the CLI from another working folder (runCli always runs it from the repository). */
function runIn(cwd: string, args: string[], dataDir: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, DRAMALOG_DATA_DIR: dataDir, DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

/** Entry names of a ZIP, in order. */
function entryNames(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: false }, (err, zip) => {
      if (err || !zip) return reject(err)
      const names: string[] = []
      zip.on('entry', (e: yauzl.Entry) => names.push(e.fileName))
      zip.on('end', () => resolve(names))
      zip.on('error', reject)
    })
  })
}

const exportOf = async (data: string) => JSON.parse((await runCli(['export', '--format', 'json'], data)).stdout) as unknown[]
const POSTER = join('media', 'posters', 'paper-lanterns-season-1.w900.jpg')

let source: string
let archive: string
let backup: RunResult
let sourceExport: unknown[]

beforeAll(async () => {
  source = temp()
  await demoSite(source)
  expect((await runCli(['user', 'add', 'mira', '--name', 'Mira Chen'], source, 'correct horse battery\n')).code).toBe(0)
  sourceExport = await exportOf(source)
  archive = join(temp(), 'site.zip')
  backup = await runCli(['backup', '--out', archive], source)
}, 180_000)

describe('dramalog backup', () => {
  it('writes one archive, shows progress lines on stderr when not on a terminal and a summary on stdout', async () => {
    expect(backup.stderr.split('\n').filter((l) => l && !/^Backing up: \d+\/\d+$/.test(l))).toEqual([])
    expect(backup.stderr).toMatch(/Backing up: (\d+)\/\1\n$/)
    expect(backup.code).toBe(0)
    expect(backup.stdout).toMatch(/^Backed up the site to .*site\.zip \(\d+(\.\d)? MB\):\n/)
    expect(backup.stdout).toMatch(/^ {2}reviews +14 rows$/m)
    expect(backup.stdout).toMatch(/^ {2}users +1 row$/m)
    expect(backup.stdout).toMatch(/^ {2}media +126 files, \d/m)
    const names = await entryNames(archive)
    expect(names[0]).toBe('dramalog-backup.json')
    expect(names).toContain('tables/users.jsonl')
    expect(names).not.toContain('tables/sessions.jsonl')
    expect(names.filter((n) => n.startsWith('media/'))).toHaveLength(126)
  })

  it('names the archive after the date and time in the current folder by default', async () => {
    const cwd = temp()
    const run = await runIn(cwd, ['backup'], source)
    expect(run.code).toBe(0)
    const files = readdirSync(cwd)
    expect(files).toEqual([expect.stringMatching(/^dramalog-backup-\d{8}-\d{6}\.zip$/)])
    expect(run.stdout).toContain(`Backed up the site to ${files[0]} (`)
  })

  it('explains wrong usage with exit code 2', async () => {
    const data = temp()
    const extra = await runCli(['backup', 'somewhere.zip'], data)
    expect(extra.code).toBe(2)
    expect(extra.stderr).toContain('name the archive with --out FILE')
    const help = await runCli(['backup', '--help'], data)
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: dramalog backup [--out FILE]')
  })
})

describe('dramalog restore', () => {
  it('restores into an empty data folder: the same export, the same media bytes, the same accounts', async () => {
    const target = temp()
    const run = await runCli(['restore', archive], target)
    expect(run.code).toBe(0)
    expect(run.stderr).toMatch(/^Restoring: \d+\/\d+\n/)
    expect(run.stderr).toMatch(/Restoring: (\d+)\/\1\n$/)
    expect(run.stdout).toMatch(/^Restored the backup of \d{4}-\d\d-\d\dT[\d:.]+Z from .*site\.zip:\n/)
    expect(run.stdout).toMatch(/^ {2}reviews +14 rows$/m)
    expect(await exportOf(target)).toEqual(sourceExport)
    expect(readFileSync(join(target, POSTER)).equals(readFileSync(join(source, POSTER)))).toBe(true)
    expect(readdirSync(join(target, 'media', 'posters')).sort()).toEqual(readdirSync(join(source, 'media', 'posters')).sort())
    const users = await runCli(['user', 'list'], target)
    expect(users.stdout).toMatch(/^mira +owner +Mira Chen$/m)

    // A second restore into the now full site is refused, and changes nothing.
    const again = await runCli(['restore', archive], target)
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/^dramalog restore: the site in .* is not empty \(.*reviews: 14 rows.*\); a backup restores only into an empty site/)
    expect(await exportOf(target)).toEqual(sourceExport)
  })

  it('refuses a damaged archive with located problems, exit code 1, and writes nothing', async () => {
    const target = temp()
    const truncated = join(temp(), 'truncated.zip')
    copyFileSync(archive, truncated)
    truncateSync(truncated, Math.floor(statSync(truncated).size / 3))
    const run = await runCli(['restore', truncated], target)
    expect(run.code).toBe(1)
    const lines = run.stderr.trim().split('\n')
    expect(lines[0]).toMatch(new RegExp(`^${truncated.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: \\(archive\\): not a readable ZIP archive`))
    expect(lines.at(-1)).toBe('1 problem in 1 file; nothing was written.')
    expect(await exportOf(target)).toEqual([])
    expect(readdirSync(join(target, 'media'))).toEqual([])
  })

  it('refuses a backup with a bad row, naming the entry and the line', async () => {
    const target = temp()
    // A copy of the manifest with a reviews table whose second line is cut short.
    const entries = await new Promise<Map<string, Buffer>>((resolve, reject) => {
      const out = new Map<string, Buffer>()
      yauzl.open(archive, { lazyEntries: true }, (err, zip) => {
        if (err || !zip) return reject(err)
        zip.on('entry', (e: yauzl.Entry) =>
          zip.openReadStream(e, async (error, s) => {
            if (error || !s) return reject(error)
            const chunks: Buffer[] = []
            for await (const c of s) chunks.push(c as Buffer)
            out.set(e.fileName, Buffer.concat(chunks))
            zip.readEntry()
          }),
        )
        zip.on('end', () => resolve(out))
        zip.readEntry()
      })
    })
    const lines = entries.get('tables/reviews.jsonl')!.toString('utf8').split('\n')
    lines[1] = lines[1]!.slice(0, 30)
    entries.set('tables/reviews.jsonl', Buffer.from(lines.join('\n')))
    const zip = new yazl.ZipFile()
    for (const [name, data] of entries) zip.addBuffer(data, name)
    zip.end()
    const chunks: Buffer[] = []
    for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c)
    const bad = join(temp(), 'bad.zip')
    writeFileSync(bad, Buffer.concat(chunks))

    const run = await runCli(['restore', bad], target)
    expect(run.code).toBe(1)
    const problems = run.stderr.split('\n').filter((l) => l.startsWith(bad))
    expect(problems[0]).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:tables/reviews\\.jsonl:2: \\(row\\): not valid JSON`))
    // The edited entry no longer matches its checksum either: both are reported.
    expect(problems[1]).toBe(`${bad}:tables/reviews.jsonl:1: (content): damaged: its SHA-256 differs from the one in checksums.sha256`)
    expect(run.stderr).toMatch(/2 problems in 1 file; nothing was written\.\n$/)
    expect(await exportOf(target)).toEqual([])
  })

  it('explains wrong usage with exit code 2', async () => {
    const data = temp()
    const none = await runCli(['restore'], data)
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('name the backup file to restore')
    expect((await runCli(['restore', 'a.zip', 'b.zip'], data)).code).toBe(2)
    const help = await runCli(['restore', '--help'], data)
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: dramalog restore FILE')
  })
})

describe('dramalog export --format backup', () => {
  it('writes the same kind of archive, which restore takes back', async () => {
    const out = join(temp(), 'export.zip')
    const run = await runCli(['export', '--format', 'backup', '--out', out], source)
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^ {2}reviews +14 rows$/m)
    expect((await entryNames(out))[0]).toBe('dramalog-backup.json')
    const target = temp()
    expect((await runCli(['restore', out], target)).code).toBe(0)
    expect(await exportOf(target)).toEqual(sourceExport)
  })

  it('needs --out', async () => {
    const run = await runCli(['export', '--format', 'backup'], temp())
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--format backup writes one archive: name it with --out FILE')
  })
})
