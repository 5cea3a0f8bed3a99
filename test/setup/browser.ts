import { chromium } from 'playwright-core'
import type { TestProject } from 'vitest/node'
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/browser.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The address of the run's headless Chromium; each test connects and opens its own fresh contexts there. */
    chromiumEndpoint: string
  }
}

/**
 * Global setup of the `app` test project: one headless Chromium for the whole run, instead of a
 * browser started for every test. Tests reach it through test/helpers/browser.ts; every context
 * they open starts empty (no cookies, no storage), as a new browser would.
 */
export default async function setup(project: TestProject) {
  const server = await chromium.launchServer({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
  project.provide('chromiumEndpoint', server.wsEndpoint())
  return () => server.close()
}
