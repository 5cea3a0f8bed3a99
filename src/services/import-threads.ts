// Worker threads for the CPU-heavy part of an import: scanning a WordPress export and reading
// each post (its HTML, the house format, the document's checks), rendering its Markdown. The main
// thread looks for the export's attachments meanwhile, then saves to the database; the threads only
// compute, so every write stays in the import's one transaction.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads'
import type { ImportedReview, ImportItem } from '../formats/import-batch.ts'
import type { WxrAttachment, WxrContext, WxrPost } from '../formats/wxr.ts'
import type { SiteSettings } from '../domain/settings.ts'
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

/** Posts of one export to read, and what reading them needs (null when the thread has it already). */
export type ReaderJob = { kind: 'read'; id: number; contextKey: number; context: WxrContext | null; posts: WxrPost[] }
/** An export to scan and read; `helpers` are ports to other threads that read posts for it. */
export type ScanJob = { kind: 'scan'; id: number; file: string; label: string; settings: SiteSettings; totalBytes: number; helpers: MessagePort[] }
/** What a thread is sent by the main thread (posts to read come from a scanning thread, on a helper port). */
export type ThreadMessage =
  | ScanJob
  /** Another thread's port, on which it is sent posts to read. */
  | { kind: 'helper'; port: MessagePort }
  /** The export's attachments, which posts naming a featured image wait for. */
  | { kind: 'attachments'; id: number; attachments: Map<string, WxrAttachment> }
  /** The main thread took a message of the scan: it may send one more. */
  | { kind: 'credit'; id: number }
  /** The scan's items are no longer wanted. */
  | { kind: 'cancel'; id: number }
/** A thread's answer to a job: its items (a scan's come in several messages, the last one saying so), or why it failed. */
export type ReaderReply = { id: number; items: ReadItem[]; last?: boolean } | { id: number; error: { message: string; stack: string } }

/** Thrown (through the import) when a reader thread fails: a bug, never bad input, which comes back as issues. */
export class ReaderThreadError extends Error {
  override name = 'ReaderThreadError' as const
}

/** A job waiting for its thread: takes each message of items, and true once it has its last. */
type Job = { take: (items: ReadItem[], last: boolean) => boolean; reject: (err: Error) => void }
type Thread = { worker: Worker; jobs: Map<number, Job> }

// Loads import-thread.ts as the command line loads its program (see bin/program.mjs).
const ENTRY = new URL('./import-thread-entry.mjs', import.meta.url)

let running = 0

/** How many reader threads exist in this process: 0 whenever no import is running. */
export function runningReaderThreads(): number {
  return running
}

/**
 * An export being scanned and read in a thread (see `ReaderThreads.readWxrFile`): give it the
 * attachments once known, take its items in file order, and cancel it when they are no longer wanted.
 */
export type WxrFileRead = {
  attachments(attachments: Map<string, WxrAttachment>): void
  items(): AsyncGenerator<ReadItem, void, undefined>
  cancel(): void
}

/**
 * A fixed number of reader threads, started on the first job. After a thread fails, every
 * waiting and later job is refused with that failure. `close` ends every thread; an idle thread
 * does not keep the process alive in any case.
 */
export class ReaderThreads {
  private threads: Thread[] = []
  private failure: Error | null = null
  private nextId = 1
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

  /**
   * Scans a WordPress export in a thread (the second pass of `scanWxr`) and reads its posts there,
   * the pool's other threads helping: every item of the pass, reviews read and rendered, in file
   * order. It starts at once; posts naming a featured image wait for `attachments`.
   */
  readWxrFile(file: string, settings: SiteSettings, options: { label: string; totalBytes: number }): WxrFileRead {
    this.warm()
    const id = this.nextId++
    const queue: ReadItem[][] = []
    let done = false
    let failed: { err: Error } | null = this.failure ? { err: this.failure } : this.closed ? { err: new ReaderThreadError('the reader threads are closed') } : null
    let wake: (() => void) | null = null
    const signal = () => {
      const w = wake
      wake = null
      w?.()
    }
    const [scanner, ...others] = this.threads
    const post = (message: ThreadMessage, transfer: MessagePort[] = []) => {
      if (!failed && !done) scanner!.worker.postMessage(message, transfer)
    }
    if (!failed) {
      const helpers = others.map((other) => {
        const { port1, port2 } = new MessageChannel()
        other.worker.postMessage({ kind: 'helper', port: port2 } satisfies ThreadMessage, [port2])
        return port1
      })
      scanner!.jobs.set(id, {
        take(items, last) {
          queue.push(items)
          done = last
          signal()
          return last
        },
        reject(err) {
          failed ??= { err }
          signal()
        },
      })
      scanner!.worker.ref()
      post({ kind: 'scan', id, file, label: options.label, settings, totalBytes: options.totalBytes, helpers }, helpers)
    }
    const cancel = () => {
      post({ kind: 'cancel', id })
      failed ??= { err: new ReaderThreadError('the scan was cancelled') }
      done = true
      if (scanner?.jobs.delete(id) && !scanner.jobs.size) scanner.worker.unref()
    }
    return {
      attachments: (attachments) => post({ kind: 'attachments', id, attachments }),
      cancel,
      async *items() {
        try {
          for (;;) {
            const items = queue.shift()
            if (items) {
              if (!done) post({ kind: 'credit', id })
              yield* items
            } else if (failed) throw failed.err
            else if (done) return
            else await new Promise<void>((resolve) => (wake = resolve))
          }
        } finally {
          if (!done || queue.length) cancel()
        }
      },
    }
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
    const thread: Thread = { worker, jobs: new Map() }
    running++
    thread.worker.unref()
    thread.worker.on('message', (reply: ReaderReply) => {
      const job = thread.jobs.get(reply.id)
      if (!job) return
      const ended = 'items' in reply ? job.take(reply.items, !!reply.last) : true
      if (!('items' in reply)) {
        const err = new ReaderThreadError(`a reader thread failed: ${reply.error.message}`)
        err.stack = `${err.name}: ${err.message}\n--- in the thread ---\n${reply.error.stack}`
        job.reject(err)
      }
      if (ended) {
        thread.jobs.delete(reply.id)
        if (!thread.jobs.size) thread.worker.unref()
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
