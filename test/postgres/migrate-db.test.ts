import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { runCli, startServer, tempDataDir } from '../helpers/server.ts'
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

const pg = (extra: Record<string, string> = {}) => ({ DATABASE_URL: url, ...extra })

it('copies the demo site into PostgreSQL: the same JSON export, every table counted, served from there', async () => {
  const before = await runCli(['export', '--format', 'json'], data.dir)
  expect(before.code, before.stderr).toBe(0)
  expect(JSON.parse(before.stdout)).toHaveLength(14)

  const moved = await runCli(['migrate-db', '--to', url], data.dir)
  expect(moved.code, moved.stderr).toBe(0)
  expect(moved.stdout).toMatch(/^ {2}reviews +14 → +14 {2}ok$/m)
  expect(moved.stdout).toMatch(/^ {2}users +1 → +1 {2}ok$/m)
  expect(moved.stdout).toContain(`Start the servers with DATABASE_URL=${url}`)

  const after = await runCli(['export', '--format', 'json'], data.dir, undefined, pg())
  expect(after.code, after.stderr).toBe(0)
  expect(after.stdout).toBe(before.stdout)

  // The account came along (its password too), and search works from the rebuilt index.
  const server = await startServer(data.dir, pg())
  try {
    const search = await (await fetch(`${server.url}/search?q=${encodeURIComponent('종이')}`)).text()
    expect(search).toContain('/reviews/paper-lanterns-season-1')
    const login = await runCli(['user', 'list'], data.dir, undefined, pg())
    expect(login.stdout).toContain('mira')
  } finally {
    await server.stop()
  }
})

it('refuses a database that is not empty, changing nothing', async () => {
  const again = await runCli(['migrate-db', '--to', url], data.dir)
  expect(again.code).toBe(1)
  expect(again.stderr).toMatch(/the target database is not empty \(.*reviews: 14 rows.*\); migrate-db copies into an empty database only/)
  const after = await runCli(['export', '--format', 'json'], data.dir, undefined, pg())
  expect(JSON.parse(after.stdout)).toHaveLength(14)
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
    const users = await runCli(['export', '--format', 'json'], other.dir, undefined, { DATABASE_URL: target })
    expect(JSON.parse(users.stdout)).toEqual([])
  } finally {
    other.remove()
  }
})
