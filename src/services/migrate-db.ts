// Moving a site to another database (`dramalog migrate-db`): typically from the SQLite file of one
// machine into an empty PostgreSQL database that several app servers share. Every table is copied
// (sessions too, so nobody is signed out), with ids kept, in one transaction on the target; the
// search index is rebuilt there, and the rows of every table are counted on both sides afterwards.
import { cp, readdir, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { DramalogError, InvalidInputError, type InputIssue } from '../domain/errors.ts'
import {
  beginRestore, countRows, describeBackupTables, finishRestore, insertRows, listAppliedMigrations, readRowsAfter, readSequences,
  type RowCursor, type SqlValue,
} from '../store/backup.ts'
import type { BackupProgress } from './backup.ts'
import type { Site } from './site.ts'

/** Rows read and inserted per batch. */
const PAGE = 500
const MAX_ISSUES = 100

export type MigrateDbSummary = {
  /** Rows per table, counted in the source and in the target after the copy (always equal on success). */
  tables: { name: string; source: number; target: number }[]
  media: { copied: boolean; count: number; bytes: number }
}

/**
 * Copies everything `source` holds into `target`, whose database must be empty (a site that was
 * just created by opening it) and of the same schema. Media files are copied too when the target
 * keeps them in another folder. Any row the target refuses throws `InvalidInputError` naming the
 * table, the row's place and the column, and leaves the target as it was.
 */
export async function copySite(source: Site, target: Site, onProgress?: BackupProgress): Promise<MigrateDbSummary> {
  const [from, to] = [await listAppliedMigrations(source.db), await listAppliedMigrations(target.db)]
  if (from.at(-1) !== to.at(-1)) {
    throw new DramalogError('invalid_input', `the two databases have different schemas ("${from.at(-1)}" and "${to.at(-1)}"); open both with this version of Dramalog first`)
  }
  const tables = await describeBackupTables(target.db, { transient: true })
  const sourceTables = new Map((await describeBackupTables(source.db, { transient: true })).map((t) => [t.name, t]))
  for (const t of tables) {
    const s = sourceTables.get(t.name)
    const missing = t.columns.filter((c) => !s?.columns.some((sc) => sc.name === c.name))
    if (!s || missing.length) throw new DramalogError('internal', `the source has no table ${t.name} with the columns ${missing.map((c) => c.name).join(', ') || '(all)'}`)
  }

  const issues: InputIssue[] = []
  // One snapshot of the source (a writer may go on meanwhile), one transaction on the target.
  await source.db.transaction().setIsolationLevel('repeatable read').execute(async (read) => {
    const counts = new Map<string, number>()
    for (const t of tables) counts.set(t.name, await countRows(read, t.name))
    const total = [...counts.values()].reduce((a, b) => a + b, 0)
    let done = 0
    await target.db.transaction().execute(async (write) => {
      const held = await beginRestore(write, tables)
      if (held.length) {
        throw new DramalogError('conflict', `the target database is not empty (${held.map((h) => `${h.table}: ${h.rows} row${h.rows === 1 ? '' : 's'}`).join(', ')}); migrate-db copies into an empty database only`)
      }
      for (const table of tables) {
        const columns = table.columns.map((c) => c.name)
        let index = 0
        for (let after: RowCursor = null; ; ) {
          const page = await readRowsAfter(read, sourceTables.get(table.name)!, after, PAGE)
          if (!page.rows.length) break
          after = page.last
          const values = page.rows.map((r) => columns.map((c) => toValue(r[c])))
          const refused = await insertRows(write, table, columns, values)
          for (const r of refused) {
            if (issues.length < MAX_ISSUES) issues.push({ file: `${table.name}`, line: index + r.index + 1, field: r.column, message: r.message })
          }
          index += page.rows.length
          done += page.rows.length
          onProgress?.(done, total, table.name)
        }
      }
      if (issues.length) throw new InvalidInputError(issues)
      await finishRestore(write, await readSequences(read, tables.map((t) => t.name)))
    })
  })

  // Counted again after the commit, on both sides.
  const counted: MigrateDbSummary['tables'] = []
  for (const t of tables) counted.push({ name: t.name, source: await countRows(source.db, t.name), target: await countRows(target.db, t.name) })
  const wrong = counted.filter((c) => c.source !== c.target)
  if (wrong.length) throw new DramalogError('internal', `the copy is incomplete: ${wrong.map((w) => `${w.name} has ${w.target} of ${w.source} rows`).join(', ')}`)

  const media = await copyMedia(source.mediaDir, target.mediaDir)
  return { tables: counted, media }
}

/** A value as read from one database, ready to bind in the other (bigints only come from SQLite's safe-integer mode). */
function toValue(v: unknown): SqlValue {
  if (typeof v === 'bigint') return Number(v)
  return v as SqlValue
}

/** Copies the media folder when the target keeps its own; checks the file count and bytes. */
async function copyMedia(from: string, to: string): Promise<MigrateDbSummary['media']> {
  const source = await totals(from)
  if (resolve(from) === resolve(to)) return { copied: false, ...source }
  await cp(from, to, { recursive: true, force: false, errorOnExist: false, filter: (src) => !src.endsWith('.tmp') })
  const copied = await totals(to)
  if (copied.count < source.count || copied.bytes < source.bytes) {
    throw new DramalogError('internal', `copying media from ${from} to ${to} gave ${copied.count} files of ${copied.bytes} bytes, expected ${source.count} of ${source.bytes}`)
  }
  return { copied: true, ...source }
}

async function totals(dir: string): Promise<{ count: number; bytes: number }> {
  let count = 0
  let bytes = 0
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory()) await walk(join(d, e.name))
      else if (e.isFile() && !e.name.endsWith('.tmp')) {
        count++
        bytes += (await stat(join(d, e.name))).size
      }
    }
  }
  await walk(dir)
  return { count, bytes }
}

