import { resolve } from 'node:path'
import { loadConfig } from '../config.ts'
import { copySite } from '../services/migrate-db.ts'
import { openSite } from '../services/site.ts'
import { type Command, UsageError } from './command.ts'
import { createProgress } from './progress.ts'

/** The address without its password, for messages. */
const shown = (url: string) => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:…@')

export const migrateDbCommand: Command = {
  name: 'migrate-db',
  usage: `Usage: dramalog migrate-db --to postgres://USER:PASSWORD@HOST:PORT/DATABASE [--media-dir DIR]

Copies the whole site (as DRAMALOG_DATA_DIR, or DATABASE_URL, name it) into an
empty PostgreSQL database: every table with its ids (accounts, sessions, the
review history, the diary, comments, settings), then rebuilds the search index
there and counts the rows of every table on both sides. The target database is
created by the database administrator and must be empty; the copy is one
transaction, so on any problem it holds nothing. Stop the server first, or
writes made during the copy stay behind.

Afterwards, start the servers with DATABASE_URL set to the same address.

  --to URL          the PostgreSQL database to copy into
  --media-dir DIR   also copy the media files into DIR (the shared folder that
                    DRAMALOG_MEDIA_DIR will name); by default they stay where
                    they are
  -h, --help        show this help`,
  options: { to: { type: 'string' }, 'media-dir': { type: 'string' } },
  async run({ values }) {
    const to = values.to
    if (typeof to !== 'string' || !/^postgres(ql)?:\/\//.test(to)) throw new UsageError('--to must be a postgres:// address')
    const config = loadConfig()
    if (config.databaseUrl === to) throw new UsageError('--to names the database the site is already in')
    const source = await openSite(config)
    try {
      const mediaDir = typeof values['media-dir'] === 'string' ? resolve(values['media-dir']) : source.mediaDir
      const target = await openSite({ ...config, databaseUrl: to, mediaDir })
      try {
        const progress = createProgress('Copying')
        const summary = await copySite(source, target, (d, t, detail) => progress.update(d, t, detail)).finally(() => progress.stop())
        const width = Math.max(...summary.tables.map((t) => t.name.length))
        const lines = [...summary.tables].sort((a, b) => (a.name < b.name ? -1 : 1)).map((t) => `  ${t.name.padEnd(width)}  ${String(t.source).padStart(7)} → ${String(t.target).padStart(7)}  ok`)
        const media = summary.media.copied ? `copied ${summary.media.count} media files to ${mediaDir}` : `${summary.media.count} media files stay in ${mediaDir}`
        process.stdout.write(
          `Copied the site into ${shown(to)}; rows per table (source → target):\n${lines.join('\n')}\n${media}.\n` +
            `Start the servers with DATABASE_URL=${shown(to)}${summary.media.copied ? ` and DRAMALOG_MEDIA_DIR=${mediaDir}` : ''}.\n`,
        )
        return 0
      } finally {
        await target.close()
      }
    } finally {
      await source.close()
    }
  },
}
