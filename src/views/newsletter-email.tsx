import type { FC, Child } from 'hono/jsx'
import { type Translator, translatorFor } from '../domain/i18n.ts'
import type { ReviewRecord } from '../domain/records.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { factsLine } from './format.ts'
import { renderDocument } from './render.ts'

// Newsletter emails, HTML and plain text. Mail programs ignore stylesheets and much of CSS, so the
// HTML is tables with inline styles, one column no wider than 600 px; every value is escaped by JSX.
// The words are the site's language's, from the catalogue, and so is the document's `lang`.

const COLORS = { page: '#f4efe8', card: '#ffffff', ink: '#1f1b16', muted: '#6b6259', line: '#e7dfd4', accent: '#b4233c', accentInk: '#ffffff', soft: '#fbe9ec' }
const SERIF = `Georgia, 'Iowan Old Style', 'Palatino Linotype', 'Noto Serif', 'Noto Serif CJK KR', 'Noto Serif CJK JP', serif`
const SANS = `-apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK KR', 'Noto Sans CJK JP', Helvetica, Arial, sans-serif`

/** A message ready for the mailer. */
export type EmailContent = { subject: string; html: string; text: string }

/** Addresses a review email links to, all absolute. */
export type ReviewEmailLinks = { site: string; review: string; unsubscribe: string; poster: string | null }

/** The frame every email shares: a hidden preview line, the site's name, a white card, the footer. */
const Frame: FC<{ settings: SiteSettings; title: string; preview: string; siteUrl: string; footer: Child; children?: Child }> = ({ settings, title, preview, siteUrl, footer, children }) => (
  <html lang={translatorFor(settings.language).lang}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="color-scheme" content="light" />
      <meta name="supported-color-schemes" content="light" />
      <title>{title}</title>
    </head>
    <body style={`margin:0;padding:0;background:${COLORS.page};color:${COLORS.ink};-webkit-text-size-adjust:100%;`}>
      <div style="display:none;max-height:0;overflow:hidden;mso-hide:all;font-size:1px;line-height:1px;color:transparent;">{preview}</div>
      <table role="presentation" width="100%" cellpadding={0} cellspacing={0} border={0} style={`background:${COLORS.page};`}>
        <tr>
          <td align="center" style="padding:24px 12px 32px;">
            <table role="presentation" width="100%" cellpadding={0} cellspacing={0} border={0} style="max-width:600px;width:100%;">
              <tr>
                <td style={`padding:0 8px 16px;font-family:${SERIF};font-size:20px;font-weight:bold;color:${COLORS.ink};`}>
                  <a href={siteUrl} style={`color:${COLORS.ink};text-decoration:none;`}>
                    <span aria-hidden="true">{settings.meter.symbol}</span> {settings.name}
                  </a>
                </td>
              </tr>
              <tr>
                <td style={`background:${COLORS.card};border:1px solid ${COLORS.line};border-radius:14px;overflow:hidden;`}>{children}</td>
              </tr>
              <tr>
                <td style={`padding:20px 12px 0;font-family:${SANS};font-size:13px;line-height:1.6;color:${COLORS.muted};text-align:center;`}>{footer}</td>
              </tr>
            </table>
          </td>
        </tr>
      </table>
    </body>
  </html>
)

/** A button mail programs draw the same way: a coloured table cell around a padded link. */
const Button: FC<{ href: string; label: string }> = ({ href, label }) => (
  <table role="presentation" cellpadding={0} cellspacing={0} border={0} align="center" style="margin:0 auto;">
    <tr>
      <td style={`background:${COLORS.accent};border-radius:999px;`}>
        <a href={href} style={`display:inline-block;padding:14px 28px;font-family:${SANS};font-size:16px;font-weight:bold;color:${COLORS.accentInk};text-decoration:none;border-radius:999px;`}>{label}</a>
      </td>
    </tr>
  </table>
)

const meterLine = ({ t }: Translator, settings: SiteSettings, value: number, max: number) =>
  t(settings.meter.direction === 'lower-is-better' ? 'newsletterMail.meterLower' : 'newsletterMail.meterHigher', { meter: settings.meter.name, value, max, unit: settings.meter.unit })

/** The facts under the title: origin, year, season, platform. */
function factsOf({ t }: Translator, record: ReviewRecord): string {
  const d = record.doc
  const season = d.season ? t('review.seasonN', { season: d.season }) : null
  return [factsLine({ origin: d.origin, year: d.year, platform: null }), season, d.platform].filter(Boolean).join(' · ')
}

const ReviewEmail: FC<{ settings: SiteSettings; record: ReviewRecord; links: ReviewEmailLinks }> = ({ settings, record, links }) => {
  const tr = translatorFor(settings.language)
  const { t } = tr
  const d = record.doc
  const facts = factsOf(tr, record)
  const footer = (
    <>
      <p style="margin:0 0 6px;">{t('newsletterMail.why', { site: settings.name })}</p>
      <p style="margin:0;">
        <a href={links.unsubscribe} style={`color:${COLORS.muted};text-decoration:underline;`}>{t('newsletterMail.unsubscribe')}</a>
        {' · '}
        <a href={links.site} style={`color:${COLORS.muted};text-decoration:underline;`}>{settings.name}</a>
      </p>
    </>
  )
  const title = d.headline ? `${d.title} – ${d.headline}` : d.title
  return (
    <Frame settings={settings} title={title} preview={d.hook ?? d.headline ?? d.title} siteUrl={links.site} footer={footer}>
      <table role="presentation" width="100%" cellpadding={0} cellspacing={0} border={0}>
        {links.poster && (
          <tr>
            <td align="center" style={`padding:28px 24px 4px;background:${COLORS.soft};`}>
              <a href={links.review}>
                <img src={links.poster} width="220" alt={d.poster?.alt ?? t('review.posterAlt', { title: d.title })} style={`display:block;width:220px;max-width:100%;height:auto;border:0;border-radius:10px;`} />
              </a>
              {d.poster?.credit && <p style={`margin:8px 0 18px;font-family:${SANS};font-size:11px;line-height:1.4;color:${COLORS.muted};`}>{d.poster.credit}</p>}
            </td>
          </tr>
        )}
        <tr>
          <td style={`padding:28px 32px 8px;font-family:${SANS};`}>
            <p style={`margin:0 0 14px;font-size:12px;letter-spacing:0.08em;text-transform:uppercase;font-weight:bold;color:${COLORS.accent};`}>
              {t('newsletterMail.newReview')}{facts && ` · ${facts}`}
            </p>
            {d.hook && <p style={`margin:0 0 12px;font-family:${SERIF};font-size:20px;line-height:1.35;font-style:italic;color:${COLORS.muted};`}>{d.hook}</p>}
            <h1 style={`margin:0;font-family:${SERIF};font-size:30px;line-height:1.15;font-weight:bold;color:${COLORS.ink};`}>
              <a href={links.review} style={`color:${COLORS.ink};text-decoration:none;`}>{d.title}</a>
            </h1>
            {d.headline && <p style={`margin:6px 0 0;font-family:${SERIF};font-size:21px;line-height:1.3;color:${COLORS.ink};`}>{d.headline}</p>}
            {d.meter && (
              <p style={`margin:18px 0 0;font-size:15px;line-height:1.5;color:${COLORS.ink};`}>
                <span style="font-size:22px;letter-spacing:2px;" aria-hidden="true">
                  {settings.meter.symbol.repeat(d.meter.value)}
                  <span style="opacity:0.25;">{settings.meter.symbol.repeat(Math.max(0, d.meter.max - d.meter.value))}</span>
                </span>
                <br />
                <span style={`color:${COLORS.muted};font-size:13px;`}>{meterLine(tr, settings, d.meter.value, d.meter.max)}</span>
              </p>
            )}
          </td>
        </tr>
        {d.sections.length > 0 && (
          <tr>
            <td style="padding:16px 32px 4px;">
              <table role="presentation" width="100%" cellpadding={0} cellspacing={0} border={0} style={`border-top:1px solid ${COLORS.line};`}>
                {d.sections.map((s) => (
                  <tr>
                    <td style={`padding:12px 0;border-bottom:1px solid ${COLORS.line};font-family:${SANS};`}>
                      <p style={`margin:0;font-size:12px;letter-spacing:0.06em;text-transform:uppercase;font-weight:bold;color:${COLORS.muted};`}>
                        {s.aspect}
                        {s.score !== null && ` · ${s.score}${s.scoreMax !== null ? `/${s.scoreMax}` : ''}`}
                        {s.spoiler && ` · ${t('newsletterMail.spoilers')}`}
                      </p>
                      {s.verdict && <p style={`margin:2px 0 0;font-family:${SERIF};font-size:17px;line-height:1.4;color:${COLORS.ink};`}>{s.verdict}</p>}
                    </td>
                  </tr>
                ))}
              </table>
            </td>
          </tr>
        )}
        <tr>
          <td style="padding:24px 32px 32px;">
            <Button href={links.review} label={t('newsletterMail.readFull')} />
          </td>
        </tr>
      </table>
    </Frame>
  )
}

/** The plain-text part of a review email: the same content, one thing a line. */
function reviewText(settings: SiteSettings, record: ReviewRecord, links: ReviewEmailLinks): string {
  const tr = translatorFor(settings.language)
  const { t } = tr
  const d = record.doc
  const lines: string[] = [`${settings.name} · ${t('newsletterMail.newReview')}`, '']
  if (d.hook) lines.push(d.hook, '')
  lines.push(d.headline ? `${d.title} – ${d.headline}` : d.title)
  const facts = factsOf(tr, record)
  if (facts) lines.push(facts)
  if (d.meter) lines.push(meterLine(tr, settings, d.meter.value, d.meter.max))
  if (d.sections.length) {
    lines.push('')
    for (const s of d.sections) {
      const score = s.score !== null ? ` (${s.score}${s.scoreMax !== null ? `/${s.scoreMax}` : ''})` : ''
      lines.push(`${s.aspect}${score}${s.verdict ? `: ${s.verdict}` : ''}${s.spoiler ? ` [${t('newsletterMail.spoilers')}]` : ''}`)
    }
  }
  lines.push('', `${t('newsletterMail.readFull')}: ${links.review}`, '', '--', t('newsletterMail.why', { site: settings.name }), `${t('newsletterMail.unsubscribeOneClick')}: ${links.unsubscribe}`, '')
  return lines.join('\n')
}

/** The email of one review for one subscriber (its unsubscribe link is theirs). */
export function renderReviewEmail(settings: SiteSettings, record: ReviewRecord, links: ReviewEmailLinks): EmailContent {
  const d = record.doc
  return {
    subject: d.headline ? `${d.title} – ${d.headline}` : d.title,
    html: renderDocument(<ReviewEmail settings={settings} record={record} links={links} />),
    text: reviewText(settings, record, links),
  }
}

/** A short message with a heading, a paragraph, an optional button and a note under it. */
const NoticeEmail: FC<{ settings: SiteSettings; siteUrl: string; title: string; heading: string; body: string; button: { href: string; label: string } | null; note: string; noteLink?: { href: string; label: string } }> = (p) => (
  <Frame settings={p.settings} title={p.title} preview={p.body} siteUrl={p.siteUrl} footer={<p style="margin:0;"><a href={p.siteUrl} style={`color:${COLORS.muted};text-decoration:underline;`}>{p.settings.name}</a></p>}>
    <table role="presentation" width="100%" cellpadding={0} cellspacing={0} border={0}>
      <tr>
        <td style={`padding:32px 32px 8px;font-family:${SANS};font-size:16px;line-height:1.6;color:${COLORS.ink};`}>
          <h1 style={`margin:0 0 12px;font-family:${SERIF};font-size:26px;line-height:1.2;color:${COLORS.ink};`}>{p.heading}</h1>
          <p style="margin:0;">{p.body}</p>
        </td>
      </tr>
      {p.button && (
        <tr>
          <td style="padding:20px 32px 8px;"><Button href={p.button.href} label={p.button.label} /></td>
        </tr>
      )}
      <tr>
        <td style={`padding:12px 32px 28px;font-family:${SANS};font-size:13px;line-height:1.6;color:${COLORS.muted};`}>
          <p style="margin:0;">{p.note}</p>
          {p.noteLink && <p style="margin:6px 0 0;"><a href={p.noteLink.href} style={`color:${COLORS.accent};`}>{p.noteLink.label}</a></p>}
          {p.button && <p style="margin:10px 0 0;word-break:break-all;"><a href={p.button.href} style={`color:${COLORS.muted};`}>{p.button.href}</a></p>}
        </td>
      </tr>
    </table>
  </Frame>
)

/** The double opt-in email: one link that confirms the subscription. */
export function renderConfirmationEmail(settings: SiteSettings, links: { site: string; confirm: string }, ttlHours: number): EmailContent {
  const { t } = translatorFor(settings.language)
  const subject = t('newsletterMail.confirmSubject', { site: settings.name })
  const heading = t('newsletterMail.confirmHeading')
  const body = t('newsletterMail.confirmBody', { site: settings.name })
  const button = t('newsletterMail.confirmButton')
  const note = t('newsletterMail.confirmIgnore', { count: ttlHours })
  return {
    subject,
    html: renderDocument(
      <NoticeEmail settings={settings} siteUrl={links.site} title={subject} heading={heading} body={body} button={{ href: links.confirm, label: button }} note={note} />,
    ),
    text: [heading, '', body, '', `${button}: ${links.confirm}`, '', note, ''].join('\n'),
  }
}

/** Sent instead of a confirmation to an address that is subscribed already: the page never says which it was. */
export function renderAlreadySubscribedEmail(settings: SiteSettings, links: { site: string; unsubscribe: string }): EmailContent {
  const { t } = translatorFor(settings.language)
  const subject = t('newsletterMail.alreadySubject', { site: settings.name })
  const heading = t('newsletterMail.alreadyHeading')
  const body = t('newsletterMail.alreadyBody', { site: settings.name })
  const unsubscribe = t('newsletterMail.unsubscribe')
  return {
    subject,
    html: renderDocument(
      <NoticeEmail settings={settings} siteUrl={links.site} title={subject} heading={heading} body={body}
        button={null} note={t('newsletterMail.alreadyIgnore')} noteLink={{ href: links.unsubscribe, label: unsubscribe }} />,
    ),
    text: [heading, '', body, '', `${unsubscribe}: ${links.unsubscribe}`, ''].join('\n'),
  }
}
