// Worker threads for the CPU-heavy part of an import: reading each post of a WordPress export (its
// HTML, the house format, the document's checks) and rendering its Markdown. The main thread
// streams the file and saves to the database meanwhile; the threads only compute, so every write
// stays in the import's one transaction.
import { Worker } from 'node:worker_threads'
import type { ImportedReview, ImportItem } from '../formats/import-batch.ts'
import type { WxrContext, WxrPost } from '../formats/wxr.ts'
import type { IndexedText } from '../store/search.ts'
import type { ReviewHtml } from './render-review.ts'

/**
 * A reader's item. A review read in a thread comes with its Markdown rendered, the text part of its
 * search index entry worked out and its document as JSON, which the transaction would otherwise
 * spend its time on.
 */
export type ReadItem =
  | Exclude<ImportItem, { kind: 'review' }>
  | { kind: 'review'; review: ImportedReview; html?: ReviewHtml; indexedText?: IndexedText; docJson?: string }

/** One message to a thread: posts of one export, and what reading them needs (null when the thread has it already). */
export type ReaderJob = { id: number; contextKey: number; context: WxrContext | null; posts: WxrPost[] }
/** A thread's answer to a job. */
export type ReaderReply = { id: number; items: ReadItem[] } | { id: number; error: { message: string; stack: string } }

/** Thrown (through the import) when a reader thread fails: a bug, never bad input, which comes back as issues. */
export class ReaderThreadError extends Error {
  override name = 'ReaderThreadError' as const
}

type Job = { resolve: (items: ReadItem[]) => void; reject: (err: Error) => void }
type Thread = { worker: Worker; jobs: Map<number, Job>; contexts: Set<number> }

// Loads import-thread.ts as the command line loads its program (see bin/program.mjs).
const ENTRY = new URL('./import-thread-entry.mjs', import.meta.url)

let running = 0

/** How many reader threads exist in this process: 0 whenever no import is running. */
export function runningReaderThreads(): number {
  return running
}

/**
 * A fixed number of reader threads, started on the first job. Jobs go to the thread with the
 * fewest waiting; their results come back as promises, so the caller keeps its own order. After
 * a thread fails, every waiting and later job is refused with that failure. `close` ends every
 * thread; an idle thread does not keep the process alive in any case.
 */
export class ReaderThreads {
  private threads: Thread[] = []
  private failure: Error | null = null
  private nextId = 1
  private readonly contextKeys = new WeakMap<WxrContext, number>()
  private closed = false

  /** Whether inputs below a few MB are read on the main thread all the same (starting threads would take longer). */
  readonly largeInputsOnly: boolean

  constructor(readonly size: number, options: { largeInputsOnly?: boolean } = {}) {
    this.largeInputsOnly = options.largeInputsOnly ?? true
    if (!(size >= 1)) throw new RangeError(`a reader pool needs at least one thread, not ${size}`)
  }

  /** Starts the threads ahead of their first job: loading their code takes a while. */
  warm(): void {
    if (!this.threads.length && !this.closed && !this.failure) this.threads = Array.from({ length: this.size }, () => this.start())
  }

  /** Reads posts of one export in a thread: their items in order, reviews with their Markdown rendered. */
  readWxrPosts(context: WxrContext, posts: WxrPost[]): Promise<ReadItem[]> {
    if (this.failure) return Promise.reject(this.failure)
    if (this.closed) return Promise.reject(new ReaderThreadError('the reader threads are closed'))
    this.warm()
    let contextKey = this.contextKeys.get(context)
    if (contextKey === undefined) this.contextKeys.set(context, (contextKey = this.nextId++))
    const thread = this.threads.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a))
    const id = this.nextId++
    // The context goes to each thread once; later jobs name it by its key.
    const job: ReaderJob = { id, contextKey, context: thread.contexts.has(contextKey) ? null : context, posts }
    thread.contexts.add(contextKey)
    return new Promise<ReadItem[]>((resolve, reject) => {
      thread.jobs.set(id, { resolve, reject })
      thread.worker.ref()
      thread.worker.postMessage(job)
    })
  }

  /** Ends every thread, refusing jobs still waiting. */
  async close(): Promise<void> {
    this.closed = true
    const threads = this.threads
    this.threads = []
    this.fail(new ReaderThreadError('the reader threads were closed before their jobs were done'), threads)
    await Promise.all(threads.map((t) => t.worker.terminate()))
  }

  private start(): Thread {
    // Reading a post makes many short-lived strings and DOM nodes: a larger young generation
    // collects them for less (as the build's render threads do).
    const worker = new Worker(ENTRY, { resourceLimits: { maxYoungGenerationSizeMb: 64 } })
    const thread: Thread = { worker, jobs: new Map(), contexts: new Set() }
    running++
    thread.worker.unref()
    thread.worker.on('message', (reply: ReaderReply) => {
      const job = thread.jobs.get(reply.id)
      if (!job) return
      thread.jobs.delete(reply.id)
      if (!thread.jobs.size) thread.worker.unref()
      if ('items' in reply) job.resolve(reply.items)
      else {
        const err = new ReaderThreadError(`a reader thread failed: ${reply.error.message}`)
        err.stack = `${err.name}: ${err.message}\n--- in the thread ---\n${reply.error.stack}`
        job.reject(err)
      }
    })
    thread.worker.on('error', (err) => {
      this.fail(new ReaderThreadError(`a reader thread stopped: ${err.message}`, { cause: err }), this.threads)
    })
    thread.worker.on('exit', (code) => {
      running--
      if (!this.closed) this.fail(new ReaderThreadError(`a reader thread exited (code ${code})`), this.threads)
    })
    return thread
  }

  private fail(err: Error, threads: readonly Thread[]): void {
    if (!this.closed) this.failure ??= err
    for (const thread of threads) {
      for (const job of thread.jobs.values()) job.reject(this.failure ?? err)
      thread.jobs.clear()
      thread.worker.unref()
    }
  }
}
