// Started by the benchmark as its own process: the real Dramalog server and, in the same Node
// process, a plain static-file server over STATIC_DIR, the baseline. Prints both ports as JSON.
// The load generator runs in the parent, so it does not share this process's event loop.
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { relative } from 'node:path'
import { openSite } from '../src/services/site.ts'
import { startServer } from '../src/web/server.ts'

const [dataDir, staticDir] = process.argv.slice(2)
if (!dataDir || !staticDir) throw new Error('usage: serve-pair.ts DATA_DIR STATIC_DIR')
const site = await openSite({ dataDir, databaseUrl: null })
const { port } = await startServer(site, 0, '127.0.0.1')
const files = new Hono()
files.use('/*', serveStatic({ root: relative(process.cwd(), staticDir) }))
const staticServer = serve({ fetch: files.fetch, port: 0, hostname: '127.0.0.1' })
await new Promise((r) => staticServer.once('listening', r))
process.stdout.write(JSON.stringify({ port, staticPort: (staticServer.address() as { port: number }).port }) + '\n')
process.once('SIGTERM', () => process.exit(0))
