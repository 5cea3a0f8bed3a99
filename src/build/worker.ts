import { parentPort, workerData } from 'node:worker_threads'
import { openSite } from '../services/site.ts'
import { OutputDir } from './output.ts'
import { PageRenderer } from './render.ts'
import type { WorkerReply, WorkerSite, WorkerTask } from './workers.ts'

// One worker thread of the static build: opens the site itself as soon as it starts (while the
// main thread reads what to build), then renders the batches of jobs it is sent with the same
// renderer as the main thread, writes the files and says what it wrote.
const where = workerData as WorkerSite
const site = await openSite({ dataDir: where.dataDir, databaseUrl: where.databaseUrl, mediaDir: where.mediaDir ?? null, baseUrl: where.baseUrl })
const port = parentPort!
let renderer: PageRenderer | null = null
let out: OutputDir | null = null

port.on('message', async (task: WorkerTask) => {
  if (task.type === 'close') {
    await site.close()
    port.close()
    return
  }
  if (task.type === 'init') {
    renderer = new PageRenderer(site, task.lists, task.options)
    out = new OutputDir(task.outDir)
    return
  }
  try {
    if (!renderer || !out) throw new Error('a build worker was sent pages before the site')
    const pages = await renderer.render(task.jobs.map((j) => j.job))
    const results = pages.map((p, i) => ({ ...out!.write(task.jobs[i]!.file, p.body, task.jobs[i]!.previous), bytes: p.body.length }))
    port.postMessage({ type: 'done', batch: task.batch, results } satisfies WorkerReply)
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err))
    port.postMessage({ type: 'failed', batch: task.batch, message: e.message, stack: e.stack ?? '' } satisfies WorkerReply)
  }
})
port.postMessage({ type: 'ready' } satisfies WorkerReply)
