import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { threadId } from 'node:worker_threads'

const TEMP_SUFFIX = '.tmp'
const TEMP_FILE = /\.\d+-\d+\.tmp$/

/** The content hash the manifest keeps of every file written. */
export const contentHash = (body: Uint8Array): string => createHash('sha1').update(body).digest('base64url')

/**
 * The output folder of a build. A file is written only when its content differs from what the
 * last build wrote there. A file that replaces another is written whole under a temporary name and
 * renamed over it, so a reader (or a build that is killed) never sees half a page; a new file is
 * written in place (a build stopped half-way is followed by a full one, which writes it again).
 */
export class OutputDir {
  private readonly dirs = new Set<string>()

  constructor(readonly root: string) {}

  /** Writes `rel` unless it already holds `body` (`previous` is the hash the manifest has of it). */
  write(rel: string, text: string | Uint8Array, previous: string | undefined): { hash: string; written: boolean } {
    const body = typeof text === 'string' ? Buffer.from(text) : text
    const hash = contentHash(body)
    const file = join(this.root, rel)
    if (previous !== undefined && hash === previous && existsSync(file)) return { hash, written: false }
    this.ensureDir(dirname(file))
    if (previous === undefined) writeFileSync(file, body)
    else {
      const temp = `${file}.${process.pid}-${threadId}${TEMP_SUFFIX}`
      writeFileSync(temp, body)
      renameSync(temp, file)
    }
    return { hash, written: true }
  }

  /**
   * Removes the temporary files of a build that was killed between writing one and renaming it
   * (`NAME.PID-THREAD.tmp`): no build would ever replace or remove them, and they would be
   * published with the site. Returns the paths removed, below the output folder.
   */
  removeTempFiles(): string[] {
    const removed: string[] = []
    const walk = (dir: string) => {
      if (!existsSync(dir)) return
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) walk(path)
        else if (TEMP_FILE.test(entry.name)) {
          rmSync(path, { force: true })
          removed.push(relative(this.root, path))
        }
      }
    }
    walk(this.root)
    return removed
  }

  /** Creates a folder and its parents once per build; a folder whose parent is known is one call. */
  private ensureDir(dir: string): void {
    if (this.dirs.has(dir)) return
    const parent = dirname(dir)
    if (parent !== dir && !this.dirs.has(parent)) this.ensureDir(parent)
    try {
      mkdirSync(dir)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    this.dirs.add(dir)
  }

  /** Removes a file a previous build wrote, and the folders it leaves empty. */
  remove(rel: string): void {
    const file = join(this.root, rel)
    rmSync(file, { force: true })
    let dir = dirname(file)
    while (dir.startsWith(this.root) && dir !== this.root && existsSync(dir) && readdirSync(dir).length === 0) {
      rmdirSync(dir)
      this.dirs.delete(dir)
      dir = dirname(dir)
    }
  }
}
