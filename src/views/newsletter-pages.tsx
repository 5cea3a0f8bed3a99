import type { FC } from 'hono/jsx'
import { translatorFor } from '../domain/i18n.ts'
import { NEWSLETTER_RULES } from '../domain/newsletter.ts'
import { Layout, type Chrome } from './layout.tsx'
import { SubscribeForm, type FormState } from './newsletter-signup.tsx'

/** A small page in the site's frame: one message and what to do next (and no second sign-up form in the footer). */
const NewsletterFrame: FC<{ chrome: Chrome; title: string; canonicalPath?: string | null; children?: unknown }> = ({ chrome: { newsletter: _, ...chrome }, title, canonicalPath = null, children }) => (
  <Layout chrome={chrome} title={`${title} · ${chrome.settings.name}`} description={translatorFor(chrome.settings.language).t('newsletter.signupLead')} canonicalPath={canonicalPath}>
    <div class="wrap narrow newsletter-page">
      <div class="newsletter-card">{children}</div>
    </div>
  </Layout>
)

/** `/newsletter`: the sign-up page; `state` carries a refused address back with its error. */
export const NewsletterPage: FC<{ chrome: Chrome; open: boolean; state?: FormState }> = ({ chrome, open, state }) => {
  const { t } = translatorFor(chrome.settings.language)
  return (
    <NewsletterFrame chrome={chrome} title={t('newsletter.signupTitle')} canonicalPath="/newsletter">
      <p class="kicker">{t('newsletter.kicker')}</p>
      <h1>{t('newsletter.signupTitle')}</h1>
      <p class="lead">{t('newsletter.signupLead')}</p>
      {open ? (
        <>
          <SubscribeForm lang={chrome.settings.language} action="/newsletter" id="newsletter" state={state} />
          <p class="hint">{t('newsletter.privacy')}</p>
        </>
      ) : (
        <p class="form-error">{t('newsletter.closed')}</p>
      )}
    </NewsletterFrame>
  )
}

/** After the form: the same answer whether the address is new, waiting or subscribed already. */
export const CheckInboxPage: FC<{ chrome: Chrome }> = ({ chrome }) => {
  const { t } = translatorFor(chrome.settings.language)
  return (
    <NewsletterFrame chrome={chrome} title={t('newsletter.checkTitle')}>
      <p class="newsletter-icon" aria-hidden="true">✉️</p>
      <h1>{t('newsletter.checkTitle')}</h1>
      <p class="lead">{t('newsletter.checkLead')}</p>
      <p class="hint">{t('newsletter.checkHint', { count: NEWSLETTER_RULES.confirmTtlMs / 3_600_000 })}</p>
      <p><a href="/">{t('newsletter.backHome')}</a></p>
    </NewsletterFrame>
  )
}

/** The confirmation link's page: subscribed, or a link that is used, expired or unknown. */
export const ConfirmPage: FC<{ chrome: Chrome; email: string | null }> = ({ chrome, email }) => {
  const { t } = translatorFor(chrome.settings.language)
  return (
    <NewsletterFrame chrome={chrome} title={email ? t('newsletter.confirmedTitle') : t('newsletter.badLinkTitle')}>
      <p class="newsletter-icon" aria-hidden="true">{email ? '🎉' : '⌛'}</p>
      <h1>{email ? t('newsletter.confirmedTitle') : t('newsletter.badLinkTitle')}</h1>
      <p class="lead">{email ? t('newsletter.confirmedLead', { email }) : t('newsletter.badLinkLead')}</p>
      <p>{email ? <a class="button primary" href="/">{t('newsletter.backHome')}</a> : <a class="button primary" href="/newsletter">{t('newsletter.signupTitle')}</a>}</p>
    </NewsletterFrame>
  )
}

/**
 * The unsubscribe link's page. Opening it changes nothing (mail scanners open links): it asks, with
 * a button that posts to the same address; `done` is the page after that.
 */
export const UnsubscribePage: FC<{ chrome: Chrome; token: string; email: string | null; done: boolean }> = ({ chrome, token, email, done }) => {
  const { t } = translatorFor(chrome.settings.language)
  if (email === null) {
    return (
      <NewsletterFrame chrome={chrome} title={t('newsletter.unknownLinkTitle')}>
        <h1>{t('newsletter.unknownLinkTitle')}</h1>
        <p class="lead">{t('newsletter.unknownLinkLead')}</p>
        <p><a href="/">{t('newsletter.backHome')}</a></p>
      </NewsletterFrame>
    )
  }
  if (done) {
    return (
      <NewsletterFrame chrome={chrome} title={t('newsletter.unsubscribedTitle')}>
        <p class="newsletter-icon" aria-hidden="true">👋</p>
        <h1>{t('newsletter.unsubscribedTitle')}</h1>
        <p class="lead">{t('newsletter.unsubscribedLead', { email })}</p>
        <p class="hint">{t('newsletter.unsubscribedAgain')} <a href="/newsletter">{t('newsletter.signupTitle')}</a></p>
      </NewsletterFrame>
    )
  }
  return (
      <NewsletterFrame chrome={chrome} title={t('newsletter.unsubscribeTitle')}>
        <h1>{t('newsletter.unsubscribeTitle')}</h1>
        <p class="lead">{t('newsletter.unsubscribeLead', { email })}</p>
        <form method="post" action={`/newsletter/unsubscribe?token=${encodeURIComponent(token)}`}>
          <button type="submit" class="button primary">{t('newsletter.unsubscribeButton')}</button>
        </form>
      </NewsletterFrame>
  )
}
