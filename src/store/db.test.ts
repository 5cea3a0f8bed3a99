import { join } from 'node:path'
import Database from 'better-sqlite3'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDataDir } from '../../test/helpers/server.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import type { Site } from '../services/site.ts'
import { insertAll, insertRow, lookupBy, migrate, openSqlite } from './db.ts'

// The one-row inserts reuse the SQL text of earlier rows with the same columns: these check that
// each row still writes exactly its own values, on the database of the run (SQLite or PostgreSQL).
let data: ReturnType<typeof tempDataDir>
let site: Site

beforeAll(async () => {
  data = tempDataDir()
  site = await openTestSite(data.dir)
})
afterAll(async () => {
  await site.close()
  data.remove()
})

const tag = (name: string) => ({ slug: name.toLowerCase(), name, name_key: name.toLowerCase() })

describe('inserting rows', () => {
  it('returns the id of each row, and each row keeps its own values', async () => {
    const names = ['Slow Burn', 'Found Family', 'Rainy Night', 'Slow Burn Two']
    const ids = await site.db.transaction().execute(async (trx) => {
      const out: number[] = []
      for (const name of names) out.push(await insertRow(trx, 'tags', tag(name)))
      return out
    })
    expect(new Set(ids).size).toBe(names.length)
    const rows = await site.db.selectFrom('tags').select(['id', 'name', 'slug']).where('id', 'in', ids).orderBy('id').execute()
    expect(rows.map((r) => [r.id, r.name, r.slug])).toEqual(ids.map((id, k) => [id, names[k], names[k]!.toLowerCase()]))
  })

  it('leaves out the columns whose value is undefined, as Kysely does, whatever was inserted before', async () => {
    await site.db.transaction().execute((trx) =>
      insertRow(trx, 'users', { username: 'first', display_name: 'First', password_hash: 'x', role: 'author', created_at: '2025-01-01T00:00:00.000Z', updated_at: '2025-01-01T00:00:00.000Z' }),
    )
    // Another set of columns, so a text of its own: `role` has no default, and leaving it out must
    // fail as the database says, never write the role of the row before.
    const second = { username: 'second', display_name: 'Second', password_hash: 'y', role: undefined as unknown as string, created_at: '2025-01-02T00:00:00.000Z', updated_at: '2025-01-02T00:00:00.000Z' }
    await expect(site.db.transaction().execute((trx) => insertRow(trx, 'users', second))).rejects.toThrow(/role/)
    const users = await site.db.selectFrom('users').select(['username', 'role']).orderBy('id').execute()
    expect(users).toEqual([{ username: 'first', role: 'author' }])
  })

  it('passes an expression through to the database rather than as a value', async () => {
    const id = await site.db.transaction().execute((trx) =>
      insertRow(trx, 'tags', { slug: 'upper', name: sql<string>`upper('quiet')`, name_key: 'upper' } as never),
    )
    expect((await site.db.selectFrom('tags').select('name').where('id', '=', id).executeTakeFirstOrThrow()).name).toBe('QUIET')
  })

  it('skips a row that breaks a unique key when asked to, and only that row', async () => {
    await site.db.transaction().execute((trx) => insertAll(trx, 'tags', [tag('Heist'), tag('Heist'), tag('Caper')], { ignoreConflicts: true }))
    const rows = await site.db.selectFrom('tags').select('name').where('slug', 'in', ['heist', 'caper']).orderBy('name').execute()
    expect(rows.map((r) => r.name)).toEqual(['Caper', 'Heist'])
    await expect(site.db.transaction().execute((trx) => insertAll(trx, 'tags', [tag('Heist')]))).rejects.toThrow()
  })
})

describe('lookups by one value', () => {
  it('find what the query finds, value after value', async () => {
    const names = ['Harbour Lights', 'Winter Ferry', 'Quiet Bell']
    await site.db.transaction().execute(async (trx) => {
      for (const name of names) await insertRow(trx, 'tags', tag(name))
    })
    const byKey = lookupBy('tags', ['id', 'name'], 'name_key')
    const bySlug = lookupBy('tags', ['name'], 'slug')
    for (const name of [...names, 'No Such Tag', 'Winter Ferry']) {
      const expected = await site.db.selectFrom('tags').select(['id', 'name']).where('name_key', '=', name.toLowerCase()).execute()
      expect(await byKey(site.db, name.toLowerCase())).toEqual(expected)
      expect(await site.db.transaction().execute((trx) => bySlug(trx, name.toLowerCase()))).toEqual(expected.map((r) => ({ name: r.name })))
    }
  })
})

describe('the SQLite file', () => {
  it('is made with 16 KB pages, and a file made with other pages keeps them', async () => {
    const dir = tempDataDir()
    try {
      const fresh = openSqlite(join(dir.dir, 'fresh.sqlite'))
      await migrate(fresh)
      const pageSize = async (db: typeof fresh) => (await sql<{ page_size: number }>`PRAGMA page_size`.execute(db)).rows[0]!.page_size
      expect(await pageSize(fresh)).toBe(16384)
      await fresh.destroy()

      const oldFile = join(dir.dir, 'old.sqlite')
      const old = new Database(oldFile)
      old.pragma('page_size = 4096')
      old.exec('CREATE TABLE t (x)')
      old.close()
      const reopened = openSqlite(oldFile)
      await migrate(reopened)
      expect(await pageSize(reopened)).toBe(4096)
      await reopened.destroy()
    } finally {
      dir.remove()
    }
  })
})
