import { Worker } from 'node:worker_threads'
import type { SiteLists } from '../services/site-lists.ts'
import type { PageJob } from './jobs.ts'
import type { RenderOptions } from './render.ts'

/** Where a worker finds the site: it opens it as soon as it starts. */
export type WorkerSite = { dataDir: string; databaseUrl: string | null; mediaDir?: string | null; baseUrl: string | null }

/** One job as sent to a worker: the job, the file it goes to, and the hash the manifest has of that file. */
export type JobTask = { job: PageJob; file: string; previous: string | undefined }
export type JobResult = { hash: string; written: boolean; bytes: number }

export type WorkerTask =
  | { type: 'init'; lists: SiteLists; options: RenderOptions; outDir: string }
  | { type: 'render'; batch: number; jobs: JobTask[] }
  | { type: 'close' }
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'done'; batch: number; results: JobResult[] }
  | { type: 'failed'; batch: number; message: string; stack: string }

/**
 * Worker threads that render and write batches of jobs. They are started early, so loading the
 * program and opening the site overlap with the main thread's reading; `init` then gives them the
 * site's lists. Batches go to whichever worker is free, so a worker that drew slow pages does not
 * hold the others up. A failure in any batch fails the run, and every worker is stopped before the
 * error is thrown.
 */
export class RenderPool {
  private readonly ready: Promise<void>

  constructor(count: number, where: WorkerSite) {
    // Rendering makes many short-lived strings: a larger young generation collects them for less.
    const options = { workerData: where, resourceLimits: { maxYoungGenerationSizeMb: 64 } }
    this.workers = Array.from({ length: count }, () => new Worker(new URL('./worker-entry.mjs', import.meta.url), options))
    for (const w of this.workers) w.once('exit', () => this.exited.add(w))
    this.ready = this.whenReady()
    // Failing to start is reported by `init`; until then the rejection is expected to wait.
    this.ready.catch(() => {})
  }

  private readonly workers: Worker[]
  private readonly exited = new Set<Worker>()

  /** Hands every worker the lists and render options, once they have started. */
  async init(lists: SiteLists, options: RenderOptions, outDir: string): Promise<void> {
    try {
      await this.ready
    } catch (err) {
      await this.terminate()
      throw err
    }
    for (const w of this.workers) w.postMessage({ type: 'init', lists, options, outDir } satisfies WorkerTask)
  }

  private async whenReady(): Promise<void> {
    const { workers } = this
    await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              const onMessage = (m: WorkerReply) => {
                if (m.type !== 'ready') return
                w.off('error', reject)
                w.off('message', onMessage)
                resolve()
              }
              w.on('message', onMessage)
              w.once('error', reject)
              w.once('exit', (code) => reject(new Error(`a build worker stopped before it was ready (exit ${code})`)))
            }),
        ),
      )
  }

  /** Renders every batch; `onDone` hears each batch's results as it finishes. */
  async run(batches: JobTask[][], onDone: (batch: JobTask[], results: JobResult[]) => void): Promise<void> {
    let next = 0
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= batches.length) {
                cleanup()
                resolve()
                return
              }
              const batch = next++
              w.postMessage({ type: 'render', batch, jobs: batches[batch]! } satisfies WorkerTask)
            }
            const onMessage = (m: WorkerReply) => {
              if (m.type === 'done') {
                onDone(batches[m.batch]!, m.results)
                send()
              } else if (m.type === 'failed') {
                cleanup()
                const err = new Error(`rendering ${batches[m.batch]![0]?.job.path ?? 'a page'} and the pages after it failed: ${m.message}`)
                err.stack = m.stack
                reject(err)
              }
            }
            const onError = (err: Error) => {
              cleanup()
              reject(err)
            }
            const onExit = (code: number) => {
              cleanup()
              reject(new Error(`a build worker stopped (exit ${code})`))
            }
            const cleanup = () => {
              w.off('message', onMessage)
              w.off('error', onError)
              w.off('exit', onExit)
            }
            w.on('message', onMessage)
            w.on('error', onError)
            w.on('exit', onExit)
            send()
          }),
      ),
    ).catch(async (err: unknown) => {
      await this.terminate()
      throw err
    })
  }

  /** Lets every worker close its database and end (those still running). */
  async close(): Promise<void> {
    await Promise.all(
      this.workers
        .filter((w) => !this.exited.has(w))
        .map(
          (w) =>
            new Promise<void>((resolve) => {
              w.once('exit', () => resolve())
              w.postMessage({ type: 'close' } satisfies WorkerTask)
            }),
        ),
    )
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
  }
}
