import { parentPort, workerData } from 'node:worker_threads'
import { openSite } from '../services/site.ts'
import { OutputDir } from './output.ts'
import { PageRenderer } from './render.ts'
import type { WorkerInit, WorkerReply, WorkerTask } from './workers.ts'

// One worker thread of the static build: opens the site itself, renders the batches of jobs it is
// sent with the same renderer as the main thread, writes the files and says what it wrote.
const init = workerData as WorkerInit
const site = await openSite({ dataDir: init.dataDir, databaseUrl: init.databaseUrl, baseUrl: init.baseUrl })
const renderer = new PageRenderer(site, init.lists, init.options)
const out = new OutputDir(init.outDir)
const port = parentPort!

port.on('message', async (task: WorkerTask) => {
  if (task.type === 'close') {
    await site.close()
    port.close()
    return
  }
  try {
    const pages = await renderer.render(task.jobs.map((j) => j.job))
    const results = pages.map((p, i) => ({ ...out.write(task.jobs[i]!.file, p.body, task.jobs[i]!.previous), bytes: p.body.length }))
    port.postMessage({ type: 'done', batch: task.batch, results } satisfies WorkerReply)
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err))
    port.postMessage({ type: 'failed', batch: task.batch, message: e.message, stack: e.stack ?? '' } satisfies WorkerReply)
  }
})
port.postMessage({ type: 'ready' } satisfies WorkerReply)
