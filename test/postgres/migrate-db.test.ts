import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { runCli, tempDataDir } from '../helpers/server.ts'
import { newTestDatabase } from '../helpers/sites.ts'

// The real CLI moves the demo site from its SQLite file into an empty PostgreSQL database.
let data: ReturnType<typeof tempDataDir>
let url: string
const PASSWORD = 'correct horse battery'

beforeAll(async () => {
  data = tempDataDir()
  url = await newTestDatabase()
  for (const args of [['demo'], ['user', 'add', 'mira', '--name', 'Mira Chen']]) {
    const r = await runCli(args, data.dir, PASSWORD)
    expect(r.code, r.stderr).toBe(0)
  }
}, 180_000)
afterAll(() => data.remove())

const onPostgres = (database = url) => ({ DATABASE_URL: database })

async function query<T extends pg.QueryResultRow>(database: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: database })
  await client.connect()
  try {
    return (await client.query<T>(text)).rows
  } finally {
    await client.end()
  }
}

it('copies the demo site into PostgreSQL: the same JSON export, every table counted', async () => {
  const before = await runCli(['export', '--format', 'json'], data.dir)
  expect(before.code, before.stderr).toBe(0)
  expect(JSON.parse(before.stdout)).toHaveLength(14)

  const moved = await runCli(['migrate-db', '--to', url], data.dir)
  expect(moved.code, moved.stderr).toBe(0)
  expect(moved.stdout).toMatch(/^ {2}reviews +14 → +14 {2}ok$/m)
  expect(moved.stdout).toMatch(/^ {2}users +1 → +1 {2}ok$/m)
  expect(moved.stdout).toContain(`Start the servers with DATABASE_URL=${url}`)

  const after = await runCli(['export', '--format', 'json'], data.dir, undefined, onPostgres())
  expect(after.code, after.stderr).toBe(0)
  expect(after.stdout).toBe(before.stdout)

  // The account came along with its password hash, and the search index was rebuilt.
  const sqlite = new Database(join(data.dir, 'dramalog.sqlite'), { readonly: true })
  const hash = (sqlite.prepare('SELECT password_hash FROM users').get() as { password_hash: string }).password_hash
  sqlite.close()
  expect(await query(url, 'SELECT username, password_hash FROM users')).toEqual([{ username: 'mira', password_hash: hash }])
  expect(await query(url, 'SELECT count(*)::int AS n FROM review_search')).toEqual([{ n: 14 }])
})

it('builds the static site from PostgreSQL, on render threads too', async () => {
  // A review only PostgreSQL has (the SQLite file is still in the data folder).
  const file = join(data.dir, 'only-in-postgres.json')
  writeFileSync(file, JSON.stringify({ title: 'Only In Postgres', year: 2025, intro: 'Words.', status: 'published' }))
  expect((await runCli(['import', file], data.dir, undefined, onPostgres())).code).toBe(0)
  const out = join(data.dir, 'dist')
  const built = await runCli(['build', '--out', out, '--jobs', '2', '--base-url', 'https://drama.example/'], data.dir, undefined, onPostgres())
  expect(built.code, built.stderr).toBe(0)
  expect(readFileSync(join(out, 'reviews', 'paper-lanterns-season-1', 'index.html'), 'utf8')).toContain('Paper Lanterns')
  expect(readFileSync(join(out, 'reviews', 'only-in-postgres', 'index.html'), 'utf8')).toContain('Only In Postgres')
})

it('refuses a database that is not empty, changing nothing', async () => {
  const again = await runCli(['migrate-db', '--to', url], data.dir)
  expect(again.code).toBe(1)
  expect(again.stderr).toMatch(/the target database is not empty \(.*reviews: 15 rows.*\); migrate-db copies into an empty database only/)
  expect(await query(url, 'SELECT count(*)::int AS n FROM reviews')).toEqual([{ n: 15 }])
})

it('says what is wrong with the address', async () => {
  const bad = await runCli(['migrate-db', '--to', 'mysql://localhost/x'], data.dir)
  expect(bad.code).toBe(2)
  expect(bad.stderr).toContain('--to must be a postgres:// address')
  const nobody = await runCli(['migrate-db', '--to', 'postgres://postgres@127.0.0.1:1/nowhere'], data.dir)
  expect(nobody.code).toBe(1)
  expect(nobody.stderr).toContain('cannot open PostgreSQL at 127.0.0.1:1/nowhere (DATABASE_URL)')
})

it('copies nothing when PostgreSQL refuses a row, and names it', async () => {
  // SQLite keeps text in an integer column; PostgreSQL does not take it.
  const other = tempDataDir()
  try {
    const target = await newTestDatabase()
    const file = join(other.dir, 'reviews.json')
    writeFileSync(file, JSON.stringify(['Glass City', 'Salt Road', 'Tin Moon'].map((title) => ({ title, year: 2024, intro: 'Words.' }))))
    expect((await runCli(['import', file], other.dir)).code).toBe(0)
    const raw = new Database(join(other.dir, 'dramalog.sqlite'))
    raw.prepare("UPDATE reviews SET year = 'twenty' WHERE title = 'Salt Road'").run()
    raw.close()
    const moved = await runCli(['migrate-db', '--to', target], other.dir)
    expect(moved.code).toBe(1)
    expect(moved.stderr).toContain(`reviews:2: (row): refused by the database (invalid input syntax for type integer: "twenty")`)
    expect(moved.stderr).toContain('nothing was written')
    for (const table of ['reviews', 'sections', 'users', 'revisions']) {
      expect(await query(target, `SELECT count(*)::int AS n FROM ${table}`), table).toEqual([{ n: 0 }])
    }
  } finally {
    other.remove()
  }
})
