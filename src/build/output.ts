import { createHash } from 'node:crypto'
import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync, readdirSync, rmdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { threadId } from 'node:worker_threads'

/** The content hash the manifest keeps of every file written. */
export const contentHash = (body: string | Uint8Array): string => createHash('sha1').update(body).digest('base64url')

/**
 * The output folder of a build. A file is written only when its content differs from what the
 * last build wrote there, and always whole: to a temporary name beside it, then renamed over the
 * old one, so a reader (or a build that is killed) never sees half a page.
 */
export class OutputDir {
  private readonly dirs = new Set<string>()

  constructor(readonly root: string) {}

  /** Writes `rel` unless it already holds `body` (`previous` is the hash the manifest has of it). */
  write(rel: string, body: string | Uint8Array, previous: string | undefined): { hash: string; written: boolean } {
    const hash = contentHash(body)
    const file = join(this.root, rel)
    if (hash === previous && existsSync(file)) return { hash, written: false }
    const dir = dirname(file)
    if (!this.dirs.has(dir)) {
      mkdirSync(dir, { recursive: true })
      this.dirs.add(dir)
    }
    const temp = `${file}.${process.pid}-${threadId}.tmp`
    writeFileSync(temp, body)
    renameSync(temp, file)
    return { hash, written: true }
  }

  /** Removes a file a previous build wrote, and the folders it leaves empty. */
  remove(rel: string): void {
    const file = join(this.root, rel)
    rmSync(file, { force: true })
    let dir = dirname(file)
    while (dir.startsWith(this.root) && dir !== this.root && existsSync(dir) && readdirSync(dir).length === 0) {
      rmdirSync(dir)
      dir = dirname(dir)
    }
  }
}
