import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import Database from 'better-sqlite3'
import fc from 'fast-check'
import { sql } from 'kysely'
import yazl from 'yazl'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reviewDocument } from '../../test/arbitraries.ts'
import { tempDataDir } from '../../test/helpers/server.ts'
import { findPostgresBin } from '../../test/helpers/postgres.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import { DramalogError, formatIssue, InvalidInputError } from '../domain/errors.ts'
import { ReviewDocument } from '../domain/review.ts'
import { NO_FILTERS } from '../domain/search.ts'
import type { SessionUser } from '../domain/user.ts'
import { readZipEntries } from '../formats/zip.ts'
import { describeBackupTables } from '../store/backup.ts'
import { LATEST_MIGRATION } from '../store/db.ts'
import { findReviewBySlug } from '../store/reviews.ts'
import { getContentVersion, getSiteSettings } from '../store/settings.ts'
import { insertUser } from '../store/users.ts'
import { addUser, login } from './accounts.ts'
import { CHECKSUMS_ENTRY, MANIFEST_ENTRY, readBackupManifest, restoreBackup, writeBackup, type BackupSummary } from './backup.ts'
import { issueFormStamp, moderateComment, postComment, replyAsAuthor } from './comments.ts'
import { cacheActor, logInboxActivity, queueActivity, upsertFollower, upsertFollowing } from '../store/activitypub.ts'
import { confirmByTokenHash, insertSubscriber, queueReviewSends } from '../store/newsletter.ts'
import { deleteDiaryEntry, recordDiaryEntry } from './diary.ts'
import { saveFromEditor } from './edit-review.ts'
import { exportJson } from './export-reviews.ts'
import { addListEntry, createList, deleteList } from './lists.ts'
import { loadDemo } from './load-demo.ts'
import { searchReviews } from './search.ts'
import { updateSettings } from './settings.ts'
import type { Site } from './site.ts'

// Real sites (SQLite files in temp folders, or PostgreSQL databases) and real ZIP files throughout; damaged archives are made by
// rewriting a real backup, so each one differs from a good archive in exactly one way.

const BACKED_UP = [
  'ap_followers', 'ap_following', 'comment_trust', 'comments', 'diary_entries', 'links', 'list_entries', 'lists', 'newsletter_subscribers', 'people',
  'review_people', 'review_tags', 'reviews', 'revisions', 'sections', 'settings', 'songs', 'tags', 'users',
]
const LEFT_OUT = ['ap_actors', 'ap_deliveries', 'ap_inbox_log', 'comment_posts', 'login_throttle', 'newsletter_sends', 'sessions']
// Rewritten by every restore: the restored site's caches must see a new version.
const BOOKKEEPING = ['content_version', 'content_updated_at']

const SLUG = 'paper-lanterns-season-1'
const PASSWORD = 'correct horse battery'
const T0 = new Date('2025-06-01T12:00:00Z')
const later = (ms: number) => new Date(T0.getTime() + ms)

const temps: { remove(): void }[] = []
const urlOf = new WeakMap<Site, string>()
/** The address of a PostgreSQL site's database, as the server reports it. */
async function databaseUrlOf(site: Site): Promise<string> {
  const r = await sql<{ db: string; port: number }>`SELECT current_database() AS db, current_setting('port')::int AS port`.execute(site.db)
  return `postgres://postgres@127.0.0.1:${r.rows[0]!.port}/${r.rows[0]!.db}`
}
const sites: Site[] = []
function tempDir(): string {
  const t = tempDataDir('dramalog-backup-test-')
  temps.push(t)
  return t.dir
}
async function newSite(dir = tempDir()): Promise<Site> {
  const site = await openTestSite(dir)
  sites.push(site)
  if (site.dialect === 'postgres') urlOf.set(site, await databaseUrlOf(site))
  return site
}
afterAll(async () => {
  for (const s of sites) await s.close()
  for (const t of temps) t.remove()
})

type Rows = Record<string, unknown>[]
/** Every row of a table in storage order: by rowid on SQLite, by primary key on PostgreSQL (the order backups write). */
async function rowsOf(site: Site, table: string): Promise<Rows> {
  if (site.dialect === 'sqlite') return (await sql<Record<string, unknown>>`SELECT * FROM ${sql.id(table)} ORDER BY rowid`.execute(site.db)).rows
  const key = await sql<{ name: string }>`
    SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
    WHERE i.indrelid = ${table}::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`.execute(site.db)
  const order = sql.join(key.rows.map((k) => sql.id(k.name)))
  return (await sql<Record<string, unknown>>`SELECT * FROM ${sql.id(table)} ORDER BY ${order}`.execute(site.db)).rows
}
/** The highest id a table's counter handed out (SQLite's AUTOINCREMENT, PostgreSQL's identity sequence). */
async function sequence(site: Site, table: string): Promise<number> {
  const r =
    site.dialect === 'sqlite'
      ? await sql<{ seq: number }>`SELECT seq FROM sqlite_sequence WHERE name = ${table}`.execute(site.db)
      : await sql<{ seq: number }>`SELECT pg_sequence_last_value(pg_get_serial_sequence(${table}, 'id')::regclass) AS seq`.execute(site.db)
  return Number(r.rows[0]?.seq ?? 0)
}

/**
 * Runs statements on another connection to the site's database and returns when they have
 * committed. Synchronous on purpose: called from a progress callback, the writes land between two
 * reads of the backup (psql, a separate process, for PostgreSQL).
 */
function writeFromOutside(site: Site, statements: string[]): void {
  if (site.dialect === 'sqlite') {
    const raw = new Database(join(site.dataDir, 'dramalog.sqlite'))
    for (const s of statements) raw.prepare(s).run()
    raw.close()
    return
  }
  const url = new URL(urlOf.get(site)!)
  const psql = join(findPostgresBin(), 'psql')
  execFileSync(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', url.hostname, '-p', url.port, '-U', url.username, '-d', url.pathname.slice(1), '-c', statements.join('; ')])
}

/** Every file under a folder by `/`-separated relative path, with the SHA-256 of its bytes. */
function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  if (!existsSync(dir)) return out
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue
    const path = join(e.parentPath, e.name)
    out[relative(dir, path).split(sep).join('/')] = createHash('sha256').update(readFileSync(path)).digest('hex')
  }
  return out
}

/** All a restore could change: the JSON export, every table, every media file, the data folder's top level. */
async function stateOf(site: Site) {
  const tables: Record<string, Rows> = {}
  for (const t of [...BACKED_UP, ...LEFT_OUT]) tables[t] = await rowsOf(site, t)
  return { export: await exportJson(site), tables, media: filesUnder(site.mediaDir), dataDir: readdirSync(site.dataDir).sort() }
}

/** The problems a refused restore reported, as the CLI prints them. */
async function problemsOf(p: Promise<unknown>): Promise<string[]> {
  const err = await p.then(() => null, (e: unknown) => e)
  expect(err).toBeInstanceOf(InvalidInputError)
  return (err as InvalidInputError).issues.map(formatIssue)
}

// ---------------------------------------------------------------------------------------------
// The source site: the demo plus everything else a site holds.

let source: Site
let owner: SessionUser
let archive: string
let summary: BackupSummary
let before: Awaited<ReturnType<typeof stateOf>>
const progress: [number, number][] = []

beforeAll(async () => {
  source = await newSite()
  await loadDemo(source)
  const mira = await addUser(source, { username: 'mira', displayName: 'Mira Chen', role: 'owner', password: PASSWORD })
  const bo = await addUser(source, { username: 'bo', displayName: 'Bo', role: 'editor', password: 'another fine password' })
  owner = { id: mira.id, username: mira.username, displayName: mira.displayName, role: mira.role }
  const editor: SessionUser = { id: bo.id, username: bo.username, displayName: bo.displayName, role: bo.role }

  // A revision history: two more saves of one review, by two people.
  const record = (await findReviewBySlug(source.db, SLUG))!
  const second = await saveFromEditor(source, owner, { id: record.id, baseRevision: record.revision, doc: { ...record.doc, headline: 'A Quieter Thriller' } }, later(1000))
  await saveFromEditor(source, editor, { id: record.id, baseRevision: second.revision, doc: { ...record.doc, headline: 'The Slowest Burn', songs: ['Lantern Light (OST)'] } }, later(2000))

  // Diary: a watch linked to the review, a wish; one more entry deleted, so the id counter is past the last row.
  await recordDiaryEntry(source, { title: 'Paper Lanterns', status: 'finished', finishedOn: '2024-03-17', reviewSlug: SLUG, note: 'Cried twice.' }, mira.id, later(3000))
  await recordDiaryEntry(source, { title: 'Moonlit Ledger', status: 'planned' }, mira.id, later(3100))
  await deleteDiaryEntry(source, owner, await recordDiaryEntry(source, { title: 'Gone Soon', status: 'dropped' }, mira.id, later(3200)))

  // Lists: a ranked one linking the review and naming a show, a draft; one deleted, so its counter is past the last row.
  const list = await createList(source, { title: 'Slow Burners', description: 'Take your time.', ranked: 'on', status: 'published' }, mira.id, later(3300))
  await addListEntry(source, list.id, { review: SLUG, note: 'The letters.' }, later(3400))
  await addListEntry(source, list.id, { title: 'Signal', year: '2016', origin: 'Korea' }, later(3500))
  await createList(source, { title: 'Someday', status: 'draft' }, mira.id, later(3600))
  await deleteList(source, (await createList(source, { title: 'Gone Soon' }, mira.id, later(3700))).id)

  // Comments: one trusted and answered (a reply), one marked as spam.
  const stamp = await issueFormStamp(source, T0)
  const ana = await postComment(source, SLUG, { name: 'Ana', email: 'ana@example.org', website: '', body: 'Loved the rain scenes.', url: '', stamp }, { ip: '203.0.113.7' }, later(5000))
  await moderateComment(source, owner, ana.id, 'trust', later(6000))
  await replyAsAuthor(source, owner, ana.id, 'Thank you, Ana!', later(7000))
  const spam = await postComment(source, SLUG, { name: 'Cheap Pills', email: '', website: '', body: 'Buy now.', url: '', stamp }, { ip: '198.51.100.9' }, later(8000))
  await moderateComment(source, owner, spam.id, 'spam', later(9000))

  // The fediverse: a follower and a followed account are kept; the actor cache, the delivery queue and the inbox log are not.
  const remote = { id: 'https://m.example/users/ana', inbox: 'https://m.example/users/ana/inbox', sharedInbox: 'https://m.example/inbox', handle: 'ana@m.example', name: 'Ana', profileUrl: 'https://m.example/@ana' }
  await source.db.transaction().execute(async (trx) => {
    await upsertFollower(trx, { actorId: remote.id, inbox: remote.inbox, sharedInbox: remote.sharedInbox, handle: remote.handle, name: remote.name, profileUrl: remote.profileUrl, followId: 'https://m.example/follows/1', createdAt: later(9100).toISOString() })
    await upsertFollowing(trx, { actorId: remote.id, handle: remote.handle, inbox: remote.inbox, followId: 'https://reviews.example/ap/follows/1', createdAt: later(9200).toISOString() })
  })
  await cacheActor(source.db, { ...remote, keyId: `${remote.id}#main-key`, keyOwner: remote.id, publicKeyPem: 'PEM' }, later(9300).toISOString())
  await queueActivity(source.db, { dedupeKey: 'accept:1', inbox: remote.inbox, activity: '{}', now: later(9400).toISOString() })
  await logInboxActivity(source.db, { activityId: null, type: 'Follow', actorId: remote.id, outcome: 'follower added', body: '{}', receivedAt: later(9500).toISOString() })

  // The newsletter: a confirmed subscriber is kept; the queue of emails is not.
  await source.db.transaction().execute(async (trx) => {
    await insertSubscriber(trx, { email: 'ana@example.org', confirmTokenHash: 'hash', confirmExpiresAt: later(99_000).toISOString(), unsubscribeToken: 'u'.repeat(43), now: later(9600).toISOString() })
    expect(await confirmByTokenHash(trx, 'hash', later(9700).toISOString())).toMatchObject({ state: 'confirmed' })
    expect(await queueReviewSends(trx, record.id, later(9800).toISOString())).toBe(1)
  })

  // Settings, a sign-in and a failed one (sessions and throttles are left out of backups).
  const settings = await getSiteSettings(source.db)
  expect(await updateSettings(source, owner, { ...settings, name: 'Rain Diaries', meter: { ...settings.meter, name: 'Sigh Meter' } })).toMatchObject({ ok: true })
  await login(source, 'mira', PASSWORD, '192.0.2.1')
  await login(source, 'bo', 'not the password', '192.0.2.2').catch(() => null)

  before = await stateOf(source)
  // Everything the tests compare is really there (so "equal after restore" means something).
  for (const t of [...BACKED_UP, ...LEFT_OUT]) expect(before.tables[t]!.length, t).toBeGreaterThan(0)
  expect(Object.keys(before.media).length).toBe(14 * 9)

  archive = join(tempDir(), 'site.zip')
  summary = await writeBackup(source, archive, (done, total) => progress.push([done, total]))
}, 180_000)

describe('writeBackup', () => {
  it('writes the manifest first, every table but the transient ones, every media file, then the checksums', async () => {
    const entries = await readZipEntries(archive, () => true)
    const names = [...entries.keys()]
    expect(names[0]).toBe(MANIFEST_ENTRY)
    expect(names.at(-1)).toBe(CHECKSUMS_ENTRY)
    const tables = names.filter((n) => n.startsWith('tables/')).map((n) => n.slice('tables/'.length, -'.jsonl'.length))
    expect([...tables].sort()).toEqual(BACKED_UP)
    for (const t of LEFT_OUT) expect(names.some((n) => n.includes(t))).toBe(false)
    expect(names.filter((n) => n.startsWith('media/')).map((n) => n.slice('media/'.length)).sort()).toEqual(Object.keys(before.media).sort())
    // Users come before the reviews that name them, reviews before their sections.
    expect(tables.indexOf('users')).toBeLessThan(tables.indexOf('reviews'))
    expect(tables.indexOf('reviews')).toBeLessThan(tables.indexOf('sections'))
    expect(tables.indexOf('reviews')).toBeLessThan(tables.indexOf('comments'))

    const manifest = await readBackupManifest(archive)
    expect(manifest).toMatchObject({ format: 'dramalog-backup', version: 1, schema: LATEST_MIGRATION })
    for (const t of BACKED_UP) expect(manifest.tables[t], t).toBe(before.tables[t]!.length)
    expect(manifest.media).toEqual({
      count: 14 * 9,
      bytes: Object.keys(before.media).reduce((s, p) => s + statSync(join(source.mediaDir, p)).size, 0),
    })
    expect(manifest.sequences.diary_entries).toBe(3)
    expect(manifest.sequences.lists).toBe(3)
    expect(Object.keys(manifest.leftOut ?? {})).toEqual(expect.arrayContaining(LEFT_OUT))
    expect(summary.tables.map((t) => t.name)).toEqual(tables)
    expect(summary.bytes).toBe(statSync(archive).size)

    // Rows are the stored columns, password hashes included; the checksums cover every entry.
    const users = entries.get('tables/users.jsonl')!.toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(users).toEqual(before.tables.users)
    expect(String(users[0]!.password_hash)).toMatch(/^\$argon2/)
    const listed = entries.get(CHECKSUMS_ENTRY)!.toString('utf8').trim().split('\n')
    expect(listed).toHaveLength(names.length - 1)
    for (const line of listed) {
      const [hash, name] = line.split('  ') as [string, string]
      expect(createHash('sha256').update(entries.get(name)!).digest('hex'), name).toBe(hash)
    }
  })

  it('reports progress up to the total of rows and media files', () => {
    const total = BACKED_UP.reduce((s, t) => s + before.tables[t]!.length, 0) + 14 * 9
    expect(progress.length).toBeGreaterThan(10)
    expect(progress.at(-1)).toEqual([total, total])
    expect(progress.every(([d, t], i) => t === total && d > (progress[i - 1]?.[0] ?? 0))).toBe(true)
  })

  it('reads one consistent moment while another connection writes', async () => {
    const site = await newSite()
    const id = await site.db.transaction().execute((trx) => insertUser(trx, { username: 'solo', displayName: 'Solo', passwordHash: 'x', role: 'owner' }, T0.toISOString()))
    const me: SessionUser = { id, username: 'solo', displayName: 'Solo', role: 'owner' }
    for (const title of ['First Light', 'Second Wind']) {
      await saveFromEditor(site, me, { id: null, baseRevision: null, doc: ReviewDocument.parse({ title, intro: 'Words.', status: 'published' }) }, T0)
    }
    for (const title of ['A', 'B', 'C']) await recordDiaryEntry(site, { title, status: 'planned' }, id, T0)
    const moment = await stateOf(site)

    // Another process (here another connection) writes while the backup is being read.
    let wrote = false
    const file = join(tempDir(), 'busy.zip')
    await writeBackup(site, file, () => {
      if (wrote) return
      wrote = true
      writeFromOutside(site, [
        "UPDATE reviews SET title = 'Changed Meanwhile'",
        'DELETE FROM diary_entries',
        "INSERT INTO tags (slug, name, name_key) VALUES ('late', 'Late', 'late')",
      ])
    })
    expect(wrote).toBe(true)
    expect(await rowsOf(site, 'diary_entries')).toEqual([])

    const target = await newSite()
    await restoreBackup(target, file)
    const restored = await stateOf(target)
    expect(restored.export).toBe(moment.export)
    for (const t of BACKED_UP.filter((t) => t !== 'settings')) expect(restored.tables[t], t).toEqual(moment.tables[t])
  })

  it('replaces an existing file only with a complete archive, and leaves no temporary file', async () => {
    const dir = tempDir()
    const file = join(dir, 'nested', 'again.zip')
    await writeBackup(source, file, undefined, later(1))
    await writeBackup(source, file, undefined, later(2))
    expect((await readBackupManifest(file)).createdAt).toBe(later(2).toISOString())
    expect(readdirSync(dirname(file))).toEqual(['again.zip'])
  })

  it('stops, leaving no file at all, when a media file changes while it is being written', async () => {
    const site = await newSite()
    await site.db.transaction().execute((trx) => insertUser(trx, { username: 'solo', displayName: 'Solo', passwordHash: 'x', role: 'owner' }, T0.toISOString()))
    writeFileSync(join(site.mediaDir, 'a.jpg'), 'first version')
    const dir = tempDir()
    const file = join(dir, 'changing.zip')
    let changed = false
    const run = writeBackup(site, file, () => {
      // Listed already (the tables are being read); replaced, as uploads do, before it is copied.
      if (changed) return
      changed = true
      writeFileSync(join(site.mediaDir, 'a.jpg.new'), 'a longer second version')
      renameSync(join(site.mediaDir, 'a.jpg.new'), join(site.mediaDir, 'a.jpg'))
    })
    await expect(run).rejects.toThrow('the media file a.jpg changed while the backup was being written; run the backup again')
    expect(readdirSync(dir)).toEqual([])
  })
})

describe('restoreBackup into an empty site', () => {
  let target: Site
  let restored: BackupSummary

  beforeAll(async () => {
    target = await newSite()
    restored = await restoreBackup(target, archive)
  })

  it('gives the same site: the same export, the same rows, the same media bytes', async () => {
    const after = await stateOf(target)
    expect(after.export).toBe(before.export)
    for (const t of BACKED_UP.filter((t) => t !== 'settings')) expect(after.tables[t], t).toEqual(before.tables[t])
    const settings = (rows: Rows) => rows.filter((r) => !BOOKKEEPING.includes(String(r.key)))
    expect(settings(after.tables.settings!)).toEqual(settings(before.tables.settings!))
    expect(after.media).toEqual(before.media)
    for (const t of LEFT_OUT) expect(after.tables[t], t).toEqual([])
    expect(after.dataDir).toEqual(before.dataDir)
    expect(restored.tables).toEqual(summary.tables)
    expect(restored.media).toEqual(summary.media)
  })

  it('brings the settings and accounts back: the same name, the same passwords', async () => {
    expect((await getSiteSettings(target.db)).name).toBe('Rain Diaries')
    expect((await login(target, 'mira', PASSWORD, '192.0.2.1')).user).toMatchObject({ username: 'mira', role: 'owner' })
  })

  it('bumps the content version past the backed-up one, so caches refresh', async () => {
    expect(await getContentVersion(target.db)).toBeGreaterThan(await getContentVersion(source.db))
  })

  it('rebuilds the search index', async () => {
    const search = async (site: Site, q: string) =>
      (await searchReviews(site, { q, filters: NO_FILTERS, page: 1 })).results?.items.map((i) => i.review.slug) ?? []
    for (const q of ['lanterns', '종이', 'thriller']) {
      const found = await search(target, q)
      expect(found.length, q).toBeGreaterThan(0)
      expect(found, q).toEqual(await search(source, q))
    }
  })

  it('gives new rows fresh ids, past those deleted before the backup', async () => {
    const review = await saveFromEditor(target, owner, { id: null, baseRevision: null, doc: ReviewDocument.parse({ title: 'Brand New Show', status: 'draft' }) }, later(10_000))
    expect(review.id).toBe((await sequence(source, 'reviews')) + 1)
    const entry = await recordDiaryEntry(target, { title: 'Next Watch', status: 'planned' }, owner.id)
    // Entry 3 was deleted before the backup: its id is not handed out again.
    expect(entry).toBe(4)
  })
})

describe('restoreBackup after a restore stopped between placing the media and its commit', () => {
  it('takes the files already in place when they are the backup\'s, byte for byte', async () => {
    const site = await newSite()
    // What the stopped restore left: some of the archive's media files, and no rows.
    for (const path of Object.keys(before.media).slice(0, 2)) {
      mkdirSync(dirname(join(site.mediaDir, path)), { recursive: true })
      copyFileSync(join(source.mediaDir, path), join(site.mediaDir, path))
    }
    await restoreBackup(site, archive)
    const after = await stateOf(site)
    expect(after.export).toBe(before.export)
    expect(after.media).toEqual(before.media)
  })
})

describe('restoreBackup refuses', () => {
  it('a site that is not empty, changing nothing', async () => {
    const site = await newSite()
    const id = await site.db.transaction().execute((trx) => insertUser(trx, { username: 'solo', displayName: 'Solo', passwordHash: 'x', role: 'owner' }, T0.toISOString()))
    await saveFromEditor(site, { id, username: 'solo', displayName: 'Solo', role: 'owner' }, { id: null, baseRevision: null, doc: ReviewDocument.parse({ title: 'Mine' }) }, T0)
    const was = await stateOf(site)
    const err = await restoreBackup(site, archive).then(() => null, (e: unknown) => e)
    expect(err).toBeInstanceOf(DramalogError)
    expect((err as DramalogError).code).toBe('conflict')
    expect((err as Error).message).toMatch(/is not empty \(.*reviews: 1 row.*\); a backup restores only into an empty site/)
    expect(await stateOf(site)).toEqual(was)
  })

  it('a site whose media folder holds files', async () => {
    const site = await newSite()
    writeFileSync(join(site.mediaDir, 'left-over.jpg'), 'bytes')
    await expect(restoreBackup(site, archive)).rejects.toThrow(/not empty \(media: 1 file\)/)
  })

  it('a site whose media folder holds a file of the backup with other bytes, placing none of its files', async () => {
    const site = await newSite()
    const [first] = Object.keys(before.media)
    mkdirSync(dirname(join(site.mediaDir, first!)), { recursive: true })
    writeFileSync(join(site.mediaDir, first!), 'other bytes')
    await expect(restoreBackup(site, archive)).rejects.toThrow(/not empty \(media: 1 file\)/)
    expect(Object.keys((await stateOf(site)).media)).toEqual([first])
  })

  it('a file that is not there', async () => {
    const site = await newSite()
    const missing = join(tempDir(), 'nope.zip')
    expect(await problemsOf(restoreBackup(site, missing))).toEqual([`${missing}:1: (file): no such file`])
  })
})

// ---------------------------------------------------------------------------------------------
// Damaged archives, each restored into the same empty site, which must stay exactly as it was.

type Entries = Map<string, Buffer>

/** Writes `entries` as a ZIP (media stored, the rest deflated), the checksums recomputed unless told not to. */
async function writeArchive(file: string, entries: Entries, recompute = true): Promise<string> {
  if (recompute && entries.has(CHECKSUMS_ENTRY)) {
    const lines = [...entries].filter(([n]) => n !== CHECKSUMS_ENTRY).map(([n, b]) => `${createHash('sha256').update(b).digest('hex')}  ${n}\n`)
    entries.set(CHECKSUMS_ENTRY, Buffer.from(lines.join('')))
  }
  const zip = new yazl.ZipFile()
  for (const [name, data] of entries) zip.addBuffer(data, name, { compress: !name.startsWith('media/'), mtime: T0 })
  zip.end()
  const chunks: Buffer[] = []
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk)
  writeFileSync(file, Buffer.concat(chunks))
  return file
}

/** A copy of the good archive changed by `edit`. */
async function variant(name: string, edit: (entries: Entries) => void, recompute = true): Promise<string> {
  const entries = await readZipEntries(archive, () => true)
  edit(entries)
  return writeArchive(join(dirname(archive), name), entries, recompute)
}

/** Replaces line `n` (1-based) of a table entry. */
function editLine(entries: Entries, entry: string, n: number, change: (line: string) => string): void {
  const lines = entries.get(entry)!.toString('utf8').split('\n')
  lines[n - 1] = change(lines[n - 1]!)
  entries.set(entry, Buffer.from(lines.join('\n')))
}

function editManifest(entries: Entries, change: (m: Record<string, unknown>) => void): void {
  const m = JSON.parse(entries.get(MANIFEST_ENTRY)!.toString('utf8')) as Record<string, unknown>
  change(m)
  entries.set(MANIFEST_ENTRY, Buffer.from(`${JSON.stringify(m, null, 2)}\n`))
}

describe('restoreBackup refuses damaged archives, leaving the site as it was', () => {
  let target: Site
  let empty: Awaited<ReturnType<typeof stateOf>>
  beforeAll(async () => {
    target = await newSite()
    empty = await stateOf(target)
  })
  const refused = async (file: string) => {
    const problems = await problemsOf(restoreBackup(target, file))
    expect(await stateOf(target)).toEqual(empty)
    return problems
  }

  it('a row that is not valid JSON, and one with an unknown column', async () => {
    const file = await variant('bad-rows.zip', (e) => {
      editLine(e, 'tables/reviews.jsonl', 3, (l) => l.slice(0, 40))
      editLine(e, 'tables/tags.jsonl', 2, (l) => l.replace(/^\{/, '{"colour":"red",'))
    })
    const problems = await refused(file)
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^${esc(file)}:tables/reviews\\.jsonl:3: \\(row\\): not valid JSON \\(`)))
    expect(problems).toContain(`${file}:tables/tags.jsonl:2: colour: is not a column of tags`)
    expect(problems).toHaveLength(2)
  })

  it('values of the wrong kind, a missing column and a null where none may be', async () => {
    const file = await variant('bad-values.zip', (e) => {
      editLine(e, 'tables/reviews.jsonl', 1, (l) => l.replace('"year":2024', '"year":"2024"').replace('"slug":"paper-lanterns-season-1"', '"slug":17'))
      editLine(e, 'tables/users.jsonl', 1, (l) => l.replace(/"display_name":"[^"]*",/, '').replace(/"role":"[^"]*"/, '"role":null'))
    })
    expect(await refused(file)).toEqual([
      `${file}:tables/users.jsonl:1: display_name: is missing`,
      `${file}:tables/users.jsonl:1: role: must not be null`,
      `${file}:tables/reviews.jsonl:1: slug: must be text, not the number 17`,
      `${file}:tables/reviews.jsonl:1: year: must be a number, not the text "2024"`,
    ])
  })

  it('a duplicate slug and a section of a review that is not there, found by the database', async () => {
    const file = await variant('bad-keys.zip', (e) => {
      editLine(e, 'tables/reviews.jsonl', 2, (l) => l.replace(/"slug":"[^"]*"/, `"slug":"${SLUG}"`))
      editLine(e, 'tables/sections.jsonl', 4, (l) => l.replace(/"review_id":\d+/, '"review_id":999'))
    })
    const problems = await refused(file)
    expect(problems).toEqual([`${file}:tables/reviews.jsonl:2: slug: "${SLUG}" is used by an earlier row too`])
    // After the first problem rows are only checked, so the orphan section is found alone:
    const orphan = await variant('orphan.zip', (e) => editLine(e, 'tables/sections.jsonl', 4, (l) => l.replace(/"review_id":\d+/, '"review_id":999')))
    expect(await refused(orphan)).toEqual([`${orphan}:tables/sections.jsonl:4: review_id: refers to reviews id 999, which is not in the backup before this row`])
  })

  it('a table with fewer rows than the manifest promises', async () => {
    const file = await variant('short.zip', (e) => {
      const lines = e.get('tables/comments.jsonl')!.toString('utf8').trimEnd().split('\n')
      e.set('tables/comments.jsonl', Buffer.from(`${lines.slice(0, -1).join('\n')}\n`))
    })
    expect(await refused(file)).toEqual([`${file}:tables/comments.jsonl:${before.tables.comments!.length}: (rows): holds ${before.tables.comments!.length - 1} rows where the manifest promises ${before.tables.comments!.length}: the backup is damaged`])
  })

  it('a media file with one byte changed (caught by the checksums, after every row went in)', async () => {
    const poster = `media/posters/${SLUG}.w900.jpg`
    const file = await variant('flipped.zip', (e) => {
      const bytes = Buffer.from(e.get(poster)!)
      const middle = bytes.length >> 1
      bytes.writeUInt8(bytes.readUInt8(middle) ^ 0xff, middle)
      e.set(poster, bytes)
    }, false)
    expect(await refused(file)).toEqual([`${file}:${poster}:1: (content): damaged: its SHA-256 differs from the one in ${CHECKSUMS_ENTRY}`])
    // The staging folder is gone too.
    expect(readdirSync(target.dataDir).filter((n) => n.startsWith('.restore'))).toEqual([])
  })

  it('an archive without its checksums, or with an entry that is not part of a backup', async () => {
    const file = await variant('no-checksums.zip', (e) => {
      e.delete(CHECKSUMS_ENTRY)
      e.set('notes.txt', Buffer.from('hello'))
    })
    expect(await refused(file)).toEqual([
      `${file}:notes.txt:1: (entry): is not part of a Dramalog backup`,
      `${file}:1: ${CHECKSUMS_ENTRY}: is missing: the archive is incomplete`,
    ])
  })

  it('a truncated archive', async () => {
    const file = join(dirname(archive), 'truncated.zip')
    copyFileSync(archive, file)
    truncateSync(file, Math.floor(statSync(file).size / 2))
    expect(await refused(file)).toEqual([expect.stringMatching(new RegExp(`^${esc(file)}:1: \\(archive\\): not a readable ZIP archive`))])
  })

  it('an entry that climbs out of the folder with ../', async () => {
    // yazl refuses to write such a name, so a same-length name is written and patched in place.
    const file = await variant('climb.zip', (e) => e.set('media/zz/evil.txt', Buffer.from('pwned')))
    const bytes = readFileSync(file)
    for (let at = bytes.indexOf('media/zz/evil.txt'); at >= 0; at = bytes.indexOf('media/zz/evil.txt', at + 1)) bytes.write('media/../evil.txt', at)
    writeFileSync(file, bytes)
    expect(await refused(file)).toEqual([`${file}:1: entry media/../evil.txt: refused: the entry has ".." in its path`])
    expect(existsSync(join(target.dataDir, 'evil.txt'))).toBe(false)
  })

  it('a backup from a newer format version or a newer or older schema', async () => {
    const newer = await variant('newer.zip', (e) => editManifest(e, (m) => (m.version = 2)))
    expect(await refused(newer)).toEqual([
      `${newer}:dramalog-backup.json:3: version: the backup is of format version 2, made by a newer Dramalog; this one reads version 1: upgrade Dramalog to restore it`,
    ])
    const future = await variant('future.zip', (e) => editManifest(e, (m) => (m.schema = '9999-future')))
    expect(await refused(future)).toEqual([expect.stringContaining(`${future}:dramalog-backup.json:5: schema: the backup is of the database schema "9999-future", made by a newer Dramalog`)])
    const older = await variant('older.zip', (e) => editManifest(e, (m) => (m.schema = '0005-comments')))
    expect(await refused(older)).toEqual([expect.stringContaining(`${older}:dramalog-backup.json:5: schema: the backup is of the older database schema "0005-comments"`)])
  })

  it('archives that are not Dramalog backups', async () => {
    const zip = await writeArchive(join(dirname(archive), 'other.zip'), new Map([['watched.csv', Buffer.from('Date,Name\n')]]))
    expect(await refused(zip)).toEqual([`${zip}:1: (archive): not a Dramalog backup: it does not start with ${MANIFEST_ENTRY}`])
    const wrong = await variant('wrong-format.zip', (e) => editManifest(e, (m) => (m.format = 'something-else')))
    expect(await refused(wrong)).toEqual([`${wrong}:dramalog-backup.json:2: format: not a Dramalog backup (format "something-else", expected "dramalog-backup")`])
    const text = join(dirname(archive), 'notes.zip')
    writeFileSync(text, 'just text')
    expect(await refused(text)).toEqual([expect.stringMatching(new RegExp(`^${esc(text)}:1: \\(archive\\): not a readable ZIP archive`))])
  })

  it('and afterwards the same empty site takes the good archive', async () => {
    await restoreBackup(target, archive)
    expect(await exportJson(target)).toBe(before.export)
  })
})

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

// ---------------------------------------------------------------------------------------------

describe('backup then restore, for any site', () => {
  // Distinct slugs and distinct source ids: two reviews never come from one source post.
  const docs = fc
    .uniqueArray(reviewDocument.filter((d) => d.slug !== undefined), { minLength: 1, maxLength: 4, selector: (d) => d.slug })
    .filter((ds) => {
      const sources = ds.flatMap((d) => (d.source ? [d.source.id] : []))
      return new Set(sources).size === sources.length
    })
  const media = fc.uniqueArray(
    fc.record({
      dir: fc.constantFrom('', 'posters/', 'uploads/2024/'),
      name: fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,11}\.(jpg|webp|bin|txt)$/),
      bytes: fc.uint8Array({ maxLength: 4000 }),
    }),
    { maxLength: 5, selector: (f) => f.dir + f.name },
  )

  it('gives the same JSON export and the same media bytes', async () => {
    await fc.assert(
      fc.asyncProperty(docs, media, async (documents, files) => {
        const site = await newSite()
        const target = await newSite()
        const id = await site.db.transaction().execute((trx) => insertUser(trx, { username: 'ren', displayName: 'Ren', passwordHash: 'x', role: 'owner' }, T0.toISOString()))
        const me: SessionUser = { id, username: 'ren', displayName: 'Ren', role: 'owner' }
        for (const doc of documents) await saveFromEditor(site, me, { id: null, baseRevision: null, doc }, T0)
        for (const f of files) {
          mkdirSync(join(site.mediaDir, f.dir), { recursive: true })
          writeFileSync(join(site.mediaDir, f.dir, f.name), f.bytes)
        }
        const file = join(tempDir(), 'prop.zip')
        await writeBackup(site, file)
        await restoreBackup(target, file)
        expect(await exportJson(target)).toBe(await exportJson(site))
        expect(filesUnder(target.mediaDir)).toEqual(filesUnder(site.mediaDir))
        expect((await describeBackupTables(target.db)).map((t) => t.name).sort()).toEqual(BACKED_UP)
        await site.close()
        await target.close()
        sites.splice(sites.indexOf(site), 1)
        sites.splice(sites.indexOf(target), 1)
      }),
      { numRuns: 20, endOnFailure: true },
    )
    // Forty new sites, each migrated: on PostgreSQL, on a busy machine, that takes longer than one test usually may.
  }, 240_000)
})
