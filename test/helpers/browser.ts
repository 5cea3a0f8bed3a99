import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core'
import { inject } from 'vitest'

/** Debian's Chromium; CI installs it with apt-get (see .ci/run). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

// The machine's network is closed: background networking would only produce refused connections.
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run']

/**
 * The run's shared Chromium (started by test/setup/browser.ts) when there is one, else a browser
 * of our own. Either way the caller gets its own connection, which `close()` ends.
 */
async function connectChromium(): Promise<Browser> {
  let endpoint: string | undefined
  try {
    endpoint = inject('chromiumEndpoint')
  } catch {
    endpoint = undefined
  }
  if (endpoint) return chromium.connect(endpoint)
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
}

/** Opens a fresh browser context (no cookies, no storage, its own options); `close` ends it. */
export async function launchBrowser(options: BrowserContextOptions = {}) {
  const browser = await connectChromium()
  const context = await browser.newContext(options)
  return {
    context,
    async close() {
      await context.close()
      await browser.close()
    },
  }
}

/** Headless Chromium for tests that need several contexts (say, with and without the site's CSP); `close()` ends it. */
export function launchChromium(): Promise<Browser> {
  return connectChromium()
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export type Violation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }

/** Runs axe-core on the page and returns its serious and critical violations. */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ content: AXE })
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: Violation[] }> } }).axe
    return (await axe.run(document)).violations
  })
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

/** One readable line per violation, naming up to three of the elements it found. */
export const describeViolations = (vs: Violation[]) =>
  vs.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`)
