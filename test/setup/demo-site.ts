import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** A folder of this run where the first test that needs the demo site keeps a copy (see demoSite in test/helpers/server.ts). */
    demoSiteCache: string
  }
}

/**
 * Global setup of the `app` test project: a folder for this run's demo site, made by
 * `dramalog demo` once when a test first asks for it and copied into every test's data folder
 * after, instead of rendering the same posters again in every file. Removed after the run.
 */
export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'dramalog-demo-cache-'))
  project.provide('demoSiteCache', dir)
  return () => rmSync(dir, { recursive: true, force: true })
}
