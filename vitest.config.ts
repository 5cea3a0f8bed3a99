import { availableParallelism } from 'node:os'
import { relative } from 'node:path'
import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

// The store and service suites run twice, on SQLite and on a real PostgreSQL server started by
// test/setup/postgres.ts; the results are reported per project (`|sqlite|`, `|postgres|`).
const DATABASE_SUITES = ['src/store/**/*.test.ts', 'src/services/**/*.test.ts']
// Service tests that use no database run once, in the sqlite project.
const WITHOUT_DATABASE = ['src/services/wordpress-media.test.ts', 'src/services/import-thread-scan.test.ts']

// Without a duration from an earlier run, a file of the browser and server tests is likely the
// slowest, then one run on PostgreSQL, then on SQLite, then a unit test file.
const LIKELY_SLOWEST = ['app', 'postgres', 'sqlite', 'unit']

/**
 * Starts the slowest files first, whatever their project, so that the run does not end waiting on
 * one long file started last: by their duration in the last run (kept in Vitest's cache), files
 * with none first, by project as above and then the largest first.
 */
class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache
    const key = (f: TestSpecification) => `${f.project.name}:${relative(this.ctx.config.root, f.moduleId)}`
    const duration = (f: TestSpecification) => cache.getFileTestResults(key(f))?.duration
    const rank = (f: TestSpecification) => LIKELY_SLOWEST.indexOf(f.project.name)
    const size = (f: TestSpecification) => cache.getFileStats(key(f))?.size ?? 0
    return [...files].sort((a, b) => {
      const [da, db] = [duration(a), duration(b)]
      if (da === undefined || db === undefined) {
        if (da !== db) return da === undefined ? -1 : 1
        return rank(a) - rank(b) || size(b) - size(a)
      }
      return db - da
    })
  }
}

export default defineConfig({
  test: {
    testTimeout: 90_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most of a browser or server test's time is spent waiting for another process (the server,
    // Chromium, PostgreSQL): one worker more than there are cores keeps them all busy.
    maxWorkers: availableParallelism() + 1,
    sequence: { sequencer: SlowestFirst },
    projects: [
      // Pure code without databases or servers: a worker process runs file after file without starting anew, importing the sources once.
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'src/**/*.test.tsx'], exclude: DATABASE_SUITES, isolate: false } },
      { extends: true, test: { name: 'sqlite', include: DATABASE_SUITES, env: { DRAMALOG_TEST_DIALECT: 'sqlite' } } },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: [...DATABASE_SUITES, 'test/postgres/**/*.test.ts'],
          exclude: WITHOUT_DATABASE,
          env: { DRAMALOG_TEST_DIALECT: 'postgres' },
          globalSetup: ['test/setup/postgres.ts'],
        },
      },
      // The CLI, the HTTP server and the browser, on SQLite (test/postgres runs them on PostgreSQL: a cluster, migrate-db).
      // One Chromium and one demo site for the whole run (test/setup/browser.ts, test/setup/demo-site.ts).
      {
        extends: true,
        test: { name: 'app', include: ['test/**/*.test.ts'], exclude: ['test/postgres/**'], globalSetup: ['test/setup/browser.ts', 'test/setup/demo-site.ts'] },
      },
    ],
  },
})
