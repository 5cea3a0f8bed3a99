import { importFiles } from '../services/import-files.ts'
import { type Command, UsageError } from './command.ts'
import { withSite } from './open.ts'
import { createProgress } from './progress.ts'

export const importCommand: Command = {
  name: 'import',
  usage: `Usage: dramalog import PATH… [--dry-run]

Imports review files and folders, all or nothing. Formats by extension and content:
  .txt   text copied off a blog page (header lines, hook, "Title – Headline", sections)
  .md    Markdown with YAML front matter
  .json  one review document or an array of them

On any problem every one is printed as FILE:LINE: field: reason, the exit code
is 1 and nothing is written. A review already on the site is updated in place.

Options:
  --dry-run   check everything and report what would change, writing nothing
  -h, --help  show this help`,
  options: { 'dry-run': { type: 'boolean' } },
  async run({ values, positionals }) {
    if (positionals.length === 0) throw new UsageError('name at least one file or folder to import')
    const progress = createProgress('Reading')
    const result = await withSite((site) =>
      importFiles(site, positionals, { dryRun: !!values['dry-run'], onProgress: (d, t, f) => progress.update(d, t, f) }),
    ).finally(() => progress.stop())
    for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`)
    const total = result.created.length + result.updated.length
    const verb = result.dryRun ? 'Would import' : 'Imported'
    process.stdout.write(
      `${verb} ${total} review${total === 1 ? '' : 's'} from ${result.files} file${result.files === 1 ? '' : 's'}: ` +
        `${result.created.length} new, ${result.updated.length} updated.${result.dryRun ? ' (dry run: nothing written)' : ''}\n`,
    )
    return 0
  },
}
