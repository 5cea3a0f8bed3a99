import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect } from 'vitest'
import { demoSite, runCli, startServer, tempDataDir, type RunningServer } from './server.ts'

/** The password of `mira` (Mira Chen), the owner account of an adminSite. */
export const PASSWORD = 'correct horse battery'

/** The sign-in form's labels in the site's language. */
export type SignInLabels = { username: string; password: string; submit: string }
export const ENGLISH_SIGN_IN: SignInLabels = { username: 'Username', password: 'Password', submit: 'Sign in' }

export type AdminSite = {
  /** The site's data folder. */
  readonly dir: string
  /** The running server, and its address (both new after `restart`). */
  readonly server: RunningServer
  readonly url: string
  /** Stops the server, runs `whileStopped` (which may change the site's settings, say), and serves the folder again. */
  restart(whileStopped?: () => Promise<void>): Promise<void>
  /** Signs `page` in as mira through the login form and waits for the dashboard. */
  signIn(page: Page, labels?: SignInLabels): Promise<void>
}

/**
 * The site a browser test file works on: before its tests, the demo site in a fresh data folder,
 * the owner account mira, whatever `prepare` adds to the folder, and a real `dramalog serve` (with
 * `env`); after them, the server stopped and the folder removed.
 */
export function adminSite(options: { prepare?: (dir: string) => Promise<void>; env?: Record<string, string> } = {}): AdminSite {
  const data = tempDataDir()
  let server: RunningServer | undefined
  const running = () => {
    if (!server) throw new Error('the site is not running: adminSite serves it from the beforeAll hook on')
    return server
  }
  beforeAll(async () => {
    await demoSite(data.dir)
    expect((await runCli(['user', 'add', 'mira', '--name', 'Mira Chen'], data.dir, `${PASSWORD}\n`)).code).toBe(0)
    await options.prepare?.(data.dir)
    server = await startServer(data.dir, options.env)
  }, 180_000)
  afterAll(async () => {
    await server?.stop()
    data.remove()
  })
  return {
    dir: data.dir,
    get server() {
      return running()
    },
    get url() {
      return running().url
    },
    async restart(whileStopped) {
      await running().stop()
      server = undefined
      await whileStopped?.()
      server = await startServer(data.dir, options.env)
    },
    async signIn(page, labels = ENGLISH_SIGN_IN) {
      const url = running().url
      await page.goto(`${url}/admin/login`)
      await page.getByLabel(labels.username).fill('mira')
      await page.getByLabel(labels.password).fill(PASSWORD)
      await page.getByRole('button', { name: labels.submit }).click()
      await page.waitForURL(`${url}/admin`)
    },
  }
}
