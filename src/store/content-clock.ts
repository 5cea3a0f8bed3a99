import type { Kysely } from 'kysely'
import pg from 'pg'
import type { DB, PostgresDatabase } from './db.ts'
import { CONTENT_CHANNEL, getContentStamp, parseStamp, type ContentStamp } from './settings.ts'

/**
 * Where page caches learn the current content version (see `bumpContentVersion`). Asked on every
 * public request, so on PostgreSQL it answers from memory.
 */
export interface ContentClock {
  stamp(): Promise<ContentStamp>
  close(): Promise<void>
}

/** SQLite: reading the two settings rows costs microseconds in-process, so the clock reads them every time. */
export function readingClock(db: Kysely<DB>): ContentClock {
  return { stamp: () => getContentStamp(db), close: async () => {} }
}

const RETRY_MIN_MS = 250
const RETRY_MAX_MS = 10_000
const PING_MS = 30_000

/**
 * PostgreSQL: one connection per app server LISTENs for content notifications, and the stamp is
 * kept in memory. Changes this process commits are taken at once from the driver (before the
 * notification comes back), changes of other processes when their notification arrives.
 *
 * While the listening connection is down (the database restarted, the network dropped it) the
 * clock reads the stamp from the database on every request, as on SQLite, and reconnects with
 * growing pauses; once listening again it reads the stamp once, so nothing committed in between
 * is missed. A ping every 30 seconds notices a connection that died without closing.
 */
export class ListeningClock implements ContentClock {
  private current: ContentStamp | null = null
  private client: pg.Client | null = null
  private closed = false
  private retryMs = RETRY_MIN_MS
  private timer: NodeJS.Timeout | null = null
  private ping: NodeJS.Timeout | null = null
  private firstConnect: Promise<void>

  constructor(private readonly database: PostgresDatabase, private readonly url: string) {
    database.onCommittedNotify((payload) => {
      const s = parseStamp(payload)
      // Only forwards: a notification of a later commit may already have come in.
      if (s && this.current && s.version > this.current.version) this.current = s
    })
    this.firstConnect = this.connect()
  }

  /** Resolves once the first attempt to listen has succeeded or failed. */
  ready(): Promise<void> {
    return this.firstConnect
  }

  /** True while the clock answers from memory. */
  get isListening(): boolean {
    return this.current !== null
  }

  async stamp(): Promise<ContentStamp> {
    return this.current ?? getContentStamp(this.database.db)
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'dramalog-listener', keepAlive: true, query_timeout: 10_000 })
    this.client = client
    let notified = false
    client.on('notification', (msg) => {
      if (this.client !== client || msg.channel !== CONTENT_CHANNEL || !msg.payload) return
      const s = parseStamp(msg.payload)
      if (s) {
        // Notifications arrive in commit order: the latest is the truth (also after a restore, which may lower the version).
        this.current = s
        notified = true
      }
    })
    client.on('error', () => {
      client.end().catch(() => {})
      this.lost(client)
    })
    client.on('end', () => this.lost(client))
    try {
      await client.connect()
      await client.query(`LISTEN ${CONTENT_CHANNEL}`)
      const read = await getContentStamp(this.database.db)
      if (this.client !== client) return
      // A notification that came in while reading is at least as new as what was read.
      if (!notified) this.current = read
      this.retryMs = RETRY_MIN_MS
      this.ping = setInterval(() => {
        client.query('SELECT 1').catch(() => client.end().catch(() => {}).finally(() => this.lost(client)))
      }, PING_MS)
      this.ping.unref()
    } catch (err) {
      if (this.client === client) console.error(`content notifications: cannot listen (${(err as Error).message}); reading the content version from the database meanwhile`)
      await client.end().catch(() => {})
      this.lost(client)
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return
    this.client = null
    this.current = null
    if (this.ping) clearInterval(this.ping)
    this.ping = null
    if (this.closed) return
    this.timer = setTimeout(() => {
      this.timer = null
      if (!this.closed) void this.connect()
    }, this.retryMs)
    this.timer.unref()
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS)
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    if (this.ping) clearInterval(this.ping)
    const client = this.client
    this.client = null
    this.current = null
    await client?.end().catch(() => {})
  }
}
