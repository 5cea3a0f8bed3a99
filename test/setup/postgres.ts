import type { TestProject } from 'vitest/node'
import { startPostgres } from '../helpers/postgres.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test PostgreSQL server's `postgres` database; tests create their own databases through it. */
    postgresAdminUrl: string
  }
}

/**
 * Global setup of the `postgres` test project: one throwaway PostgreSQL server for the whole run.
 * Each test file makes its own databases on it, so files run in parallel. The returned teardown
 * stops the server and removes its folder, whether tests passed or not.
 */
export default async function setup(project: TestProject) {
  const server = await startPostgres()
  project.provide('postgresAdminUrl', server.adminUrl)
  return () => server.stop()
}
