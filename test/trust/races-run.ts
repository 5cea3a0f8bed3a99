// The long form of the editor race: `npm run races -- --rounds 20 [--clients 50] [--database postgres]`.
// Starts a real server (on SQLite, or on a throwaway PostgreSQL server), runs ROUNDS rounds of
// CLIENTS editors saving the same review from the same revision, and prints the figures.
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { AdminClient } from '../helpers/admin-client.ts'
import { createDatabase, startPostgres } from '../helpers/postgres.ts'
import { runCli, startServer, tempDataDir } from '../helpers/server.ts'
import { raceEditors, type HistoryReader } from './races-harness.ts'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '20' }, clients: { type: 'string', default: '50' }, database: { type: 'string', default: 'both' } } })
const rounds = Number(values.rounds)
const clients = Number(values.clients)
const PASSWORD = 'correct horse battery'
const introOf = (docJson: string) => (JSON.parse(docJson) as { intro: string }).intro
let failed = false

async function race(kind: 'sqlite' | 'postgres'): Promise<void> {
  const data = tempDataDir()
  const postgres = kind === 'postgres' ? await startPostgres() : null
  const env: Record<string, string> = postgres ? { DATABASE_URL: await createDatabase(postgres.adminUrl) } : {}
  const server = await startServer(data.dir, env)
  let close = async () => {}
  try {
    const added = await runCli(['user', 'add', 'mira', '--name', 'Mira Chen'], data.dir, PASSWORD, env)
    if (added.code !== 0) throw new Error(added.stderr)
    let history: HistoryReader
    if (postgres) {
      const client = new pg.Client({ connectionString: env.DATABASE_URL })
      await client.connect()
      close = () => client.end()
      history = async (id) => (await client.query<{ revision: number; doc_json: string }>('SELECT revision, doc_json FROM revisions WHERE review_id = $1', [id])).rows.map((r) => ({ revision: r.revision, intro: introOf(r.doc_json) }))
    } else {
      const db = new Database(join(data.dir, 'dramalog.sqlite'), { readonly: true })
      close = async () => void db.close()
      history = async (id) => (db.prepare('SELECT revision, doc_json FROM revisions WHERE review_id = ?').all(id) as { revision: number; doc_json: string }[]).map((r) => ({ revision: r.revision, intro: introOf(r.doc_json) }))
    }
    const owner = new AdminClient(server.url)
    if ((await owner.login('mira', PASSWORD)).status !== 303) throw new Error('cannot sign in')
    const started = performance.now()
    const f = await raceEditors(owner, history, rounds, clients)
    const seconds = (performance.now() - started) / 1000
    console.log(`${kind}: ${f.attempts} saves in ${f.rounds} rounds of ${clients} (${seconds.toFixed(1)} s): ${f.accepted} accepted, ${f.conflicts} conflicts, ` +
      `${f.otherAnswers.length} other answers, ${f.badRounds.length} rounds without exactly one winner, ${f.lostUpdates} lost updates, ${f.phantomSaves} saves nobody was told of`)
    for (const line of [...f.otherAnswers.slice(0, 10), ...f.badRounds.slice(0, 10)]) console.log(`  ${line}`)
    if (f.otherAnswers.length || f.badRounds.length || f.lostUpdates || f.phantomSaves || f.accepted !== rounds) failed = true
  } finally {
    await close()
    await server.stop()
    postgres?.stop()
    data.remove()
  }
}

for (const kind of values.database === 'both' ? (['sqlite', 'postgres'] as const) : [values.database as 'sqlite' | 'postgres']) await race(kind)
process.exitCode = failed ? 1 : 0
