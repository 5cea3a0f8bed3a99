import { defineConfig } from 'vitest/config'

// The store and service suites run twice, on SQLite and on a real PostgreSQL server started by
// test/setup/postgres.ts; the results are reported per project (`|sqlite|`, `|postgres|`).
const DATABASE_SUITES = ['src/store/**/*.test.ts', 'src/services/**/*.test.ts']
// Service tests that use no database run once, in the sqlite project.
const WITHOUT_DATABASE = ['src/services/wordpress-media.test.ts']

export default defineConfig({
  test: {
    testTimeout: 90_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      // Pure code without databases or servers: one worker process runs all these files, importing the sources once.
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
