import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

const MANIFEST_VERSION = 3

/** What the manifest knows of one file the build wrote. */
export type ManifestFile = {
  /** Path below the output folder (`reviews/paper-lanterns/index.html`). */
  path: string
  /** The group of pages it belongs to (`review:12`, `tag:thriller`…): what an edit can make stale. */
  group: string
  /** Hash of what the file was made from; equal inputs make an equal file, so it is not rendered again. */
  input: string
  /** Hash of the file's content. */
  hash: string
}

/** What the manifest knows of one published review: how it looked, the groups it appeared in, the search shards its words are in. */
export type ManifestReview = { id: number; fingerprint: string; groups: string[]; shards: string[] }

/**
 * The static build's manifest: every file it wrote with the hash of its inputs and content, and
 * every published review with its fingerprint, so the next build can tell what changed. It lives in
 * a SQLite file of its own in the data folder, apart from the output (which gets published) and
 * from the site's database (which may be PostgreSQL).
 */
export class BuildManifest {
  private constructor(private readonly db: Database.Database) {}

  static open(file: string): BuildManifest {
    mkdirSync(dirname(file), { recursive: true })
    const db = new Database(file)
    // The manifest is a cache of the output folder: one of an older shape is started afresh.
    if ((db.pragma('user_version', { simple: true }) as number) !== MANIFEST_VERSION) {
      db.exec('DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS reviews;')
      db.pragma(`user_version = ${MANIFEST_VERSION}`)
    }
    db.pragma('journal_mode = WAL')
    db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, grp TEXT NOT NULL, input TEXT NOT NULL, hash TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS files_grp ON files (grp);
      CREATE TABLE IF NOT EXISTS reviews (id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL, groups TEXT NOT NULL, shards TEXT NOT NULL);
      -- Every build reads all fingerprints: from this index, without the wide rows.
      CREATE INDEX IF NOT EXISTS reviews_fingerprint ON reviews (id, fingerprint);
    `)
    return new BuildManifest(db)
  }

  meta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value
  }

  setMeta(entries: Record<string, string>): void {
    const put = this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(entries)) put.run(k, v)
    })()
  }

  /** Every file, by path. */
  allFiles(): Map<string, ManifestFile> {
    const rows = this.db.prepare('SELECT path, grp AS "group", input, hash FROM files').all() as ManifestFile[]
    return new Map(rows.map((r) => [r.path, r]))
  }

  /** The files of some groups, by path. */
  filesOf(groups: Iterable<string>): Map<string, ManifestFile> {
    const stmt = this.db.prepare('SELECT path, grp AS "group", input, hash FROM files WHERE grp = ?')
    const out = new Map<string, ManifestFile>()
    for (const g of groups) for (const r of stmt.all(g) as ManifestFile[]) out.set(r.path, r)
    return out
  }

  fileCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM files').get() as { n: number }).n
  }

  /** Every review's fingerprint, by id: enough to tell which changed. */
  fingerprints(): Map<number, string> {
    const rows = this.db.prepare('SELECT id, fingerprint FROM reviews').raw().all() as [number, string][]
    return new Map(rows)
  }

  /** What the manifest knows of some reviews. */
  reviews(ids: Iterable<number>): Map<number, ManifestReview> {
    const stmt = this.db.prepare('SELECT id, fingerprint, groups, shards FROM reviews WHERE id = ?')
    const out = new Map<number, ManifestReview>()
    for (const id of ids) {
      const r = stmt.get(id) as { id: number; fingerprint: string; groups: string; shards: string } | undefined
      if (r) out.set(id, { id, fingerprint: r.fingerprint, groups: JSON.parse(r.groups) as string[], shards: JSON.parse(r.shards) as string[] })
    }
    return out
  }

  /**
   * Records one build's outcome in one transaction: files written or confirmed, files removed,
   * reviews seen and gone. `replaceAll` empties the tables first (a full build).
   */
  commit(change: { files: ManifestFile[]; removedFiles: string[]; reviews: ManifestReview[]; removedReviews: number[]; replaceAll: boolean }): void {
    const putFile = this.db.prepare('INSERT INTO files (path, grp, input, hash) VALUES (?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET grp = excluded.grp, input = excluded.input, hash = excluded.hash')
    const dropFile = this.db.prepare('DELETE FROM files WHERE path = ?')
    const putReview = this.db.prepare(
      'INSERT INTO reviews (id, fingerprint, groups, shards) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, groups = excluded.groups, shards = excluded.shards',
    )
    const dropReview = this.db.prepare('DELETE FROM reviews WHERE id = ?')
    this.db.transaction(() => {
      if (change.replaceAll) this.db.exec('DELETE FROM files; DELETE FROM reviews;')
      for (const p of change.removedFiles) dropFile.run(p)
      for (const f of change.files) putFile.run(f.path, f.group, f.input, f.hash)
      for (const id of change.removedReviews) dropReview.run(id)
      for (const r of change.reviews) putReview.run(r.id, r.fingerprint, JSON.stringify(r.groups), JSON.stringify(r.shards))
    })()
  }

  close(): void {
    this.db.close()
  }
}
