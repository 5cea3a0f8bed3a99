// Work folders of long commands (`.import-PID-…`, `.restore-PID-…` in the data folder) hold
// staged media and spool files until the command finishes, and are removed when it does. A
// process that is killed cannot remove its own; the next command of the same kind does.
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'

/** True while a process with this id runs (on this machine); a process of another user counts as running. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The name of a new work folder in `dataDir`: `.KIND-PID-UNIQUE`. */
export function workFolderName(kind: string, unique: string): string {
  return `.${kind}-${process.pid}-${unique}`
}

/**
 * Removes the work folders of `kind` left in `dataDir` by processes that no longer run (killed,
 * or the machine stopped). Folders of running processes, this one among them, stay.
 */
export async function removeAbandonedWorkFolders(dataDir: string, kind: string): Promise<string[]> {
  const names = await readdir(dataDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[]
    throw err
  })
  const removed: string[] = []
  for (const name of names) {
    const m = new RegExp(`^\\.${kind}-(\\d+)-`).exec(name)
    if (!m || isRunning(Number(m[1]))) continue
    await rm(join(dataDir, name), { recursive: true, force: true })
    removed.push(name)
  }
  return removed
}
