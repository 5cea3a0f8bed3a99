// The long form of the crash test: `npm run crash -- --rounds 200 [--seed N] [--kinds import-wxr,build] [--posts 120]`.
// Kills each command ROUNDS times at random moments and prints the figures; exits 1 on any failure.
import { parseArgs } from 'node:util'
import { CRASH_KINDS, runCrashCampaign, type CrashKind } from './crash-harness.ts'

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '200' }, seed: { type: 'string' }, kinds: { type: 'string' }, posts: { type: 'string' }, quiet: { type: 'boolean' } },
})
const seed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31)
const kinds = values.kinds ? (values.kinds.split(',') as CrashKind[]) : [...CRASH_KINDS]
for (const k of kinds) if (!CRASH_KINDS.includes(k)) throw new Error(`unknown kind "${k}" (use ${CRASH_KINDS.join(', ')})`)
const rounds = Number(values.rounds)
console.log(`crash test: seed ${seed}, ${rounds} kills per kind (${kinds.join(', ')})`)
const report = await runCrashCampaign({
  seed, rounds, kinds, posts: values.posts ? Number(values.posts) : undefined,
  log: values.quiet ? undefined : (line) => console.log(`  ${line}`),
})
console.log(`\nseed ${report.seed}; setup ${report.setupSeconds.toFixed(0)} s, total ${report.seconds.toFixed(0)} s`)
console.log('kind             kills  run ms  nothing  all  mixed  done-before-kill  failures')
for (const k of report.kinds) {
  console.log(
    `${k.kind.padEnd(16)} ${String(k.rounds).padStart(5)}  ${String(k.durationMs).padStart(6)}  ${String(k.before).padStart(7)}  ${String(k.after).padStart(3)}  ${String(k.mixed).padStart(5)}  ${String(k.finished).padStart(16)}  ${String(k.failures.length).padStart(8)}`,
  )
}
const failures = report.kinds.flatMap((k) => k.failures)
for (const f of failures) console.log(`FAIL ${f}`)
process.exitCode = failures.length ? 1 : 0
