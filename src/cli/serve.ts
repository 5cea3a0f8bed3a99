import { loadConfig } from '../config.ts'
import { loadDemo } from '../services/load-demo.ts'
import { openSite } from '../services/site.ts'
import { publishScheduled } from '../services/edit-review.ts'
import { removeExpiredSessions } from '../services/accounts.ts'
import { deliverDue } from '../services/fediverse-delivery.ts'
import { sendDueNewsletters } from '../services/newsletter-delivery.ts'
import { startServer } from '../web/server.ts'
import { type Command, UsageError } from './command.ts'
import { createProgress } from './progress.ts'

export const serveCommand: Command = {
  name: 'serve',
  usage: `Usage: dramalog serve [--port N] [--host ADDRESS]

Serves the site. On the first start with an empty data directory the demo
reviews are loaded so there is something to see.

  --port N        port to listen on (default: $PORT or 3000)
  --host ADDRESS  address to listen on (default: all)
  -h, --help      show this help`,
  options: { port: { type: 'string' }, host: { type: 'string' } },
  async run({ values }) {
    const config = loadConfig()
    const port = values.port === undefined ? config.port : Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got "${String(values.port)}"`)
    const site = await openSite(config)
    if (site.isNew) {
      const progress = createProgress('Loading demo content')
      const result = await loadDemo(site, (d, t, label) => progress.update(d, t, label)).finally(() => progress.stop())
      process.stdout.write(`New site in ${site.dialect === 'postgres' ? 'PostgreSQL' : config.dataDir}: loaded ${result.created.length} demo reviews.\n`)
    }
    // Scheduled reviews go live on time, also those whose time passed while the server was down.
    const published = (slugs: string[]) => {
      for (const slug of slugs) process.stdout.write(`Published scheduled review ${slug}\n`)
    }
    const publish = () =>
      Promise.all([publishScheduled(site).then(published), removeExpiredSessions(site)]).catch((err: unknown) => console.error('background work failed:', err))
    await publish()
    const timer = setInterval(publish, config.publishIntervalSeconds * 1000)
    timer.unref()
    // Queued activities for the fediverse (new reviews for followers, Accepts, Follows); each
    // round waits for the previous one, and every app server may run one.
    let delivering: Promise<unknown> | null = null
    const deliver = () => {
      delivering ??= deliverDue(site)
        .catch((err: unknown) => console.error('fediverse delivery failed:', err))
        .finally(() => (delivering = null))
    }
    const deliveryTimer = setInterval(deliver, config.deliveryIntervalSeconds * 1000)
    deliveryTimer.unref()
    // Queued newsletter emails, worked the same way: rounds never overlap, and every app server may run one.
    let mailing: Promise<unknown> | null = null
    const mail = () => {
      mailing ??= sendDueNewsletters(site)
        .catch((err: unknown) => console.error('newsletter sending failed:', err))
        .finally(() => (mailing = null))
    }
    const mailTimer = site.mail ? setInterval(mail, config.newsletterIntervalSeconds * 1000) : null
    mailTimer?.unref()
    const host = typeof values.host === 'string' ? values.host : undefined
    const { port: bound, server } = await startServer(site, port, host)
    const where = site.dialect === 'postgres' ? `PostgreSQL, media: ${site.mediaDir}` : `data: ${config.dataDir}`
    process.stdout.write(`Dramalog is serving http://localhost:${bound}/ (${where})\n`)
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve())
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    clearInterval(timer)
    clearInterval(deliveryTimer)
    if (mailTimer) clearInterval(mailTimer)
    await delivering
    await mailing
    await site.close()
    return 0
  },
}
