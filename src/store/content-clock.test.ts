import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { tempDataDir } from '../../test/helpers/server.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import type { Site } from '../services/site.ts'
import { bumpContentVersion, getContentStamp } from './settings.ts'

// Two handles on one site stand for two app servers (or a server and the CLI): each has its own
// connections and, on PostgreSQL, its own listening connection.
let data: ReturnType<typeof tempDataDir>
let a: Site
let b: Site

beforeAll(async () => {
  data = tempDataDir()
  a = await openTestSite(data.dir)
  b = await openTestSite(data.dir)
})
afterAll(async () => {
  await a.close()
  await b.close()
  data.remove()
})

const bump = (site: Site, at = new Date()) => site.db.transaction().execute((trx) => bumpContentVersion(trx, at))

describe('the content clock', () => {
  it('starts at the stored version', async () => {
    expect(await a.contentStamp()).toEqual(await getContentStamp(a.db))
  })

  it('sees a change its own server committed at once', async () => {
    const before = (await a.contentStamp()).version
    const at = new Date('2025-03-01T10:00:00.000Z')
    await bump(a, at)
    expect(await a.contentStamp()).toEqual({ version: before + 1, updatedAt: at })
  })

  it('sees a change another server committed', async () => {
    const before = (await a.contentStamp()).version
    await bump(b)
    await vi.waitFor(async () => expect((await a.contentStamp()).version).toBe(before + 1), { timeout: 2000, interval: 5 })
    expect(await a.contentStamp()).toEqual(await getContentStamp(a.db))
  })

  it('does not move for a change that was rolled back', async () => {
    const before = await a.contentStamp()
    await expect(
      a.db.transaction().execute(async (trx) => {
        await bumpContentVersion(trx)
        throw new Error('changed my mind')
      }),
    ).rejects.toThrow('changed my mind')
    await new Promise((r) => setTimeout(r, 50))
    expect(await a.contentStamp()).toEqual(before)
    expect(await getContentStamp(a.db)).toEqual(before)
  })

  it('follows many changes from both servers to the last one', async () => {
    const writes = Array.from({ length: 20 }, (_, i) => () => bump(i % 2 ? a : b))
    // At the same time on PostgreSQL; SQLite takes one writing process at a time, so one after another.
    if (a.dialect === 'postgres') await Promise.all(writes.map((w) => w()))
    else for (const w of writes) await w()
    const stored = await getContentStamp(a.db)
    await vi.waitFor(async () => {
      expect(await a.contentStamp()).toEqual(stored)
      expect(await b.contentStamp()).toEqual(stored)
    }, { timeout: 2000, interval: 5 })
  })
})
