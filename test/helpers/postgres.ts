import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import pg from 'pg'

/**
 * A throwaway PostgreSQL server for tests: `initdb` into a temporary folder, `pg_ctl start` on a
 * free port of 127.0.0.1 (and a private socket folder), trust authentication for the `postgres`
 * user. When the tests run as root the server runs as the system's `postgres` user (PostgreSQL
 * refuses to run as root). `stop()` stops it and removes its folder; a process exit stops it too.
 */
export type TestPostgres = { host: string; port: number; adminUrl: string; stop(): void }

const SEARCHED = ['/usr/lib/postgresql']

/** The folder holding initdb, pg_ctl and postgres: $PG_BIN, else on PATH, else Debian's newest. */
export function findPostgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN
  // Through links (Debian's binaries are often linked from /usr/local/bin) to the folder psql sits in too.
  const onPath = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' }).stdout.trim()
  const dir = onPath ? dirname(realpathSync(onPath)) : ''
  if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'psql'))) return dir
  for (const root of SEARCHED) {
    if (!existsSync(root)) continue
    const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))
    for (const v of versions) if (existsSync(join(root, v, 'bin', 'initdb'))) return join(root, v, 'bin')
  }
  throw new Error(
    'PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH, in /usr/lib/postgresql/*/bin or in $PG_BIN. ' +
      "The PostgreSQL tests need them: install Debian's postgresql package (apt-get install postgresql; .ci/run does this).",
  )
}

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

const isRoot = () => process.getuid?.() === 0

/** Runs a PostgreSQL program, as the postgres user when we are root. */
function run(bin: string, program: string, args: string[]): void {
  const file = join(bin, program)
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args]
  const result = spawnSync(cmd, argv, { encoding: 'utf8', cwd: tmpdir() })
  if (result.status !== 0) throw new Error(`${program} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stderr || result.stdout}`)
}

/** Starts a server; throws with PostgreSQL's own log when it cannot. */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBin()
  const root = mkdtempSync(join(tmpdir(), 'dramalog-pg-'))
  const data = join(root, 'data')
  const socket = join(root, 'socket')
  const log = join(root, 'server.log')
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
    chownSync(root, uid, gid)
  }
  chmodSync(root, 0o700)
  let started = false
  const stop = () => {
    if (started) {
      started = false
      spawnSync(isRoot() ? 'runuser' : join(bin, 'pg_ctl'), [...(isRoot() ? ['-u', 'postgres', '--', join(bin, 'pg_ctl')] : []), 'stop', '-D', data, '-m', 'immediate', '-w'], { stdio: 'ignore', cwd: tmpdir() })
    }
    rmSync(root, { recursive: true, force: true })
  }
  process.once('exit', stop)
  try {
    run(bin, 'initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-instructions', '--no-sync'])
    run(bin, 'postgres', ['--version'])
    const port = await freePort()
    // fsync off: a crashed test server is thrown away anyway.
    const options = [
      `-p ${port}`, `-k ${socket}`, '-c listen_addresses=127.0.0.1', '-c max_connections=300', '-c fsync=off',
      '-c synchronous_commit=off', '-c full_page_writes=off', '-c shared_buffers=64MB',
    ].join(' ')
    execFileSync('mkdir', ['-p', socket])
    if (isRoot()) execFileSync('chown', ['postgres', socket])
    try {
      run(bin, 'pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60', '-o', options])
    } catch (err) {
      const serverLog = existsSync(log) ? readFileSync(log, 'utf8') : ''
      throw new Error(`${(err as Error).message}\n${serverLog}`)
    }
    started = true
    return { host: '127.0.0.1', port, adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`, stop }
  } catch (err) {
    stop()
    process.removeListener('exit', stop)
    throw err
  }
}

let counter = 0

/**
 * Creates an empty database on the server and returns its address. It compares text by the rules
 * of English (ICU's en-US), as databases made on a typical server do, not byte by byte: what
 * Dramalog sorts or compares must come out the same as on SQLite all the same.
 */
export async function createDatabase(adminUrl: string, prefix = 'dramalog_test'): Promise<string> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${++counter}`
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`)
  } finally {
    await client.end()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.href
}
