// A WordPress export scanned and read in a reader thread (ReaderThreads.readWxrFile), without a
// site: how far ahead the thread reads, and what cancelling leaves.
import { createReadStream, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS } from '../domain/settings.ts'
import type { ImportItem } from '../formats/import-batch.ts'
import { readWxr, scanWxrAttachments } from '../formats/wxr.ts'
import { tempDataDir } from '../../test/helpers/server.ts'
import { writeExport, WXR_FIXTURE } from '../../test/helpers/wxr-export.ts'
import { ReaderThreads } from './import-threads.ts'

let data: ReturnType<typeof tempDataDir>
beforeEach(() => {
  data = tempDataDir()
})
afterEach(() => data.remove())

/** How far into `file` this process has read it (its open descriptor's offset), or null once no descriptor has it open. */
function readOffset(file: string): number | null {
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`)
    } catch {
      continue // closed since it was listed
    }
    if (target !== file) continue
    const pos = /^pos:\s*(\d+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))
    if (pos) return Number(pos[1])
  }
  return null
}

/** Waits until the offset has not moved for a second (null: the file was closed). */
async function settledOffset(file: string): Promise<number | null> {
  let last = readOffset(file)
  for (let still = 0; still < 10; ) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    const now = readOffset(file)
    still = now === last ? still + 1 : 0
    last = now
  }
  return last
}

async function collect(reader: AsyncIterable<ImportItem>): Promise<ImportItem[]> {
  const items: ImportItem[] = []
  for await (const item of reader) items.push(item)
  return items
}

describe('an export scanned in a reader thread', () => {
  it('reads no further ahead than the main thread takes, and goes on as it takes more', async () => {
    const file = writeExport(join(data.dir, 'large.xml'), 4_000)
    const size = statSync(file).size
    const threads = new ReaderThreads(1)
    try {
      const read = threads.readWxrFile(file, DEFAULT_SETTINGS, { label: file, totalBytes: size })
      read.attachments(new Map())
      const items = read.items()
      expect((await items.next()).done).toBe(false)
      // Taking nothing more, the thread stops a window of batches ahead with the file still open.
      const first = await settledOffset(file)
      expect(first).not.toBeNull()
      expect(first!).toBeLessThan(size / 4)
      // Taking more, it reads on, and stops again ahead of what was taken.
      // (Taken one by one: leaving a for-await loop would cancel the scan.)
      for (let reviews = 0; reviews < 1_000; ) {
        const next = await items.next()
        expect(next.done).toBe(false)
        if (next.value!.kind === 'review') reviews++
      }
      const second = await settledOffset(file)
      expect(second).not.toBeNull()
      expect(second!).toBeGreaterThan(first!)
      expect(second!).toBeLessThan(size / 2)
    } finally {
      await threads.close()
    }
  })

  it('stops reading the file when its items are no longer wanted, and the threads read the next one', async () => {
    const file = writeExport(join(data.dir, 'large.xml'), 4_000)
    const threads = new ReaderThreads(2)
    try {
      const read = threads.readWxrFile(file, DEFAULT_SETTINGS, { label: file, totalBytes: statSync(file).size })
      read.attachments(new Map())
      for await (const item of read.items()) if (item.kind === 'review') break
      expect(await settledOffset(file)).toBeNull()
      // The fixture's posts name featured images: they wait for the attachments the first pass finds.
      const again = threads.readWxrFile(WXR_FIXTURE, DEFAULT_SETTINGS, { label: WXR_FIXTURE, totalBytes: statSync(WXR_FIXTURE).size })
      const pass = scanWxrAttachments(() => createReadStream(WXR_FIXTURE), WXR_FIXTURE)
      let step = await pass.next()
      while (!step.done) step = await pass.next()
      again.attachments(step.value!.attachments)
      const items: ImportItem[] = []
      for await (const item of again.items()) items.push(item)
      const alone = await collect(readWxr(() => createReadStream(WXR_FIXTURE), WXR_FIXTURE, DEFAULT_SETTINGS))
      const plain = (list: ImportItem[]) => list.filter((i) => i.kind !== 'progress' && i.kind !== 'self-contained')
        .map((i) => (i.kind === 'review' ? { kind: i.kind, review: i.review } : i))
      expect(plain(items)).toEqual(plain(alone))
      expect(items.filter((i) => i.kind === 'review' && i.review.poster)).toHaveLength(2)
    } finally {
      await threads.close()
    }
  })
})
