import type { Command } from './command.ts'

// Commands load on demand: `dramalog --help` should not pay for sharp, SQLite and the views.
const COMMANDS: { name: string; summary: string; load: () => Promise<Command> }[] = [
  { name: 'serve', summary: 'run the web server (loads the demo on first start)', load: async () => (await import('./serve.ts')).serveCommand },
  { name: 'import', summary: 'import files or folders (.txt, .md, .json, WordPress .xml, Letterboxd .zip)', load: async () => (await import('./import.ts')).importCommand },
  { name: 'export', summary: 'export reviews as JSON or Markdown, a backup or a redirect map', load: async () => (await import('./export.ts')).exportCommand },
  { name: 'build', summary: 'write the public site as static files (incremental)', load: async () => (await import('./build.ts')).buildCommand },
  { name: 'user', summary: 'add and list accounts, change passwords', load: async () => (await import('./user.ts')).userCommand },
  { name: 'backup', summary: 'write the whole site (data and media) to one archive', load: async () => (await import('./backup.ts')).backupCommand },
  { name: 'restore', summary: 'restore a backup archive into an empty site', load: async () => (await import('./backup.ts')).restoreCommand },
  { name: 'migrate-db', summary: 'copy the site into an empty PostgreSQL database', load: async () => (await import('./migrate-db.ts')).migrateDbCommand },
  { name: 'follow', summary: 'follow a fediverse account from the site', load: async () => (await import('./follow.ts')).followCommand },
  { name: 'demo', summary: 'load the demo reviews (with generated posters)', load: async () => (await import('./demo.ts')).demoCommand },
]

const HELP = `Dramalog: a self-hosted home for TV drama reviews.

Usage: dramalog COMMAND [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Run "dramalog COMMAND --help" for a command's options.
Environment: PORT, DRAMALOG_DATA_DIR (default ./data), DATABASE_URL (postgres://…),\nDRAMALOG_MEDIA_DIR, DRAMALOG_BASE_URL.`

/** Entry point of the `dramalog` executable. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${HELP}\n`)
    return name ? 0 : 2
  }
  const entry = COMMANDS.find((c) => c.name === name)
  if (!entry) {
    process.stderr.write(`dramalog: unknown command "${name}"\n\n${HELP}\n`)
    return 2
  }
  const { runCommand } = await import('./command.ts')
  return runCommand(await entry.load(), rest)
}
