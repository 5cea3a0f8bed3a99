import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { demoSite, ROOT, runCli, tempDataDir } from '../helpers/server.ts'

const temps: { remove(): void }[] = []
const temp = () => {
  const t = tempDataDir()
  temps.push(t)
  return t.dir
}
afterAll(() => temps.forEach((t) => t.remove()))

const GOOD = (title: string, extra: string[] = []) =>
  [
    'Year: 2023', 'Origin: Taiwan', 'Season: 1', 'Platform: Viki', 'First Watch: No', 'Review Date: 12 May 2024',
    'Facepalm Meter: 🤦🏻‍♂️🤦🏻‍♂️🤦🏻‍♂️', ...extra, '', 'Who needs sleep anyway?', '', `${title} – A Headline For It`, '',
    'Intro words.', '', 'Acting – Everyone Is Trying', 'Body text.',
  ].join('\n')

describe('dramalog import', () => {
  it('reports every problem as FILE:LINE: field: reason, exits 1 and writes nothing', async () => {
    const data = temp()
    const dir = join(data, 'in')
    mkdirSync(dir)
    writeFileSync(join(dir, 'a-good.txt'), GOOD('Fine Show'))
    writeFileSync(
      join(dir, 'b-bad.txt'),
      ['Year: 20x4', 'Origin: Narnia', 'Review Date: 04/08/2025', 'Facepalm Meter: 🤦🤦🤦🤦🤦🤦', '', 'Hook?', '', 'Bad Show – Headline', '', 'Acting – Fine', 'x'].join('\n'),
    )
    writeFileSync(join(dir, 'c-bad.md'), '---\ntitle: Broken\nyear: nineteen\n---\n\n## Acting – Ok\n')
    const run = await runCli(['import', dir], data)
    expect(run.code).toBe(1)
    const lines = run.stderr.trim().split('\n')
    const bad = join(dir, 'b-bad.txt')
    expect(lines).toContain(`${bad}:1: year: "20x4" is not a year`)
    expect(lines).toContain(`${bad}:2: origin: unknown country "Narnia"`)
    expect(lines.some((l) => l.startsWith(`${bad}:3: reviewedOn: ambiguous date "04/08/2025"`))).toBe(true)
    expect(lines).toContain(`${bad}:4: meter: 6 is over the Facepalm Meter's maximum of 5`)
    expect(lines.some((l) => l.startsWith(`${join(dir, 'c-bad.md')}:3: year: `))).toBe(true)
    expect(lines.at(-1)).toBe('5 problems in 2 files; nothing was written.')
    // The good file was not imported either: all or nothing.
    const exported = await runCli(['export', '--format', 'json'], data)
    expect(JSON.parse(exported.stdout)).toEqual([])
  })

  it('imports, then updates the same reviews on a second import', async () => {
    const data = temp()
    const file = join(data, 'show.txt')
    writeFileSync(file, GOOD('Night Market'))
    const first = await runCli(['import', file], data)
    expect(first.stdout).toContain('Imported 1 review from 1 file: 1 new, 0 updated, 0 skipped.')
    writeFileSync(file, GOOD('Night Market').replace('Intro words.', 'Better intro words.'))
    const skipped = await runCli(['import', file, '--on-conflict', 'skip'], data)
    expect(skipped.stdout).toContain('0 new, 0 updated, 1 skipped.')
    expect(skipped.stdout).toContain(`${file}:1: review "Night Market": already on the site as /reviews/night-market-season-1`)
    expect(JSON.parse((await runCli(['export', '--format', 'json'], data)).stdout)[0].intro).toBe('Intro words.')
    expect((await runCli(['import', file, '--on-conflict', 'merge'], data)).stderr).toContain('--on-conflict takes "update" or "skip"')
    const second = await runCli(['import', file], data)
    expect(second.stdout).toContain('0 new, 1 updated, 0 skipped.')
    const docs = JSON.parse((await runCli(['export', '--format', 'json'], data)).stdout)
    expect(docs).toHaveLength(1)
    expect(docs[0]).toMatchObject({
      slug: 'night-market-season-1', title: 'Night Market', origin: 'Taiwan', firstWatch: false, reviewedOn: '2024-05-12',
      meter: { value: 3, max: 5 }, hook: 'Who needs sleep anyway?', headline: 'A Headline For It', intro: 'Better intro words.',
      sections: [{ aspect: 'Acting', verdict: 'Everyone Is Trying', body: 'Body text.', score: null, spoiler: false }],
    })
  })

  it('checks without writing on --dry-run', async () => {
    const data = temp()
    const file = join(data, 'show.txt')
    writeFileSync(file, GOOD('Dry Run Drama'))
    const run = await runCli(['import', '--dry-run', file], data)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Would import 1 review')
    expect(JSON.parse((await runCli(['export', '--format', 'json'], data)).stdout)).toEqual([])
  })

  it('refuses missing files and unknown types with a located message', async () => {
    const data = temp()
    const run = await runCli(['import', join(data, 'nope.txt'), join(ROOT, 'package.json').replace('.json', '.lock')], data)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`${join(data, 'nope.txt')}:1: (file): no such file or folder`)
  })
})

describe('dramalog export', () => {
  it('round-trips the demo through Markdown into an empty site without loss', async () => {
    const a = temp()
    await demoSite(a)
    const jsonA = (await runCli(['export', '--format', 'json'], a)).stdout
    const out = join(a, 'md')
    const md = await runCli(['export', '--format', 'markdown', '--out', out], a)
    expect(md.stdout).toContain('Exported 14 reviews')
    expect(readdirSync(out).filter((f) => f.endsWith('.md'))).toHaveLength(14)
    expect(readdirSync(join(out, 'media', 'posters')).length).toBe(14 * 9)

    const b = temp()
    const imported = await runCli(['import', out], b)
    expect(imported.stdout).toContain('14 new')
    const jsonB = (await runCli(['export', '--format', 'json'], b)).stdout
    expect(JSON.parse(jsonB)).toEqual(JSON.parse(jsonA))
    // The posters came along, byte for byte.
    const poster = 'media/posters/paper-lanterns-season-1.w900.jpg'
    expect(readFileSync(join(b, poster)).equals(readFileSync(join(a, poster)))).toBe(true)
    // And a JSON export imports back to the same documents too.
    const c = temp()
    writeFileSync(join(c, 'all.json'), jsonA)
    cpSync(join(out, 'media'), join(c, 'media'), { recursive: true })
    expect((await runCli(['import', join(c, 'all.json')], c)).code).toBe(0)
    expect(JSON.parse((await runCli(['export', '--format', 'json'], c)).stdout)).toEqual(JSON.parse(jsonA))
  })

  it('explains wrong usage with exit code 2', async () => {
    const data = temp()
    const run = await runCli(['export', '--format', 'markdown'], data)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--format markdown writes a folder')
    expect((await runCli(['export', '--format', 'xml'], data)).stderr).toContain('unknown format "xml"')
  })
})

describe('help', () => {
  it('prints help for the CLI and for every command', async () => {
    const data = temp()
    const top = await runCli(['--help'], data)
    expect(top.code).toBe(0)
    for (const name of ['serve', 'import', 'export', 'demo', 'user']) {
      expect(top.stdout).toContain(`  ${name} `)
      const help = await runCli([name, '--help'], data)
      expect(help.code).toBe(0)
      expect(help.stdout).toContain(`Usage: dramalog ${name}`)
    }
    expect((await runCli(['frobnicate'], data)).code).toBe(2)
  })
})

describe('dramalog user', () => {
  it('adds accounts (the first is the owner), lists them and changes passwords', async () => {
    const data = temp()
    const first = await runCli(['user', 'add', 'Mira', '--name', 'Mira Chen', '--role', 'author'], data, 'correct horse battery\n')
    expect(first.code).toBe(0)
    expect(first.stdout).toContain('Added mira (owner).')
    expect((await runCli(['user', 'add', 'bo', '--role', 'editor'], data, 'another fine password\n')).stdout).toContain('Added bo (editor).')
    const short = await runCli(['user', 'add', 'cy'], data, 'short\n')
    expect(short.code).toBe(1)
    expect(short.stderr).toContain('password: must be at least 10 characters')
    const taken = await runCli(['user', 'add', 'bo'], data, 'yet another password\n')
    expect(taken.code).toBe(1)
    expect(taken.stderr).toContain('the username "bo" is taken')
    const list = await runCli(['user', 'list'], data)
    expect(list.stdout.split('\n').filter(Boolean).map((l) => l.split(/\s+/).slice(0, 2))).toEqual([['mira', 'owner'], ['bo', 'editor']])
    expect((await runCli(['user', 'passwd', 'mira'], data, 'a brand new password\n')).stdout).toContain('Changed the password of mira')
    expect((await runCli(['user', 'passwd', 'nobody'], data, 'a brand new password\n')).code).toBe(1)
    expect((await runCli(['user', 'add', 'x', '--role', 'king'], data, 'long enough pass\n')).code).toBe(2)
  })
})
