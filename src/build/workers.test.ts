import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromeFor } from '../pages/public-pages.tsx'
import { loadDemo } from '../services/load-demo.ts'
import { loadSiteLists, type SiteLists } from '../services/site-lists.ts'
import { openSite, type Site } from '../services/site.ts'
import { browseJob, homeJob } from './jobs.ts'
import type { RenderOptions } from './render.ts'
import { RenderPool } from './workers.ts'

// The worker pool on a real site: pages come out as the main thread would write them, and a page
// that cannot be rendered fails the run with its address, leaving no thread behind.
const dir = mkdtempSync(join(tmpdir(), 'dramalog-pool-'))
let site: Site
let lists: SiteLists
let options: RenderOptions

beforeAll(async () => {
  site = await openSite({ dataDir: join(dir, 'data'), databaseUrl: null })
  await loadDemo(site)
  lists = await loadSiteLists(site)
  options = { chrome: chromeFor(site, lists.settings, { comments: { kind: 'closed' } }), basePath: '/', feedBaseUrl: 'http://localhost/', emptyFeedUpdated: new Date(0).toISOString() }
}, 120_000)

afterAll(async () => {
  await site.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('RenderPool', () => {
  it('renders and writes batches on worker threads', async () => {
    const out = join(dir, 'ok')
    const pool = new RenderPool(2, { dataDir: site.dataDir, databaseUrl: null, baseUrl: null })
    try {
      await pool.init(lists, options, out)
      const results: string[] = []
      await pool.run(
        [[{ job: homeJob(1), file: 'index.html', previous: undefined }], [{ job: browseJob('tag', 'thriller', 'newest', 1), file: 'tag/thriller/index.html', previous: undefined }]],
        (batch, r) => batch.forEach((t, i) => r[i]!.written && results.push(t.file)),
      )
      expect(results.sort()).toEqual(['index.html', 'tag/thriller/index.html'])
      expect(readFileSync(join(out, 'tag/thriller/index.html'), 'utf8')).toContain('<h1>Tagged thriller</h1>')
    } finally {
      await pool.close()
    }
  }, 60_000)

  it('fails the run with the page that could not be rendered, and stops every worker', async () => {
    const out = join(dir, 'bad')
    const pool = new RenderPool(2, { dataDir: site.dataDir, databaseUrl: null, baseUrl: null })
    await pool.init(lists, options, out)
    const run = pool.run([[{ job: browseJob('tag', 'no-such-tag', 'newest', 1), file: 'tag/no-such-tag/index.html', previous: undefined }]], () => {})
    await expect(run).rejects.toThrow(/rendering \/tag\/no-such-tag and the pages after it failed: no browse page/)
    // Stopped: closing finds no worker left to wait for.
    await pool.close()
    expect(existsSync(join(out, 'tag/no-such-tag/index.html'))).toBe(false)
  }, 60_000)
})
