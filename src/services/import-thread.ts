// The code a worker thread of an import runs (see import-threads.ts): it reads the posts it is
// sent, renders the Markdown of the reviews among them, works out their search text and their
// documents' JSON, and sends the items back.
import { parentPort } from 'node:worker_threads'
import { WxrPostReader } from '../formats/wxr.ts'
import { indexedText } from '../store/search.ts'
import type { ReaderJob, ReaderReply, ReadItem } from './import-threads.ts'
import { renderReviewHtml } from './render-review.ts'

// The readers of the exports this thread has been sent, by the key of their context.
const readers = new Map<number, WxrPostReader>()

function run(job: ReaderJob): ReadItem[] {
  if (job.context) readers.set(job.contextKey, new WxrPostReader(job.context))
  const reader = readers.get(job.contextKey)
  if (!reader) throw new Error(`job ${job.id} names a context this thread was not sent`)
  const out: ReadItem[] = []
  for (const post of job.posts) {
    for (const item of reader.read(post)) {
      if (item.kind !== 'review') {
        out.push(item)
        continue
      }
      const { doc } = item.review
      const html = renderReviewHtml(doc)
      const sections = doc.sections.map((s, i) => ({ aspect: s.aspect, verdict: s.verdict, body_html: html.sectionHtml[i] ?? '', spoiler: s.spoiler ? 1 : 0 }))
      out.push({ ...item, html, indexedText: indexedText({ intro_html: html.introHtml, sections }), docJson: JSON.stringify(doc) })
    }
  }
  return out
}

parentPort!.on('message', (job: ReaderJob) => {
  let reply: ReaderReply
  try {
    reply = { id: job.id, items: run(job) }
  } catch (err) {
    // A reader throws only on a bug: the import stops with it, and says which thread's job it was.
    reply = { id: job.id, error: err instanceof Error ? { message: err.message, stack: err.stack ?? '' } : { message: String(err), stack: '' } }
  }
  parentPort!.postMessage(reply)
})
