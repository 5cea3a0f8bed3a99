import { parseArgs, type ParseArgsConfig } from 'node:util'
import { DramalogError, formatIssue, InvalidInputError } from '../domain/errors.ts'
import { displayPath } from '../services/import-files.ts'

/** A CLI command: one per file, each parsing its own options. */
export type Command = {
  name: string
  usage: string
  options: NonNullable<ParseArgsConfig['options']>
  run(args: { values: Record<string, string | boolean | undefined>; positionals: string[] }): Promise<number>
}

/** Thrown for wrong command-line usage: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError' as const
}

/** Parses arguments and runs a command, turning known errors into messages and exit codes. */
export async function runCommand(command: Command, argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true })
  } catch (err) {
    process.stderr.write(`dramalog ${command.name}: ${(err as Error).message}\n\n${command.usage}\n`)
    return 2
  }
  if (parsed.values.help) {
    process.stdout.write(`${command.usage}\n`)
    return 0
  }
  try {
    return await command.run(parsed as never)
  } catch (err) {
    if (err instanceof InvalidInputError) {
      for (const issue of err.issues) {
        // Problems in command-line input have no file or line: print just the field.
        const line = issue.file ? formatIssue({ ...issue, file: displayPath(issue.file) }) : `${issue.field}: ${issue.message}`
        process.stderr.write(`${line}\n`)
      }
      const files = new Set(err.issues.flatMap((i) => (i.file ? [i.file] : []))).size
      const where = files ? ` in ${files} file${files === 1 ? '' : 's'}` : ''
      process.stderr.write(`${err.issues.length} problem${err.issues.length === 1 ? '' : 's'}${where}; nothing was written.\n`)
      return 1
    }
    if (err instanceof UsageError) {
      process.stderr.write(`dramalog ${command.name}: ${err.message}\n\n${command.usage}\n`)
      return 2
    }
    if (err instanceof DramalogError) {
      process.stderr.write(`dramalog ${command.name}: ${err.message}\n`)
      return 1
    }
    throw err
  }
}
