import type { AddressInfo } from 'node:net'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

/** A message the test mail server accepted: who it was for, and the parsed message. */
export type ReceivedMail = { to: string[]; from: string; raw: string; parsed: ParsedMail; header(name: string): string | undefined }

export const SMTP_USER = 'dramalog'
export const SMTP_PASSWORD = 'mail-secret-42'

/**
 * A real SMTP server on 127.0.0.1 that keeps every message it accepts. It asks for the
 * credentials above (over the plain connection: a test on one machine), so `url` is what
 * SMTP_URL would be. `stop()` closes it; `start()` opens it again on the same port.
 */
export class TestMailServer {
  readonly messages: ReceivedMail[] = []
  private server: SMTPServer | null = null
  port = 0
  /** Set to make the server refuse every recipient with this SMTP reply code (550, 450…). */
  refuseWith: number | null = null

  get url(): string {
    return `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${this.port}`
  }

  async start(port = this.port): Promise<this> {
    const server = new SMTPServer({
      authOptional: false,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (auth, _session, cb) => {
        if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) cb(null, { user: auth.username })
        else cb(new Error('Invalid username or password'))
      },
      onRcptTo: (_address, _session, cb) => {
        if (this.refuseWith === null) return cb()
        const err = new Error('Mailbox refused') as Error & { responseCode: number }
        err.responseCode = this.refuseWith
        cb(err)
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = []
        stream.on('data', (c: Buffer) => chunks.push(c))
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8')
          simpleParser(raw).then(
            (parsed) => {
              this.messages.push({
                to: session.envelope.rcptTo.map((r) => r.address),
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                raw,
                parsed,
                header: (name) => headerOf(raw, name),
              })
              cb()
            },
            (err: Error) => cb(err),
          )
        })
      },
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve())
    })
    server.on('error', () => {})
    this.server = server
    this.port = (server.server.address() as AddressInfo).port
    return this
  }

  async stop(): Promise<void> {
    const server = this.server
    this.server = null
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /** Messages addressed to `email`. */
  to(email: string): ReceivedMail[] {
    return this.messages.filter((m) => m.to.includes(email))
  }

  /** Waits until `count` messages have arrived for `email` (or `timeoutMs` passed), then returns them. */
  async waitFor(email: string, count = 1, timeoutMs = 15_000): Promise<ReceivedMail[]> {
    const until = Date.now() + timeoutMs
    while (this.to(email).length < count) {
      if (Date.now() > until) throw new Error(`expected ${count} email(s) to ${email} within ${timeoutMs} ms, got ${this.to(email).length}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    return this.to(email)
  }
}

/** A header of a raw message as sent (folded lines joined), or undefined. */
function headerOf(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ')
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
  return line?.slice(name.length + 1).trim()
}

/** Starts a test mail server on a free port. */
export const startMailServer = () => new TestMailServer().start(0)
