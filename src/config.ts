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
  /** Where newsletter emails go out (SMTP_URL, NEWSLETTER_FROM); null without a mail server: no newsletter. */
  mail: MailConfig | null
  /** How often the server sends queued newsletter emails. */
  newsletterIntervalSeconds: number
}

/** An SMTP server (`smtp://user:pass@host:587`, `smtps://…:465`) and the sender of newsletter emails. */
export type MailConfig = { smtpUrl: string; from: string }

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
  const newsletter = env.DRAMALOG_NEWSLETTER_INTERVAL?.trim() ? Number(env.DRAMALOG_NEWSLETTER_INTERVAL) : 10
  if (!(newsletter >= 1 && newsletter <= 3600)) throw new Error(`DRAMALOG_NEWSLETTER_INTERVAL must be 1 to 3600 seconds, got "${env.DRAMALOG_NEWSLETTER_INTERVAL}"`)
  return {
    port,
    mail: checkMail(env.SMTP_URL?.trim() || null, env.NEWSLETTER_FROM?.trim() || null),
    newsletterIntervalSeconds: newsletter,
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

/** The mail settings, both or neither; anything else fails with the variable's name (never the password). */
function checkMail(url: string | null, from: string | null): MailConfig | null {
  if (url === null && from === null) return null
  if (url === null) throw new Error('NEWSLETTER_FROM is set but SMTP_URL is not: set both to send the newsletter, or neither')
  if (!/^smtps?:\/\/[^/?#]+/.test(url)) throw new Error(`SMTP_URL must be an smtp:// or smtps:// address, got "${url.replace(/\/\/[^@/]*@/, '//…@')}"`)
  if (from === null) throw new Error('SMTP_URL is set but NEWSLETTER_FROM is not: set it to the sender, such as "Rain Diaries <reviews@example.com>"')
  if (!/^[^<>@\r\n]*<[^\s<>@]+@[^\s<>@]+>$|^[^\s<>@]+@[^\s<>@]+$/.test(from)) throw new Error(`NEWSLETTER_FROM must be an address such as reviews@example.com or "Name <reviews@example.com>", got "${from}"`)
  return { smtpUrl: url, from }
}
