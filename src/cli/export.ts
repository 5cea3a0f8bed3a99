import { resolve } from 'node:path'
import { exportJson, exportMarkdown, exportRedirects } from '../services/export-reviews.ts'
import { writeFileAtomic } from '../media/posters.ts'
import { type Command, UsageError } from './command.ts'
import { runBackup } from './backup.ts'
import { withSite } from './open.ts'
import { createProgress } from './progress.ts'

export const exportCommand: Command = {
  name: 'export',
  usage: `Usage: dramalog export --format json|markdown|backup|redirects [--out PATH]

  --format json       an array of every review document (drafts included), to
                      stdout, or to the file named by --out
  --format markdown   a folder of SLUG.md files with their posters under media/;
                      needs --out DIR
  --format redirects  a redirect map from imported reviews' old addresses to their
                      pages here ("FROM TO 301" lines, the _redirects format)
  --format backup     the whole site in one archive, the same as
                      "dramalog backup --out FILE"; needs --out FILE
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
    if (format === 'redirects') {
      const map = await withSite(exportRedirects)
      if (out) await writeFileAtomic(out, map)
      else process.stdout.write(map)
      return 0
    }
    if (format === 'backup') {
      if (!out) throw new UsageError('--format backup writes one archive: name it with --out FILE')
      return runBackup(out)
    }
    throw new UsageError(format ? `unknown format "${String(format)}"` : 'choose a format with --format json, markdown, backup or redirects')
  },
}
