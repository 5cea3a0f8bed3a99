import type { FC } from 'hono/jsx'
import { type SiteLanguage, translatorFor } from '../domain/i18n.ts'
import { NEWSLETTER_RULES } from '../domain/newsletter.ts'

/** Where subscribe forms post: this server (`/newsletter`) or a running server's address (a static copy built with `--server`). */
export type NewsletterTarget = { action: string }

export type FormState = { email?: string; error?: string | null }

/**
 * The subscribe form in the site's language: plain HTML with a honeypot, no JavaScript. `id` keeps
 * two forms on one page apart; a refusal in `state.error` (English, from the services) is shown translated.
 */
export const SubscribeForm: FC<{ lang: SiteLanguage; action: string; id: string; state?: FormState; compact?: boolean }> = ({ lang, action, id, state = {}, compact }) => {
  const { t, fromEnglish } = translatorFor(lang)
  return (
    <form class={`newsletter-form${compact ? ' compact' : ''}`} method="post" action={action}>
      <div class={`field${state.error ? ' has-error' : ''}`}>
        <label for={`${id}-email`}>{t('newsletter.emailLabel')}</label>
        <div class="newsletter-row">
          <input id={`${id}-email`} name="email" type="email" required maxlength={NEWSLETTER_RULES.maxEmail} autocomplete="email" placeholder="you@example.com"
            value={state.email ?? ''} {...(state.error ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-error` } : {})} />
          <button type="submit" class="button primary">{t('newsletter.subscribe')}</button>
        </div>
        {state.error && <p class="field-error" id={`${id}-error`} role="alert">{fromEnglish(state.error)}</p>}
      </div>
      {/* The honeypot: people never see it (nor do screen readers); bots fill every field they find. */}
      <div class="hp-field" aria-hidden="true">
        <label for={`${id}-url`}>{t('newsletter.honeypot')}</label>
        <input id={`${id}-url`} name="url" type="text" tabindex={-1} autocomplete="off" value="" />
      </div>
    </form>
  )
}

/** The footer's sign-up box, on every public page when the newsletter is open. */
export const NewsletterSignup: FC<{ lang: SiteLanguage; target: NewsletterTarget }> = ({ lang, target }) => {
  const { t } = translatorFor(lang)
  return (
    <section class="newsletter-signup" aria-labelledby="newsletter-signup-h">
      <h2 id="newsletter-signup-h">{t('newsletter.signupTitle')}</h2>
      <p class="muted">{t('newsletter.footerLead')}</p>
      <SubscribeForm lang={lang} action={target.action} id="footer-newsletter" compact />
    </section>
  )
}

