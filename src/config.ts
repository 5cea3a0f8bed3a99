import { resolve } from 'node:path'

/** Runtime configuration, from the environment (DESIGN §4). */
export type Config = {
  port: number
  dataDir: string
  /** PostgreSQL's address (`postgres://…`); null keeps the site in SQLite in the data directory. */
  databaseUrl: string | null
  /**
   * Where posters live; null means `media/` in the data directory. Several app servers share one
   * folder (a network file system), so each serves what another stored.
   */
  mediaDir: string | null
  baseUrl: string | null
  /** Address of a static copy of the site (`dramalog build --server`) whose comment forms post here. */
  staticUrl: string | null
  /** How often the server publishes scheduled reviews whose time has come. */
  publishIntervalSeconds: number
  /** How often the server sends queued deliveries to the fediverse. */
  deliveryIntervalSeconds: number
  /**
   * Lets the fediverse side reach servers on this machine (http://127.0.0.1:…, localhost), for
   * development and tests; off, only https addresses of public hosts are fetched or posted to.
   */
  fediverseLoopback: boolean
}

/** Reads the configuration; invalid values fail fast with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT?.trim() ? Number(env.PORT) : 3000
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`)
  const baseUrl = env.DRAMALOG_BASE_URL?.trim() || null
  if (baseUrl && !/^https?:\/\/[^/]+/.test(baseUrl)) throw new Error(`DRAMALOG_BASE_URL must be an http(s) URL, got "${baseUrl}"`)
  const staticUrl = env.DRAMALOG_STATIC_URL?.trim() || null
  if (staticUrl && !/^https?:\/\/[^/]+/.test(staticUrl)) throw new Error(`DRAMALOG_STATIC_URL must be an http(s) URL, got "${staticUrl}"`)
  const interval = env.DRAMALOG_PUBLISH_INTERVAL?.trim() ? Number(env.DRAMALOG_PUBLISH_INTERVAL) : 15
  if (!(interval >= 1 && interval <= 3600)) throw new Error(`DRAMALOG_PUBLISH_INTERVAL must be 1 to 3600 seconds, got "${env.DRAMALOG_PUBLISH_INTERVAL}"`)
  const delivery = env.DRAMALOG_DELIVERY_INTERVAL?.trim() ? Number(env.DRAMALOG_DELIVERY_INTERVAL) : 5
  if (!(delivery >= 1 && delivery <= 3600)) throw new Error(`DRAMALOG_DELIVERY_INTERVAL must be 1 to 3600 seconds, got "${env.DRAMALOG_DELIVERY_INTERVAL}"`)
  const loopback = env.DRAMALOG_FEDIVERSE_LOOPBACK?.trim() ?? ''
  if (!/^(|0|1|true|false)$/.test(loopback)) throw new Error(`DRAMALOG_FEDIVERSE_LOOPBACK must be 1 or 0, got "${loopback}"`)
  return {
    port,
    deliveryIntervalSeconds: delivery,
    fediverseLoopback: loopback === '1' || loopback === 'true',
    publishIntervalSeconds: interval,
    dataDir: resolve(env.DRAMALOG_DATA_DIR ?? 'data'),
    databaseUrl: checkDatabaseUrl(env.DATABASE_URL?.trim() || null),
    mediaDir: env.DRAMALOG_MEDIA_DIR?.trim() ? resolve(env.DRAMALOG_MEDIA_DIR.trim()) : null,
    baseUrl,
    staticUrl,
  }
}

/** A PostgreSQL address, or null; anything else fails with the variable's name. */
function checkDatabaseUrl(url: string | null): string | null {
  if (url === null || /^postgres(ql)?:\/\//.test(url)) return url
  throw new Error(`DATABASE_URL must be a postgres:// address (or unset for SQLite in DRAMALOG_DATA_DIR), got "${url.replace(/\/\/[^@/]*@/, '//…@')}"`)
}
