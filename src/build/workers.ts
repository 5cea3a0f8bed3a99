import { Worker } from 'node:worker_threads'
import type { SiteLists } from '../services/site-lists.ts'
import type { PageJob } from './jobs.ts'
import type { RenderOptions } from './render.ts'

/** What a worker needs to render like the main thread: where the site is, its lists, how to render. */
export type WorkerInit = {
  dataDir: string
  databaseUrl: string | null
  baseUrl: string | null
  lists: SiteLists
  options: RenderOptions
  outDir: string
}

/** One job as sent to a worker: the job, the file it goes to, and the hash the manifest has of that file. */
export type JobTask = { job: PageJob; file: string; previous: string | undefined }
export type JobResult = { hash: string; written: boolean; bytes: number }

export type WorkerTask = { type: 'render'; batch: number; jobs: JobTask[] } | { type: 'close' }
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'done'; batch: number; results: JobResult[] }
  | { type: 'failed'; batch: number; message: string; stack: string }

/**
 * Worker threads that render and write batches of jobs. Batches go to whichever worker is free,
 * so a worker that drew slow pages does not hold the others up. A failure in any batch fails the
 * run, and every worker is stopped before the error is thrown.
 */
export class RenderPool {
  private constructor(private readonly workers: Worker[]) {}

  static async start(count: number, init: WorkerInit): Promise<RenderPool> {
    // Rendering makes many short-lived strings: a larger young generation collects them for less.
    const options = { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: 64 } }
    const workers = Array.from({ length: count }, () => new Worker(new URL('./worker-entry.mjs', import.meta.url), options))
    const pool = new RenderPool(workers)
    try {
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
    } catch (err) {
      await pool.terminate()
      throw err
    }
    return pool
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

  /** Lets every worker close its database and end. */
  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(
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
