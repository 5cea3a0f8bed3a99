import { resolve } from 'node:path'
import { importFiles, type ConflictPolicy, type ImportResult } from '../services/import-files.ts'
import { type Command, UsageError } from './command.ts'
import { withSite } from './open.ts'
import { createProgress } from './progress.ts'

export const importCommand: Command = {
  name: 'import',
  usage: `Usage: dramalog import PATH… [--dry-run] [--on-conflict update|skip] [--uploads DIR]

Imports files and folders, all or nothing. Formats by extension and content:
  .txt   text copied off a blog page (header lines, hook, "Title – Headline", sections)
  .md    Markdown with YAML front matter (a folder from "export --format markdown")
  .json  one review document or an array of them
  .xml   a WordPress export (Tools → Export): posts, tags, featured images, comments
  .zip   a Letterboxd export (Settings → Data): reviews, diary, ratings, watchlist

On any problem every one is printed as FILE:LINE: field: reason, the exit code
is 1 and nothing is written. Importing the same content again does not add
copies: records are matched by where they came from, their slug, or their title
and season.

Options:
  --dry-run                   check everything and report what would change, writing nothing
  --on-conflict update|skip   for records already on the site: update them (default) or leave them
  --uploads DIR               a copy of the old WordPress site's wp-content/uploads folder, where
                              images are looked for before asking the old site over HTTP
  -h, --help                  show this help`,
  options: { 'dry-run': { type: 'boolean' }, 'on-conflict': { type: 'string' }, uploads: { type: 'string' } },
  async run({ values, positionals }) {
    if (positionals.length === 0) throw new UsageError('name at least one file or folder to import')
    const policy = values['on-conflict'] ?? 'update'
    if (policy !== 'update' && policy !== 'skip') throw new UsageError(`--on-conflict takes "update" or "skip", not "${String(policy)}"`)
    const progress = createProgress('Importing')
    const result = await withSite((site) =>
      importFiles(site, positionals, {
        dryRun: !!values['dry-run'],
        onConflict: policy as ConflictPolicy,
        uploadsDir: typeof values.uploads === 'string' ? resolve(values.uploads) : null,
        onProgress: (d, t, label) => progress.update(d, t, label),
      }),
    ).finally(() => progress.stop())
    for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`)
    process.stdout.write(summarize(result))
    return 0
  },
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** The summary printed at the end: what was imported, updated and skipped, with the reasons. */
export function summarize(result: ImportResult): string {
  const total = result.created.length + result.updated.length
  const verb = result.dryRun ? 'Would import' : 'Imported'
  const lines = [
    `${verb} ${plural(total, 'review')} from ${plural(result.files, 'file')}: ${result.created.length} new, ${result.updated.length} updated, ` +
      `${result.skipped.filter((s) => s.what.startsWith('review')).length} skipped.`,
  ]
  if (result.diary.created || result.diary.updated) lines.push(`Diary: ${result.diary.created} new, ${result.diary.updated} updated.`)
  if (result.lists.created || result.lists.updated) lines.push(`Lists: ${result.lists.created} new, ${result.lists.updated} updated.`)
  if (result.comments.created) lines.push(`Comments: ${result.comments.created} new.`)
  if (result.media) lines.push(`Media: ${plural(result.media, 'file')} written.`)
  if (result.skipped.length) {
    // Grouped by reason, with a few examples each: a re-import may skip thousands of records.
    const byReason = new Map<string, typeof result.skipped>()
    for (const s of result.skipped) {
      const same = byReason.get(s.reason)
      if (same) same.push(s)
      else byReason.set(s.reason, [s])
    }
    lines.push(`Skipped ${result.skipped.length}:`)
    for (const [reason, items] of byReason) {
      const shown = items.length > 5 ? items.slice(0, 5) : items
      if (items.length === 1 || byReason.size === result.skipped.length) {
        for (const s of shown) lines.push(`  ${s.at}: ${s.what}: ${reason}`)
      } else {
        lines.push(`  ${plural(items.length, 'record')}: ${reason}`)
        for (const s of shown) lines.push(`    ${s.at}: ${s.what}`)
      }
      if (items.length > shown.length) lines.push(`    … and ${items.length - shown.length} more`)
    }
  }
  if (result.dryRun) lines.push('(dry run: nothing written)')
  return `${lines.join('\n')}\n`
}
