import { serve, type ServerType } from '@hono/node-server'
import type { Site } from '../services/site.ts'
import { createApp } from './app.tsx'

/** Starts the HTTP server; resolves once it listens, with the port it got (useful with port 0). */
export function startServer(site: Site, port: number, hostname?: string): Promise<{ port: number; server: ServerType }> {
  const app = createApp(site)
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info) => resolve({ port: info.port, server }))
    server.once('error', reject)
  })
}
