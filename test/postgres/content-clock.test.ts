import { sql } from 'kysely'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import type { Site } from '../../src/services/site.ts'
import { bumpContentVersion, getContentStamp } from '../../src/store/settings.ts'
import { tempDataDir } from '../helpers/server.ts'
import { openTestSite } from '../helpers/sites.ts'

// What a server does when its listening connection to PostgreSQL breaks (a restart, a network
// cut): it must never serve pages of an older version than the database holds.
let data: ReturnType<typeof tempDataDir>
let server: Site
let writer: Site

beforeAll(async () => {
  data = tempDataDir()
  server = await openTestSite(data.dir, {}, 'postgres')
  writer = await openTestSite(data.dir, {}, 'postgres')
})
afterAll(async () => {
  await server.close()
  await writer.close()
  data.remove()
})

const listeners = async () =>
  (await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE application_name = 'dramalog-listener' AND datname = current_database()`.execute(writer.db)).rows

it('reads the version from the database while it cannot listen, and listens again', async () => {
  expect(await listeners()).toHaveLength(2)
  // Cut every listening connection, as a database restart would; the writer's own goes too.
  await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dramalog-listener' AND datname = current_database()`.execute(writer.db)
  await vi.waitFor(async () => expect(await listeners()).toHaveLength(0), { timeout: 2000, interval: 10 })
  // Changes made now send notifications nobody hears; the server still sees each at once.
  for (let i = 0; i < 3; i++) {
    await writer.db.transaction().execute((trx) => bumpContentVersion(trx))
    expect(await server.contentStamp()).toEqual(await getContentStamp(writer.db))
  }
  // Both reconnect by themselves and answer from memory again, notified of later changes.
  await vi.waitFor(async () => expect(await listeners()).toHaveLength(2), { timeout: 10_000, interval: 50 })
  await writer.db.transaction().execute((trx) => bumpContentVersion(trx))
  const stored = await getContentStamp(writer.db)
  await vi.waitFor(async () => expect(await server.contentStamp()).toEqual(stored), { timeout: 2000, interval: 5 })
})
