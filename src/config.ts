import { resolve } from 'node:path'

/** Runtime configuration, from the environment (DESIGN §4). */
export type Config = {
  port: number
  dataDir: string
  databaseUrl: string | null
  baseUrl: string | null
}

/** Reads the configuration; invalid values fail fast with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT?.trim() ? Number(env.PORT) : 3000
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`)
  const baseUrl = env.DRAMALOG_BASE_URL?.trim() || null
  if (baseUrl && !/^https?:\/\/[^/]+/.test(baseUrl)) throw new Error(`DRAMALOG_BASE_URL must be an http(s) URL, got "${baseUrl}"`)
  return {
    port,
    dataDir: resolve(env.DRAMALOG_DATA_DIR ?? 'data'),
    databaseUrl: env.DATABASE_URL?.trim() || null,
    baseUrl,
  }
}
