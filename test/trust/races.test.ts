import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeWxr } from '../../bench/formats.ts'
import { generatePoster } from '../../src/media/posters.ts'
import { AdminClient } from '../helpers/admin-client.ts'
import { createDatabase, startPostgres, type TestPostgres } from '../helpers/postgres.ts'
import { runCli, startServer, tempDataDir, type RunningServer } from '../helpers/server.ts'
import { postCommentsAtOnce, raceEditors, readWhile, type HistoryReader } from './races-harness.ts'

// Real `dramalog serve` processes over real HTTP, on SQLite and on a real PostgreSQL server. The
// short form runs 4 rounds of 50 editors per database (200 saves each); `npm run races -- --rounds 20`
// runs the 1,000 saves of the long form.
const ROUNDS = Number(process.env.DRAMALOG_RACE_ROUNDS ?? 4)
const CLIENTS = 50
const PASSWORD = 'correct horse battery'

const introOf = (docJson: string) => (JSON.parse(docJson) as { intro: string }).intro

async function signedIn(server: RunningServer): Promise<AdminClient> {
  const client = new AdminClient(server.url)
  expect((await client.login('mira', PASSWORD)).status).toBe(303)
  return client
}

/** The races run on both databases: editors saving one review, readers commenting at once. */
function sharedRaces(server: () => RunningServer, history: HistoryReader, storedComments: (prefix: string) => Promise<string[]>): void {
  it(`lets exactly one of ${CLIENTS} editors saving from the same revision win, every round, and loses no save`, async () => {
    const figures = await raceEditors(await signedIn(server()), history, ROUNDS, CLIENTS)
    expect(figures.otherAnswers).toEqual([])
    expect(figures.badRounds).toEqual([])
    expect(figures).toMatchObject({ attempts: ROUNDS * CLIENTS, accepted: ROUNDS, conflicts: ROUNDS * (CLIENTS - 1), lostUpdates: 0, phantomSaves: 0 })
  })

  it('stores each of 40 comments sent at the same moment exactly once', async () => {
    const prefix = `race ${Date.now()}`
    const { answers, bodies } = await postCommentsAtOnce(server().url, 'paper-lanterns-season-1', 40, prefix)
    expect(answers.filter((a) => a.status !== 303)).toEqual([])
    expect((await storedComments(prefix)).sort()).toEqual([...bodies].sort())
  })
}

describe('on SQLite', () => {
  const data = tempDataDir()
  let server: RunningServer
  let db: Database.Database

  beforeAll(async () => {
    server = await startServer(data.dir)
    const added = await runCli(['user', 'add', 'mira', '--name', 'Mira Chen'], data.dir, PASSWORD)
    expect(added.code, added.stderr).toBe(0)
    db = new Database(join(data.dir, 'dramalog.sqlite'), { readonly: true })
  }, 180_000)

  afterAll(async () => {
    db?.close()
    await server?.stop()
    data.remove()
  })

  const history: HistoryReader = async (id) =>
    (db.prepare('SELECT revision, doc_json FROM revisions WHERE review_id = ? ORDER BY revision').all(id) as { revision: number; doc_json: string }[])
      .map((r) => ({ revision: r.revision, intro: introOf(r.doc_json) }))

  sharedRaces(() => server, history, async (prefix) =>
    (db.prepare(`SELECT body FROM comments WHERE body LIKE ?`).all(`${prefix}:%`) as { body: string }[]).map((r) => r.body))

  it('answers every reader while an import of a WordPress export with images runs beside it', async () => {
    const work = mkdtempSync(join(tmpdir(), 'dramalog-wxr-'))
    try {
      const wxr = join(work, 'export.xml')
      await writeWxr(wxr, 40, { every: 5, uploadsDir: join(work, 'uploads'), image: (i) => generatePoster({ title: `Poster ${i}`, subtitle: 'race', seed: i + 1 }) })
      const paths = ['/', '/reviews/paper-lanterns-season-1', '/search?q=lanterns', '/feed.xml', '/country/kr', '/api/reviews', '/diary', '/sitemap.xml']
      const read = await readWhile(server.url, paths, 6, runCli(['import', wxr, '--uploads', join(work, 'uploads')], data.dir))
      expect(read.result.code, read.result.stderr).toBe(0)
      expect(read.errors).toEqual([])
      expect(read.requests).toBeGreaterThan(20)
      expect([...read.statuses.keys()].every((s) => s < 500)).toBe(true)
      // The readers see the import once it committed.
      const home = await fetch(`${server.url}/api/reviews`)
      expect(home.status).toBe(200)
      expect((db.prepare(`SELECT count(*) AS n FROM reviews WHERE source_id LIKE 'wordpress:%'`).get() as { n: number }).n).toBe(40)
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  })
})

describe('on PostgreSQL', () => {
  const data = tempDataDir()
  let postgres: TestPostgres
  let server: RunningServer
  let client: pg.Client

  beforeAll(async () => {
    postgres = await startPostgres()
    const url = await createDatabase(postgres.adminUrl)
    server = await startServer(data.dir, { DATABASE_URL: url })
    const added = await runCli(['user', 'add', 'mira', '--name', 'Mira Chen'], data.dir, PASSWORD, { DATABASE_URL: url })
    expect(added.code, added.stderr).toBe(0)
    client = new pg.Client({ connectionString: url })
    await client.connect()
  }, 240_000)

  afterAll(async () => {
    await client?.end()
    await server?.stop()
    postgres?.stop()
    data.remove()
  })

  const history: HistoryReader = async (id) =>
    (await client.query<{ revision: number; doc_json: string }>('SELECT revision, doc_json FROM revisions WHERE review_id = $1 ORDER BY revision', [id])).rows
      .map((r) => ({ revision: r.revision, intro: introOf(r.doc_json) }))

  sharedRaces(() => server, history, async (prefix) =>
    (await client.query<{ body: string }>('SELECT body FROM comments WHERE body LIKE $1', [`${prefix}:%`])).rows.map((r) => r.body))
})
