import type { FC } from 'hono/jsx'
import { translatorFor } from '../../domain/i18n.ts'
import type { NewsletterOverview } from '../../services/newsletter.ts'
import { AdminLayout, CsrfField, type AdminChrome } from './admin-layout.tsx'

const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`
const badge = (status: string) => (status === 'sent' || status === 'confirmed' ? 'published' : status === 'failed' || status === 'unsubscribed' ? 'unpublished' : 'scheduled')

/** Subscribers, the sending queue and the mail setup; owners and editors. */
export const NewsletterAdminPage: FC<{ chrome: AdminChrome; overview: NewsletterOverview; notice?: string | null; error?: string | null; testTo?: string }> = ({
  chrome, overview: o, notice, error, testTo,
}) => {
  const { t, fromEnglish } = translatorFor(chrome.settings.language)
  const shownFrom = o.subscribers.length
  const total = o.subscriberCounts.pending + o.subscriberCounts.confirmed + o.subscriberCounts.unsubscribed
  return (
    <AdminLayout chrome={chrome} title={t('admin.nav.newsletter')} active="newsletter" notice={notice}>
      <div class="editor-head"><div><p class="kicker">{t('newsletterAdmin.kicker')}</p><h1>{t('admin.nav.newsletter')}</h1></div></div>
      <div class="fediverse-grid">
        <section class="panel" aria-labelledby="nl-setup">
          <h2 class="panel-title" id="nl-setup">{t('newsletterAdmin.setupTitle')}</h2>
          {!o.mail.configured ? (
            <p class="form-error">{t('newsletterAdmin.notConfigured')}</p>
          ) : (
            <>
              <dl class="newsletter-setup">
                <div><dt>{t('newsletterAdmin.server')}</dt><dd><code>{o.mail.server}</code></dd></div>
                <div><dt>{t('newsletterAdmin.from')}</dt><dd>{o.mail.from}</dd></div>
              </dl>
              {!o.base && <p class="form-error">{t('newsletterAdmin.noBase')}</p>}
              <p class="hint">{t('newsletterAdmin.how')}</p>
              <form method="post" action="/admin/newsletter/test" class="fedi-follow">
                <CsrfField token={chrome.csrf} />
                <label class={`field${error ? ' has-error' : ''}`}>
                  <span>{t('newsletterAdmin.testTitle')}</span>
                  <input name="to" type="email" value={testTo ?? ''} placeholder="you@example.com" required aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'test-error' : undefined} />
                  {error && <span class="field-error" id="test-error">{fromEnglish(error)}</span>}
                </label>
                <button type="submit" class="button">{t('newsletterAdmin.testButton')}</button>
              </form>
            </>
          )}
        </section>
        <section class="panel" aria-labelledby="nl-queue">
          <h2 class="panel-title" id="nl-queue">{t('newsletterAdmin.queueTitle')}</h2>
          <p>{t('newsletterAdmin.queueCounts', o.sendCounts)}</p>
          {o.sends.length === 0 ? <p class="muted">{t('newsletterAdmin.queueEmpty')}</p> : (
            <ul class="fedi-list">
              {o.sends.map((s) => (
                <li>
                  <span class={`status status-${badge(s.status)}`}>{t(`newsletterAdmin.send.${s.status}`)}</span>{' '}
                  <strong>{s.reviewTitle}</strong> → <span class="fedi-url">{s.email}</span>{' '}
                  <span class="muted">{t('newsletterAdmin.attempts', { count: s.attempts })}{s.lastError ? `: ${s.lastError}` : ''}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="panel newsletter-subscribers" aria-labelledby="nl-subscribers">
          <h2 class="panel-title" id="nl-subscribers">{t('newsletterAdmin.subscribersTitle', { count: total })}</h2>
          <p>{t('newsletterAdmin.counts', o.subscriberCounts)}</p>
          {o.subscribers.length === 0 ? <p class="muted">{t('newsletterAdmin.none')}</p> : (
            <>
              {total > shownFrom && <p class="hint">{t('newsletterAdmin.shownNewest', { count: shownFrom })}</p>}
              <ul class="fedi-list subscriber-list">
                {o.subscribers.map((s) => (
                  <li>
                    <span class="subscriber-email">{s.email}</span>{' '}
                    <span class={`status status-${badge(s.state)}`}>{t(`newsletterAdmin.state.${s.state}`)}</span>{' '}
                    <span class="muted"><time datetime={s.createdAt}>{when(s.createdAt)}</time></span>
                    <form method="post" action={`/admin/newsletter/subscribers/${s.id}/delete`} class="inline-form">
                      <CsrfField token={chrome.csrf} />
                      <button type="submit" class="button small danger" aria-label={t('newsletterAdmin.removeLabel', { email: s.email })}>{t('newsletterAdmin.remove')}</button>
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
