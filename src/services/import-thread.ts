// The code a worker thread of an import runs (see import-threads.ts). One thread scans a WordPress
// export (the second pass of `scanWxr`) and reads its posts, alone or with the pool's other
// threads' help; every thread reads the posts it is sent. A review read here comes with its
// Markdown rendered, its search text worked out and its document as JSON.
import { createReadStream } from 'node:fs'
import { parentPort, type MessagePort } from 'node:worker_threads'
import { scanWxrPosts, WxrPostReader, type WxrAttachment, type WxrContext, type WxrPost } from '../formats/wxr.ts'
import { indexedText } from '../store/search.ts'
import type { ReaderJob, ReaderReply, ReadItem, ScanJob, ThreadMessage } from './import-threads.ts'
import { renderReviewHtml } from './render-review.ts'

/** Posts read as one job, and sent on as one message. */
const BATCH = 8
/** Messages a scan may send ahead of the main thread taking them (each a batch of posts): what its memory holds at most. */
const WINDOW = 64
/** Jobs a helper thread may hold at once before the scanning thread reads a batch itself. */
const HELPER_QUEUE = 2

// The readers of the exports this thread has been sent posts of, by the key of their context.
const readers = new Map<number, WxrPostReader>()
// The scans running in this thread, by job id.
const scans = new Map<number, Scan>()

/** Reads posts: their items in order, each review with its Markdown, search text and JSON. */
function readPosts(reader: WxrPostReader, posts: readonly WxrPost[]): ReadItem[] {
  const out: ReadItem[] = []
  for (const post of posts) {
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

function failure(err: unknown): { message: string; stack: string } {
  return err instanceof Error ? { message: err.message, stack: err.stack ?? '' } : { message: String(err), stack: '' }
}

/** Answers a job of posts to read, on the port it came from. */
function answer(port: MessagePort, job: ReaderJob): void {
  let reply: ReaderReply
  try {
    if (job.context) readers.set(job.contextKey, new WxrPostReader(job.context))
    const reader = readers.get(job.contextKey)
    if (!reader) throw new Error(`job ${job.id} names a context this thread was not sent`)
    reply = { id: job.id, items: readPosts(reader, job.posts) }
  } catch (err) {
    // A reader throws only on a bug: the import stops with it, and says which thread's job it was.
    reply = { id: job.id, error: failure(err) }
  }
  port.postMessage(reply)
}

/** A thread that reads posts for a scan, reached through a port of its own. */
type Helper = { port: MessagePort; jobs: Map<number, { resolve: (items: ReadItem[]) => void; reject: (err: Error) => void }>; contexts: Set<WxrContext> }

/**
 * One export being scanned here. Its items go to the main thread in file order, a batch at a
 * time, never more than `WINDOW` batches ahead of what the main thread has taken (`credit`). Posts
 * naming a featured image wait for the attachments, which the main thread finds meanwhile.
 */
class Scan {
  private credit = WINDOW
  private cancelled = false
  private wake: (() => void) | null = null
  private attachmentsKnown!: (attachments: ReadonlyMap<string, WxrAttachment>) => void
  private readonly attachments = new Promise<ReadonlyMap<string, WxrAttachment>>((resolve) => (this.attachmentsKnown = resolve))
  private readonly helpers: Helper[]
  private nextJob = 1

  constructor(private readonly job: ScanJob) {
    this.helpers = job.helpers.map((port) => {
      const helper: Helper = { port, jobs: new Map(), contexts: new Set() }
      port.on('message', (reply: ReaderReply) => {
        const waiting = helper.jobs.get(reply.id)
        helper.jobs.delete(reply.id)
        if ('items' in reply) waiting?.resolve(reply.items)
        else waiting?.reject(Object.assign(new Error(reply.error.message), { stack: reply.error.stack }))
      })
      return helper
    })
  }

  onMessage(message: ThreadMessage): void {
    if (message.kind === 'attachments') this.attachmentsKnown(message.attachments)
    else if (message.kind === 'credit') {
      this.credit++
      this.signal()
    } else if (message.kind === 'cancel') {
      this.cancelled = true
      this.attachmentsKnown(new Map())
      this.signal()
    }
  }

  async run(): Promise<void> {
    const { id, file, label, settings, totalBytes } = this.job
    let reader: WxrPostReader | null = null
    // What is read or being read, in file order: items ready, or a helper's answer to come.
    const order: (ReadItem[] | Promise<ReadItem[]>)[] = []
    let waiting: ReadItem[] = []
    let batch: WxrPost[] = []
    let context: WxrContext | null = null
    const dispatch = async () => {
      const posts = batch
      batch = []
      if (posts.some((p) => p.featured)) {
        const attachments = await this.attachments
        for (const p of posts) if (p.featured) p.featured = { id: p.featured.id, attachment: attachments.get(p.featured.id) ?? null }
      }
      const helper = this.helpers.filter((h) => h.jobs.size < HELPER_QUEUE).sort((a, b) => a.jobs.size - b.jobs.size)[0]
      if (helper) {
        const answer = this.send(helper, context!, posts)
        // Awaited in order by `flush`; one failing behind another that failed first is not news.
        answer.catch(() => {})
        order.push(answer)
      } else order.push(readPosts((reader = reader?.context === context ? reader : new WxrPostReader(context!)), posts))
    }
    // Sends what is ready, a message per batch of posts; keeps `keep` entries of `order` back.
    const flush = async (keep: number) => {
      while (order.length > keep && !this.cancelled) {
        const items = await order.shift()!
        waiting.push(...items)
        // Progress and warnings wait to go with the next batch's posts.
        if (!items.some((i) => i.kind === 'review' || i.kind === 'skipped' || i.kind === 'issue')) continue
        await this.post(waiting)
        waiting = []
      }
    }
    const open = () => createReadStream(file)
    for await (const unit of scanWxrPosts(open, label, settings, { attachments: null, before: totalBytes, total: totalBytes * 2 })) {
      if (this.cancelled) return
      if (unit.kind === 'posts') {
        if (batch.length && unit.context !== context) await dispatch()
        context = unit.context
        for (const post of unit.posts) {
          batch.push(post)
          if (batch.length >= BATCH) await dispatch()
        }
      } else {
        if (batch.length) await dispatch()
        order.push([unit])
      }
      // Helpers' answers are awaited a few batches behind, so every helper keeps working.
      await flush(this.helpers.length * HELPER_QUEUE)
    }
    if (batch.length) await dispatch()
    await flush(0)
    if (!this.cancelled) parentPort!.postMessage({ id, items: waiting, last: true } satisfies ReaderReply)
  }

  /** Ends the scan's ports to its helpers. */
  close(): void {
    for (const helper of this.helpers) helper.port.close()
  }

  private send(helper: Helper, context: WxrContext, posts: WxrPost[]): Promise<ReadItem[]> {
    const id = this.nextJob++
    // The context goes to each helper once; later jobs name it by the scan's id.
    const job: ReaderJob = { kind: 'read', id, contextKey: this.job.id, context: helper.contexts.has(context) ? null : context, posts }
    helper.contexts.add(context)
    return new Promise<ReadItem[]>((resolve, reject) => {
      helper.jobs.set(id, { resolve, reject })
      helper.port.postMessage(job)
    })
  }

  /** Sends a message of items once the main thread has room for it (the scan's last goes without waiting). */
  private async post(items: ReadItem[]): Promise<void> {
    while (this.credit <= 0 && !this.cancelled) await new Promise<void>((resolve) => (this.wake = resolve))
    if (this.cancelled) return
    this.credit--
    parentPort!.postMessage({ id: this.job.id, items } satisfies ReaderReply)
  }

  private signal(): void {
    const wake = this.wake
    this.wake = null
    wake?.()
  }
}

parentPort!.on('message', (message: ThreadMessage) => {
  if (message.kind === 'helper') message.port.on('message', (job: ReaderJob) => answer(message.port, job))
  else if (message.kind === 'scan') {
    const scan = new Scan(message)
    scans.set(message.id, scan)
    scan.run().then(
      () => {},
      (err: unknown) => parentPort!.postMessage({ id: message.id, error: failure(err) } satisfies ReaderReply),
    ).finally(() => {
      scan.close()
      scans.delete(message.id)
    })
  } else scans.get(message.id)?.onMessage(message)
})
