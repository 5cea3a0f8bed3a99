import { relative } from 'node:path'
import { restoreBackup, writeBackup, type BackupSummary } from '../services/backup.ts'
import { type Command, UsageError } from './command.ts'
import { withSite } from './open.ts'
import { createProgress } from './progress.ts'

/** `dramalog-backup-YYYYMMDD-HHMMSS.zip`, in local time: the name a person looks for in a folder. */
export function defaultBackupName(now = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0')
  const date = `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}`
  const time = `${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`
  return `dramalog-backup-${date}-${time}.zip`
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let n = bytes / 1024
  let unit = 0
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024
    unit++
  }
  return `${n.toFixed(n < 10 ? 1 : 0)} ${units[unit]}`
}

const shown = (file: string) => {
  const rel = relative(process.cwd(), file)
  return rel && !rel.startsWith('..') ? rel : file
}

/** The summary lines: one per table, then the media. */
export function formatBackupSummary(summary: BackupSummary): string {
  const width = Math.max(5, ...summary.tables.map((t) => t.name.length))
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`
  const lines = summary.tables.map((t) => `  ${t.name.padEnd(width)}  ${count(t.rows, 'row')}`)
  lines.push(`  ${'media'.padEnd(width)}  ${count(summary.media.count, 'file')}, ${size(summary.media.bytes)}`)
  return `${lines.join('\n')}\n`
}

/** Writes a backup to `out` with progress on stderr and the summary on stdout (also used by `export --format backup`). */
export async function runBackup(out: string): Promise<number> {
  const progress = createProgress('Backing up')
  const summary = await withSite((site) => writeBackup(site, out, (d, t, detail) => progress.update(d, t, detail))).finally(() => progress.stop())
  process.stdout.write(`Backed up the site to ${shown(summary.file)} (${size(summary.bytes)}):\n${formatBackupSummary(summary)}`)
  return 0
}

export const backupCommand: Command = {
  name: 'backup',
  usage: `Usage: dramalog backup [--out FILE]

Writes the whole site to one ZIP archive: every review with its history, the
diary, comments, accounts (with their password hashes, not their sign-ins),
settings, and every media file. "dramalog restore FILE" takes it back into an
empty site. The server may keep running: the backup is one consistent moment.

  --out FILE   where to write it (default: dramalog-backup-YYYYMMDD-HHMMSS.zip
               in the current folder); an existing file is replaced only once
               the new archive is complete
  -h, --help   show this help`,
  options: { out: { type: 'string' } },
  async run({ values, positionals }) {
    if (positionals.length) throw new UsageError(`unexpected "${positionals.join(' ')}" (name the archive with --out FILE)`)
    const out = typeof values.out === 'string' ? values.out : defaultBackupName()
    if (!out) throw new UsageError('--out needs a file name')
    return runBackup(out)
  },
}

export const restoreCommand: Command = {
  name: 'restore',
  usage: `Usage: dramalog restore FILE

Restores a backup made by "dramalog backup" into an empty site (set
DRAMALOG_DATA_DIR to a new folder), all or nothing: the same reviews, history,
diary, comments, accounts, settings and media files. Everyone signs in again.

A site that already holds anything is refused. An archive that is not a
Dramalog backup, is damaged, or comes from a newer Dramalog is refused, with
every problem printed as ARCHIVE:ENTRY:LINE: field: reason; nothing is written.

  -h, --help   show this help`,
  options: {},
  async run({ positionals }) {
    if (positionals.length !== 1) throw new UsageError(positionals.length ? 'name one backup file' : 'name the backup file to restore')
    const archive = positionals[0]!
    const progress = createProgress('Restoring')
    const summary = await withSite((site) => restoreBackup(site, archive, (d, t, detail) => progress.update(d, t, detail))).finally(() => progress.stop())
    process.stdout.write(`Restored the backup of ${summary.createdAt} from ${shown(summary.file)}:\n${formatBackupSummary(summary)}`)
    return 0
  },
}
