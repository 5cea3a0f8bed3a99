import { resolve } from 'node:path'
import { exportJson, exportMarkdown } from '../services/export-reviews.ts'
import { writeFileAtomic } from '../media/posters.ts'
import { type Command, UsageError } from './command.ts'
import { withSite } from './open.ts'
import { createProgress } from './progress.ts'

export const exportCommand: Command = {
  name: 'export',
  usage: `Usage: dramalog export --format json|markdown [--out PATH]

  --format json       an array of every review document (drafts included), to
                      stdout, or to the file named by --out
  --format markdown   a folder of SLUG.md files with their posters under media/;
                      needs --out DIR
  -h, --help          show this help`,
  options: { format: { type: 'string' }, out: { type: 'string' } },
  async run({ values }) {
    const format = values.format
    const out = typeof values.out === 'string' ? resolve(values.out) : null
    if (format === 'json') {
      const json = await withSite(exportJson)
      if (out) await writeFileAtomic(out, json)
      else process.stdout.write(json)
      return 0
    }
    if (format === 'markdown') {
      if (!out) throw new UsageError('--format markdown writes a folder: name it with --out DIR')
      const progress = createProgress('Exporting')
      const count = await withSite((site) => exportMarkdown(site, out, (d, t) => progress.update(d, t))).finally(() => progress.stop())
      process.stdout.write(`Exported ${count} review${count === 1 ? '' : 's'} to ${out}\n`)
      return 0
    }
    if (format === 'backup') throw new UsageError('backups are not available in this version; use --format json or markdown')
    throw new UsageError(format ? `unknown format "${String(format)}"` : 'choose a format with --format json or --format markdown')
  },
}
