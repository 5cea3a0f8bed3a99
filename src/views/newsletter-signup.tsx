import type { FC } from 'hono/jsx'
import { NEWSLETTER_RULES } from '../domain/newsletter.ts'

/** Interface strings of the subscribe form. */
const TEXT = {
  signupTitle: 'New reviews by email',
  footerLead: 'Get each new review by email.',
  email: 'Email address',
  subscribe: 'Subscribe',
  honeypot: 'Leave this empty',
} as const

/** Where subscribe forms post: this server (`/newsletter`) or a running server's address (a static copy built with `--server`). */
export type NewsletterTarget = { action: string }

export type FormState = { email?: string; error?: string | null }

/** The subscribe form: plain HTML with a honeypot, no JavaScript. `id` keeps two forms on one page apart. */
export const SubscribeForm: FC<{ action: string; id: string; state?: FormState; compact?: boolean }> = ({ action, id, state = {}, compact }) => (
  <form class={`newsletter-form${compact ? ' compact' : ''}`} method="post" action={action}>
    <div class={`field${state.error ? ' has-error' : ''}`}>
      <label for={`${id}-email`}>{TEXT.email}</label>
      <div class="newsletter-row">
        <input id={`${id}-email`} name="email" type="email" required maxlength={NEWSLETTER_RULES.maxEmail} autocomplete="email" placeholder="you@example.com"
          value={state.email ?? ''} {...(state.error ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-error` } : {})} />
        <button type="submit" class="button primary">{TEXT.subscribe}</button>
      </div>
      {state.error && <p class="field-error" id={`${id}-error`} role="alert">{state.error}</p>}
    </div>
    {/* The honeypot: people never see it (nor do screen readers); bots fill every field they find. */}
    <div class="hp-field" aria-hidden="true">
      <label for={`${id}-url`}>{TEXT.honeypot}</label>
      <input id={`${id}-url`} name="url" type="text" tabindex={-1} autocomplete="off" value="" />
    </div>
  </form>
)

/** The footer's sign-up box, on every public page when the newsletter is open. */
export const NewsletterSignup: FC<{ target: NewsletterTarget }> = ({ target }) => (
  <section class="newsletter-signup" aria-labelledby="newsletter-signup-h">
    <h2 id="newsletter-signup-h">{TEXT.signupTitle}</h2>
    <p class="muted">{TEXT.footerLead}</p>
    <SubscribeForm action={target.action} id="footer-newsletter" compact />
  </section>
)

