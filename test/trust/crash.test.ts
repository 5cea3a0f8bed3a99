import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BuildManifest } from '../../src/store/build-manifest.ts'
import { demoSite } from '../helpers/server.ts'
import { CRASH_KINDS, hashTree, runCrashCampaign, runDramalog } from './crash-harness.ts'

// The short form of the crash test: a smaller site and a few kills per kind, at moments drawn
// from a seeded generator (DRAMALOG_CRASH_SEED repeats a run; the seed is printed). The long form
// is `npm run crash -- --rounds 200`.
const seed = Number(process.env.DRAMALOG_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31))
const rounds = Number(process.env.DRAMALOG_CRASH_ROUNDS ?? 3)

describe('killed at random moments (SIGKILL)', () => {
  it(`imports, restores and builds lose nothing and finish when run again (seed ${seed}, ${rounds} kills per kind)`, async () => {
    const report = await runCrashCampaign({ seed, rounds, posts: 20, demo: demoSite })
    for (const k of report.kinds) {
      expect(k.failures, `${k.kind}, seed ${seed}`).toEqual([])
      expect(k.rounds).toBe(rounds)
    }
    expect(report.kinds.map((k) => k.kind)).toEqual([...CRASH_KINDS])
  }, 3_600_000)
})

describe('a build stopped between writing a file and renaming it', () => {
  it('leaves no temporary file and no stale page once the next build ran', async () => {
    const work = mkdtempSync(join(tmpdir(), 'dramalog-build-stop-'))
    try {
      const data = join(work, 'data')
      const out = join(work, 'out')
      const clean = join(work, 'clean')
      await demoSite(data)
      const base = ['--base-url', 'https://one.example/']
      expect((await runDramalog(['build', '--out', out, ...base], data)).code).toBe(0)
      // What a build killed mid-way leaves: its mark in the manifest, a temporary file it never
      // renamed, and a page it replaced that the manifest still describes by its old content.
      const manifest = BuildManifest.open(join(data, 'builds', `${createHash('sha1').update(out).digest('hex').slice(0, 16)}.sqlite`))
      manifest.setMeta({ state: 'building' })
      manifest.close()
      writeFileSync(join(out, 'index.html.4242-0.tmp'), '<!doctype html><p>half')
      writeFileSync(join(out, 'diary', 'index.html'), '<!doctype html><p>a page of another build')
      expect((await runDramalog(['build', '--out', out, ...base], data)).code).toBe(0)
      expect((await runDramalog(['build', '--out', clean, ...base], data)).code).toBe(0)
      expect(hashTree(out)).toEqual(hashTree(clean))
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  }, 600_000)
})
