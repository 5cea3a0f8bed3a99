import nodemailer from 'nodemailer'
import type { MailConfig } from '../config.ts'
import type { EmailContent } from '../views/newsletter-email.tsx'

/** One email to one address, with extra headers (List-Unsubscribe and friends). */
export type OutgoingMail = EmailContent & { to: string; headers?: Record<string, string> }

/** Why a send failed, and whether trying again can help (SMTP's 5xx answers say it cannot). */
export class MailError extends Error {
  override name = 'MailError' as const
  constructor(message: string, readonly permanent: boolean, options?: { cause?: unknown }) {
    super(message, options)
  }
}

export type Mailer = { send(mail: OutgoingMail): Promise<void>; close(): void }

/**
 * A connection to the configured SMTP server for a round of sends. Time limits are short: a mail
 * server that does not answer fails this attempt, and the queue tries again later.
 */
export function openMailer(config: MailConfig): Mailer {
  const transport = nodemailer.createTransport({
    url: config.smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as Parameters<typeof nodemailer.createTransport>[0])
  return {
    async send(mail) {
      try {
        await transport.sendMail({ from: config.from, to: mail.to, subject: mail.subject, html: mail.html, text: mail.text, headers: mail.headers })
      } catch (err) {
        const code = (err as { responseCode?: unknown }).responseCode
        const permanent = typeof code === 'number' && code >= 500 && code < 600
        throw new MailError(`${code ? `${code} ` : ''}${(err as Error).message}`.slice(0, 500), permanent, { cause: err })
      }
    },
    close: () => transport.close(),
  }
}
