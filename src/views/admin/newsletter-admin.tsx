import type { FC } from 'hono/jsx'
import type { NewsletterOverview } from '../../services/newsletter.ts'
import { AdminLayout, CsrfField, type AdminChrome } from './admin-layout.tsx'

/** Interface strings of the admin's Newsletter page. */
const TEXT = {
  title: 'Newsletter',
  kicker: 'Owners and editors',
  setupTitle: 'Sending',
  notConfigured: 'No mail server is configured, so the sign-up form is hidden and nothing is queued. Set SMTP_URL (such as smtp://user:password@mail.example.com:587) and NEWSLETTER_FROM (such as "Rain Diaries <reviews@example.com>") in the environment of every app server, then restart them.',
  noBase: 'The site has no public address yet, so emails could not link to it: the sign-up form stays hidden until one is set in Settings or with DRAMALOG_BASE_URL.',
  server: 'Mail server',
  from: 'Sender',
  how: 'Each review is emailed once to every confirmed subscriber when it is published (from the editor or by its schedule). Failed emails are tried again after 30 s, 2 min, 10 min, 1 h, 3 h and 12 h.',
  testTitle: 'Send a test email',
  testButton: 'Send the newest review',
  subscribersTitle: 'Subscribers',
  counts: (c: NewsletterOverview['subscriberCounts']) => `${c.confirmed} confirmed · ${c.pending} waiting for confirmation · ${c.unsubscribed} unsubscribed`,
  none: 'Nobody has subscribed yet.',
  shownNewest: (n: number) => `The newest ${n} are shown.`,
  remove: 'Remove',
  removeLabel: (email: string) => `Remove ${email} from the list`,
  queueTitle: 'Queue',
  queueCounts: (c: NewsletterOverview['sendCounts']) => `${c.pending} waiting · ${c.sent} sent · ${c.failed} given up`,
  queueEmpty: 'Nothing has been sent yet.',
  attempts: (n: number) => `${n} ${n === 1 ? 'attempt' : 'attempts'}`,
  states: { pending: 'waiting', confirmed: 'confirmed', unsubscribed: 'unsubscribed' },
} as const

const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`
const badge = (status: string) => (status === 'sent' || status === 'confirmed' ? 'published' : status === 'failed' || status === 'unsubscribed' ? 'unpublished' : 'scheduled')

/** Subscribers, the sending queue and the mail setup; owners and editors. */
export const NewsletterAdminPage: FC<{ chrome: AdminChrome; overview: NewsletterOverview; notice?: string | null; error?: string | null; testTo?: string }> = ({
  chrome, overview: o, notice, error, testTo,
}) => {
  const shownFrom = o.subscribers.length
  const total = o.subscriberCounts.pending + o.subscriberCounts.confirmed + o.subscriberCounts.unsubscribed
  return (
    <AdminLayout chrome={chrome} title={TEXT.title} active="newsletter" notice={notice}>
      <div class="editor-head"><div><p class="kicker">{TEXT.kicker}</p><h1>{TEXT.title}</h1></div></div>
      <div class="fediverse-grid">
        <section class="panel" aria-labelledby="nl-setup">
          <h2 class="panel-title" id="nl-setup">{TEXT.setupTitle}</h2>
          {!o.mail.configured ? (
            <p class="form-error">{TEXT.notConfigured}</p>
          ) : (
            <>
              <dl class="newsletter-setup">
                <div><dt>{TEXT.server}</dt><dd><code>{o.mail.server}</code></dd></div>
                <div><dt>{TEXT.from}</dt><dd>{o.mail.from}</dd></div>
              </dl>
              {!o.base && <p class="form-error">{TEXT.noBase}</p>}
              <p class="hint">{TEXT.how}</p>
              <form method="post" action="/admin/newsletter/test" class="fedi-follow">
                <CsrfField token={chrome.csrf} />
                <label class={`field${error ? ' has-error' : ''}`}>
                  <span>{TEXT.testTitle}</span>
                  <input name="to" type="email" value={testTo ?? ''} placeholder="you@example.com" required aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'test-error' : undefined} />
                  {error && <span class="field-error" id="test-error">{error}</span>}
                </label>
                <button type="submit" class="button">{TEXT.testButton}</button>
              </form>
            </>
          )}
        </section>
        <section class="panel" aria-labelledby="nl-queue">
          <h2 class="panel-title" id="nl-queue">{TEXT.queueTitle}</h2>
          <p>{TEXT.queueCounts(o.sendCounts)}</p>
          {o.sends.length === 0 ? <p class="muted">{TEXT.queueEmpty}</p> : (
            <ul class="fedi-list">
              {o.sends.map((s) => (
                <li>
                  <span class={`status status-${badge(s.status)}`}>{s.status}</span>{' '}
                  <strong>{s.reviewTitle}</strong> → <span class="fedi-url">{s.email}</span>{' '}
                  <span class="muted">{TEXT.attempts(s.attempts)}{s.lastError ? `: ${s.lastError}` : ''}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="panel newsletter-subscribers" aria-labelledby="nl-subscribers">
          <h2 class="panel-title" id="nl-subscribers">{TEXT.subscribersTitle} ({total})</h2>
          <p>{TEXT.counts(o.subscriberCounts)}</p>
          {o.subscribers.length === 0 ? <p class="muted">{TEXT.none}</p> : (
            <>
              {total > shownFrom && <p class="hint">{TEXT.shownNewest(shownFrom)}</p>}
              <ul class="fedi-list subscriber-list">
                {o.subscribers.map((s) => (
                  <li>
                    <span class="subscriber-email">{s.email}</span>{' '}
                    <span class={`status status-${badge(s.state)}`}>{TEXT.states[s.state]}</span>{' '}
                    <span class="muted"><time datetime={s.createdAt}>{when(s.createdAt)}</time></span>
                    <form method="post" action={`/admin/newsletter/subscribers/${s.id}/delete`} class="inline-form">
                      <CsrfField token={chrome.csrf} />
                      <button type="submit" class="button small danger" aria-label={TEXT.removeLabel(s.email)}>{TEXT.remove}</button>
                    </form>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      </div>
    </AdminLayout>
  )
}
