import { resolve } from 'node:path'
import { buildSite } from '../build/build-site.ts'
import { UsageError, type Command } from './command.ts'
import { withSite } from './open.ts'
import { createProgress } from './progress.ts'

export const buildCommand: Command = {
  name: 'build',
  usage: `Usage: dramalog build [--out DIR] [--base-url URL] [--server URL] [--clean]

Writes the public site as static files, for any static host: every page the
server answers, feeds, sitemap, media and an in-browser search. Only what
changed since the last build into DIR is rendered and written again; pages
that no longer exist are removed. Other files in DIR are left alone.

  --out DIR        where to write the site (default: ./dist)
  --base-url URL   the address it will be served from, such as
                   https://me.github.io/blog/ (default: DRAMALOG_BASE_URL,
                   then the address in Settings)
  --server URL     a running Dramalog server that takes comments; review pages
                   then post their comment forms there. Without it, pages show
                   the comments as they are now and no form
  --clean          render and check every page, whatever changed
  --jobs N         render on N threads (default: one per core; 1 renders on
                   the main thread only)
  -h, --help       show this help`,
  options: { out: { type: 'string' }, 'base-url': { type: 'string' }, server: { type: 'string' }, clean: { type: 'boolean' }, jobs: { type: 'string' } },
  async run({ values }) {
    const outDir = resolve(typeof values.out === 'string' ? values.out : 'dist')
    const jobs = typeof values.jobs === 'string' ? Number(values.jobs) : undefined
    if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1 && jobs <= 64)) throw new UsageError(`--jobs takes a number of threads from 1 to 64, not "${values.jobs}"`)
    const progress = createProgress('Building')
    const report = await withSite((site) =>
      buildSite(site, {
        outDir,
        baseUrl: typeof values['base-url'] === 'string' ? values['base-url'] : null,
        server: typeof values.server === 'string' ? values.server : null,
        clean: values.clean === true,
        workers: jobs === undefined ? undefined : jobs === 1 ? 0 : jobs,
        onProgress: (done, total) => progress.update(done, total),
      }),
    ).finally(() => progress.stop())
    for (const w of report.warnings) process.stderr.write(`warning: ${w}\n`)
    const plural = (n: number, one: string) => `${n.toLocaleString('en-US')} ${one}${n === 1 ? '' : 's'}`
    process.stdout.write(
      `${report.full ? 'Built' : 'Updated'} ${outDir} in ${report.seconds.toFixed(2)} s: ` +
        `${plural(report.rendered, 'page')} rendered, ${plural(report.written.length, 'file')} written, ` +
        `${plural(report.removed.length, 'file')} removed; ${plural(report.files, 'file')} in all.\n`,
    )
    return 0
  },
}
