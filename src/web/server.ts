import { serve, type ServerType } from '@hono/node-server'
import type { Site } from '../services/site.ts'
import { createApp } from './app.tsx'

/**
 * How long a client may take, in milliseconds: to send a request's headers, and to send the whole
 * request (an import may upload 200 MB). A client trickling bytes to hold a connection open
 * ("slowloris") is answered 408 and cut off then; `checkEvery` is how often connections are looked at.
 */
export type ServerTimeouts = { headers: number; request: number; checkEvery: number }

export const SERVER_TIMEOUTS: ServerTimeouts = { headers: 20_000, request: 10 * 60_000, checkEvery: 1_000 }

/** Starts the HTTP server; resolves once it listens, with the port it got (useful with port 0). */
export function startServer(
  site: Site,
  port: number,
  hostname?: string,
  timeouts: Partial<ServerTimeouts> = {},
): Promise<{ port: number; server: ServerType }> {
  const app = createApp(site)
  const t = { ...SERVER_TIMEOUTS, ...timeouts }
  const serverOptions = { headersTimeout: t.headers, requestTimeout: t.request, connectionsCheckingInterval: t.checkEvery }
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname, serverOptions }, (info) => resolve({ port: info.port, server }))
    server.once('error', reject)
  })
}
