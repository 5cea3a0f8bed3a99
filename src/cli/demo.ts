import { loadDemo } from '../services/load-demo.ts'
import type { Command } from './command.ts'
import { withSite } from './open.ts'
import { createProgress } from './progress.ts'

export const demoCommand: Command = {
  name: 'demo',
  usage: `Usage: dramalog demo

Loads the demo reviews into the site, with generated posters. Running it again
updates them instead of adding copies.`,
  options: {},
  async run() {
    const progress = createProgress('Loading demo')
    const result = await withSite((site) => loadDemo(site, (d, t, label) => progress.update(d, t, label))).finally(() => progress.stop())
    process.stdout.write(`Demo loaded: ${result.created.length} new, ${result.updated.length} updated.\n`)
    return 0
  },
}
