import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { inject } from 'vitest'

export const ROOT = resolve(import.meta.dirname, '../..')
export const BIN = join(ROOT, 'bin', 'dramalog')

/** A fresh, empty data directory under the system temp folder. */
export function tempDataDir(prefix = 'dramalog-test-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

export type RunResult = { code: number; stdout: string; stderr: string }

/** Runs the real `bin/dramalog` executable with the given data directory (and SQLite, unless `extraEnv` names a DATABASE_URL). */
export function runCli(args: string[], dataDir: string, input?: string, extraEnv: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, DRAMALOG_DATA_DIR: dataDir, DATABASE_URL: '', FORCE_COLOR: '0', ...extraEnv },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }))
    child.stdin.end(input ?? '')
  })
}

/**
 * Puts the demo site (what `dramalog demo` makes: the demo reviews with their posters, no
 * accounts) into an empty data folder. The first call of a run makes it with the real command in
 * the run's cache folder (test/setup/demo-site.ts); later calls copy that SQLite file and media
 * folder. Outside the `app` project it runs the command in `dataDir` itself.
 */
export async function demoSite(dataDir: string): Promise<void> {
  let cache: string | undefined
  try {
    cache = inject('demoSiteCache')
  } catch {
    cache = undefined
  }
  const demo = async (dir: string) => {
    const run = await runCli(['demo'], dir)
    if (run.code !== 0) throw new Error(`dramalog demo failed (${run.code}):\n${run.stderr}`)
  }
  if (existsSync(join(dataDir, 'dramalog.sqlite'))) throw new Error(`demoSite wants an empty data folder: ${dataDir} holds a site`)
  if (!cache) return demo(dataDir)
  const template = join(cache, 'demo')
  if (!existsSync(template)) {
    const building = mkdtempSync(join(cache, 'making-'))
    await demo(building)
    try {
      renameSync(building, template)
    } catch (err) {
      // Another test file made it at the same time: theirs is the same site.
      rmSync(building, { recursive: true, force: true })
      if (!existsSync(template)) throw err
    }
  }
  cpSync(template, dataDir, { recursive: true })
}

export type RunningServer = { url: string; process: ChildProcess; output: () => string; stop(): Promise<void> }

/** Starts `dramalog serve` as a real process on `port` (by default one the system picks) and waits until it listens. */
export function startServer(dataDir: string, extraEnv: Record<string, string> = {}, port = 0): Promise<RunningServer> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--host', '127.0.0.1'], {
      cwd: ROOT,
      env: { ...process.env, DRAMALOG_DATA_DIR: dataDir, DATABASE_URL: '', PORT: '', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`server did not start within 90 s:\n${output}`))
    }, 90_000)
    const onData = (d: Buffer) => {
      output += d
      const m = /serving http:\/\/localhost:(\d+)\//.exec(output)
      if (m) {
        clearTimeout(timer)
        resolvePromise({
          url: `http://127.0.0.1:${m[1]}`,
          process: child,
          output: () => output,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done()
              child.once('exit', () => done())
              child.kill('SIGTERM')
              setTimeout(() => child.kill('SIGKILL'), 5000).unref()
            }),
        })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}:\n${output}`))
    })
  })
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for servers whose address must be known before they start). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolvePromise(port))
    })
  })
}
