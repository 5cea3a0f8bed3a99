// The short fuzzing campaign run by `npm test`: a few hundred random and mutated inputs per
// reader. `npm run fuzz` (campaign.ts) runs the same properties over a million inputs.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, it } from 'vitest'
import { createTargets, runBounded } from './readers.ts'

const RUNS: Record<string, number> = { wxr: 60, 'letterboxd-csv': 40, zip: 60 }
// The same inputs on every run, so a red `npm test` is always this code's doing; DRAMALOG_FUZZ_SEED
// picks other ones, and `npm run fuzz` explores with fresh seeds.
const SEED = Number(process.env.DRAMALOG_FUZZ_SEED ?? 20261204)
const work = mkdtempSync(join(tmpdir(), 'dramalog-fuzz-'))
const targets = await createTargets(work)
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('every reader, on random and damaged input', () => {
  for (const target of targets) {
    it(`${target.name}: never throws or hangs; gives valid documents or located issues`, async () => {
      await fc.assert(fc.asyncProperty(target.inputs, (input) => runBounded(target, input)), { numRuns: RUNS[target.name] ?? 200, seed: SEED })
    })
  }
})
