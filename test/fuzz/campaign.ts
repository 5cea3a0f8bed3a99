// The long fuzzing campaign: `npm run fuzz` (a million inputs by default), or
//   tsx test/fuzz/campaign.ts --inputs 20000 --reader json --seed 42 --path "17:3:1"
// to replay one failure (`--jobs 2` runs two readers at a time). Each reader runs in a child process of its own, watched: a child that
// goes silent for longer than HANG_SECONDS is stopped and reported as a hang. Prints inputs/s per
// reader and the totals, and for every failure the seed and path that reproduce it.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import fc from 'fast-check'
import { createTargets, runBounded } from './readers.ts'

/** Share of the inputs each reader gets: the slow ones (archives, XML) fewer. */
const SHARE: Record<string, number> = {
  'pasted-text': 0.25, markdown: 0.2, json: 0.2, 'review-form': 0.2, wxr: 0.06, 'letterboxd-csv': 0.045, zip: 0.045,
}
const HANG_SECONDS = 120

type Progress = { runs: number; seconds: number }
type Outcome = {
  reader: string
  inputs: number
  seconds: number
  failure: null | { seed: number; path: string | null; error: string; counterexample: string }
}

const { values } = parseArgs({
  options: {
    inputs: { type: 'string', default: '1000000' },
    reader: { type: 'string', multiple: true },
    seed: { type: 'string' },
    path: { type: 'string' },
    jobs: { type: 'string', default: '1' },
    child: { type: 'boolean', default: false },
  },
})

const clip = (s: string, max = 600) => (s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s)

/** In a child: runs one reader's property `inputs` times and reports progress and the outcome as JSON lines. */
async function runChild(name: string, inputs: number, seed: number, path: string | undefined): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'dramalog-fuzz-'))
  const target = (await createTargets(work)).find((t) => t.name === name)
  if (!target) throw new Error(`no reader named ${name}`)
  const started = performance.now()
  let runs = 0
  let last = started
  const send = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`)
  const property = fc.asyncProperty(target.inputs, async (input) => {
    runs++
    const now = performance.now()
    if (now - last > 1000) {
      last = now
      send({ progress: { runs, seconds: (now - started) / 1000 } satisfies Progress })
    }
    await runBounded(target, input)
  })
  const details = await fc.check(property, { numRuns: inputs, seed, ...(path ? { path } : {}) })
  const outcome: Outcome = {
    reader: name,
    inputs: details.numRuns,
    seconds: (performance.now() - started) / 1000,
    failure: details.failed
      ? {
          seed: details.seed,
          path: details.counterexamplePath,
          error: clip(details.errorInstance instanceof Error ? `${details.errorInstance.name}: ${details.errorInstance.message}\n${details.errorInstance.stack ?? ''}` : String(details.errorInstance), 2000),
          counterexample: clip(fc.stringify(details.counterexample)),
        }
      : null,
  }
  send({ outcome })
  rmSync(work, { recursive: true, force: true })
}

/** In the parent: one child per reader, in turn, each watched for silence. */
function runReader(name: string, inputs: number, seed: number, path: string | undefined): Promise<Outcome> {
  return new Promise((resolve) => {
    const args = ['--import', 'tsx', '--no-warnings', '--stack-size=984', import.meta.filename, '--child', '--reader', name, '--inputs', String(inputs), '--seed', String(seed), ...(path ? ['--path', path] : [])]
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let outcome: Outcome | null = null
    let progress: Progress = { runs: 0, seconds: 0 }
    let heard = Date.now()
    let stderr = ''
    let buffer = ''
    let lastPrinted = Date.now()
    child.stdout.on('data', (d: Buffer) => {
      heard = Date.now()
      buffer += d.toString()
      const lines = buffer.split('\n')
      buffer = lines.pop()!
      for (const line of lines) {
        const message = JSON.parse(line) as { progress?: Progress; outcome?: Outcome }
        if (message.progress) progress = message.progress
        if (message.outcome) outcome = message.outcome
      }
      if (Date.now() - lastPrinted > 30_000) {
        lastPrinted = Date.now()
        console.log(`  ${name}: ${progress.runs.toLocaleString('en-US')} of ${inputs.toLocaleString('en-US')} inputs, ${Math.round(progress.runs / Math.max(progress.seconds, 0.001))} inputs/s`)
      }
    })
    child.stderr.on('data', (d: Buffer) => (stderr = clip(stderr + d.toString(), 4000)))
    const watch = setInterval(() => {
      if (Date.now() - heard > HANG_SECONDS * 1000) child.kill('SIGKILL')
    }, 1000)
    child.on('exit', (code, signal) => {
      clearInterval(watch)
      if (outcome) return resolve(outcome)
      const why = signal === 'SIGKILL' ? `hung: no progress for ${HANG_SECONDS} s after ${progress.runs} inputs` : `the reader's process died (${signal ?? `exit ${code}`}) after ${progress.runs} inputs`
      resolve({ reader: name, inputs: progress.runs, seconds: progress.seconds, failure: { seed, path: null, error: `${why}\n${stderr}`, counterexample: '(rerun with this seed and --inputs to find it)' } })
    })
  })
}

async function main(): Promise<void> {
  const total = Number(values.inputs)
  if (!Number.isInteger(total) || total < 1) throw new Error(`--inputs must be a positive whole number, got "${values.inputs}"`)
  const seed = values.seed === undefined ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(values.seed)
  const names = values.reader?.length ? values.reader : Object.keys(SHARE)
  for (const name of names) if (!(name in SHARE)) throw new Error(`unknown reader "${name}"; readers: ${Object.keys(SHARE).join(', ')}`)

  if (values.child) return runChild(names[0]!, total, seed, values.path)

  const weight = names.reduce((sum, n) => sum + SHARE[n]!, 0)
  const plan = names.map((name) => ({ name, inputs: Math.max(1, Math.round((total * SHARE[name]!) / weight)) }))
  console.log(`Fuzzing ${plan.reduce((n, p) => n + p.inputs, 0).toLocaleString('en-US')} inputs over ${plan.length} readers, seed ${seed}`)
  const outcomes: Outcome[] = []
  const queue = [...plan]
  const jobs = Math.max(1, Number(values.jobs) || 1)
  await Promise.all(Array.from({ length: jobs }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await runOne(next.name, next.inputs)
  }))
  async function runOne(name: string, inputs: number): Promise<void> {
    const o = await runReader(name, inputs, seed, values.path)
    outcomes.push(o)
    const rate = Math.round(o.inputs / Math.max(o.seconds, 0.001))
    console.log(`${name.padEnd(16)} ${o.inputs.toLocaleString('en-US').padStart(9)} inputs ${o.seconds.toFixed(0).padStart(6)} s ${String(rate).padStart(6)} inputs/s  ${o.failure ? 'FAILED' : 'ok'}`)
    if (o.failure) {
      console.log(`  reproduce: npm run fuzz -- --reader ${name} --inputs ${inputs} --seed ${o.failure.seed}${o.failure.path ? ` --path "${o.failure.path}"` : ''}`)
      console.log(`  input: ${o.failure.counterexample}`)
      console.log(`  ${o.failure.error.split('\n').join('\n  ')}`)
    }
  }
  const inputs = outcomes.reduce((n, o) => n + o.inputs, 0)
  const seconds = outcomes.reduce((n, o) => n + o.seconds, 0)
  const failed = outcomes.filter((o) => o.failure)
  console.log(`Total: ${inputs.toLocaleString('en-US')} inputs in ${seconds.toFixed(0)} s (${Math.round(inputs / seconds)} inputs/s), ${failed.length ? `${failed.length} readers FAILED: ${failed.map((o) => o.reader).join(', ')}` : 'no failures'}`)
  if (failed.length) process.exitCode = 1
}

await main()
