import { type Command, runCommand } from './command.ts'
import { demoCommand } from './demo.ts'
import { exportCommand } from './export.ts'
import { importCommand } from './import.ts'
import { serveCommand } from './serve.ts'

const COMMANDS: Command[] = [serveCommand, importCommand, exportCommand, demoCommand]

const HELP = `Dramalog: a self-hosted home for TV drama reviews.

Usage: dramalog COMMAND [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`).join('\n')}

Run "dramalog COMMAND --help" for a command's options.
Environment: PORT, DRAMALOG_DATA_DIR (default ./data), DRAMALOG_BASE_URL.`

/** Entry point of the `dramalog` executable. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${HELP}\n`)
    return name ? 0 : 2
  }
  const command = COMMANDS.find((c) => c.name === name)
  if (!command) {
    process.stderr.write(`dramalog: unknown command "${name}"\n\n${HELP}\n`)
    return 2
  }
  return runCommand(command, rest)
}
