import { copyFile, mkdir, readdir } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { writeJsonReviews } from '../formats/json.ts'
import { writeMarkdownReview } from '../formats/markdown.ts'
import { writeFileAtomic } from '../media/posters.ts'
import { listAllReviewRecords } from '../store/reviews.ts'
import type { Site } from './site.ts'

/** Every review document (drafts included, with their status) as a JSON array. */
export async function exportJson(site: Site): Promise<string> {
  const records = await listAllReviewRecords(site.db)
  return writeJsonReviews(records.map((r) => r.doc))
}

/**
 * Writes one `SLUG.md` per review into `outDir`, with the posters they use under `outDir/media/`,
 * so the folder imports back as the same site.
 */
export async function exportMarkdown(site: Site, outDir: string, onProgress?: (done: number, total: number) => void): Promise<number> {
  const records = await listAllReviewRecords(site.db)
  await mkdir(outDir, { recursive: true })
  for (const [i, record] of records.entries()) {
    await writeFileAtomic(join(outDir, `${record.doc.slug}.md`), writeMarkdownReview(record.doc))
    const src = record.doc.poster?.src
    if (src?.startsWith('/media/')) await copyMediaFamily(join(site.mediaDir, src.slice('/media/'.length)), join(outDir, src))
    onProgress?.(i + 1, records.length)
  }
  return records.length
}

/** Copies a media file and its resized variants (`name.wNNN.ext`). */
async function copyMediaFamily(from: string, to: string): Promise<void> {
  if (!existsSync(from)) return
  await mkdir(dirname(to), { recursive: true })
  const stem = basename(from).replace(/\.w\d+\.\w+$/, '')
  for (const name of await readdir(dirname(from))) {
    if (name === basename(from) || name.startsWith(`${stem}.w`)) await copyFile(join(dirname(from), name), join(dirname(to), name))
  }
}
