import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
// @ts-expect-error: plain JavaScript beside the executable, without type declarations
import { bundleDir, sourceKey } from '../../bin/program.mjs'
import { runCli, tempDataDir } from '../helpers/server.ts'

const temps: { remove(): void }[] = []
afterAll(() => temps.forEach((t) => t.remove()))
const temp = () => {
  const t = tempDataDir()
  temps.push(t)
  return t.dir
}

describe('the bundled program', () => {
  it('is keyed by every source file, so any change makes a new bundle, and tests do not count', () => {
    const src = temp()
    mkdirSync(join(src, 'views'))
    writeFileSync(join(src, 'a.ts'), 'export const a = 1\n')
    writeFileSync(join(src, 'views', 'b.tsx'), 'export const b = 2\n')
    const key = (sourceKey as (root: string) => string)(src)
    expect(sourceKey(src)).toBe(key)

    writeFileSync(join(src, 'a.test.ts'), 'test\n')
    expect(sourceKey(src)).toBe(key)
    writeFileSync(join(src, 'views', 'b.tsx'), 'export const b = 3\n')
    utimesSync(join(src, 'views', 'b.tsx'), new Date(2020, 0, 1), new Date(2020, 0, 1))
    const edited = sourceKey(src)
    expect(edited).not.toBe(key)
    utimesSync(join(src, 'views', 'b.tsx'), new Date(2021, 0, 1), new Date(2021, 0, 1))
    expect(sourceKey(src)).not.toBe(edited)
    writeFileSync(join(src, 'c.ts'), '')
    expect(sourceKey(src)).not.toBe(edited)
  })

  it('runs the command line as the sources do, from a bundle of the current sources', async () => {
    const data = temp()
    const bundled = await runCli(['user', 'add', 'mina'], data, 'a long enough password\n')
    expect(bundled.code).toBe(0)
    expect(existsSync(join(bundleDir() as string, 'cli.js'))).toBe(true)
    expect(existsSync(join(bundleDir() as string, 'worker.js'))).toBe(true)

    const fromBundle = await runCli(['user', 'list'], data)
    const fromSources = await runCli(['user', 'list'], data, undefined, { DRAMALOG_NO_BUNDLE: '1' })
    expect(fromBundle.code).toBe(0)
    expect(fromBundle.stdout).toContain('mina')
    expect(fromSources).toEqual(fromBundle)
  })
})
