import type { FC } from 'hono/jsx'
import { NEWSLETTER_RULES } from '../domain/newsletter.ts'
import { Layout, type Chrome } from './layout.tsx'
import { SubscribeForm, type FormState } from './newsletter-signup.tsx'

/** Interface strings of the newsletter's pages and forms. */
const TEXT = {
  signupTitle: 'New reviews by email',
  signupLead: 'One email for each new review: the verdicts at a glance and a link to read it all. Nothing else, and you can leave with one click.',
  privacy: 'We send a link to confirm first. Your address is used for this newsletter only.',
  closed: 'The newsletter is not available on this site at the moment.',
  checkTitle: 'Check your inbox',
  checkLead: 'If the address can get our emails, a message with a confirmation link is on its way. Follow the link to start getting new reviews.',
  checkHint: (hours: number) => `The link works for ${hours} hours. Nothing arrived? Look in the spam folder, or send the form again in a few minutes.`,
  confirmedTitle: 'You are subscribed',
  confirmedLead: (email: string) => `New reviews will arrive at ${email}. Every email has a link to unsubscribe.`,
  badLinkTitle: 'This link does not work any more',
  badLinkLead: 'Confirmation links work once, for a limited time. If you still want new reviews by email, sign up again and use the newest link.',
  unsubscribeTitle: 'Unsubscribe',
  unsubscribeLead: (email: string) => `Stop sending new reviews to ${email}?`,
  unsubscribeButton: 'Unsubscribe',
  unsubscribedTitle: 'You are unsubscribed',
  unsubscribedLead: (email: string) => `We will not send any more emails to ${email}.`,
  unsubscribedAgain: 'Changed your mind? You can subscribe again at any time.',
  unknownLinkTitle: 'This unsubscribe link is not known',
  unknownLinkLead: 'It may be incomplete: copy the whole address from the email. If the address was removed from the list, nothing more is sent to it.',
  backHome: 'Back to the reviews',
} as const

/** A small page in the site's frame: one message and what to do next (and no second sign-up form in the footer). */
const NewsletterFrame: FC<{ chrome: Chrome; title: string; canonicalPath?: string | null; children?: unknown }> = ({ chrome: { newsletter: _, ...chrome }, title, canonicalPath = null, children }) => (
  <Layout chrome={chrome} title={`${title} · ${chrome.settings.name}`} description={TEXT.signupLead} canonicalPath={canonicalPath}>
    <div class="wrap narrow newsletter-page">
      <div class="newsletter-card">{children}</div>
    </div>
  </Layout>
)

/** `/newsletter`: the sign-up page; `state` carries a refused address back with its error. */
export const NewsletterPage: FC<{ chrome: Chrome; open: boolean; state?: FormState }> = ({ chrome, open, state }) => (
  <NewsletterFrame chrome={chrome} title={TEXT.signupTitle} canonicalPath="/newsletter">
    <p class="kicker">Newsletter</p>
    <h1>{TEXT.signupTitle}</h1>
    <p class="lead">{TEXT.signupLead}</p>
    {open ? (
      <>
        <SubscribeForm action="/newsletter" id="newsletter" state={state} />
        <p class="hint">{TEXT.privacy}</p>
      </>
    ) : (
      <p class="form-error">{TEXT.closed}</p>
    )}
  </NewsletterFrame>
)

/** After the form: the same answer whether the address is new, waiting or subscribed already. */
export const CheckInboxPage: FC<{ chrome: Chrome }> = ({ chrome }) => (
  <NewsletterFrame chrome={chrome} title={TEXT.checkTitle}>
    <p class="newsletter-icon" aria-hidden="true">✉️</p>
    <h1>{TEXT.checkTitle}</h1>
    <p class="lead">{TEXT.checkLead}</p>
    <p class="hint">{TEXT.checkHint(NEWSLETTER_RULES.confirmTtlMs / 3_600_000)}</p>
    <p><a href="/">{TEXT.backHome}</a></p>
  </NewsletterFrame>
)

/** The confirmation link's page: subscribed, or a link that is used, expired or unknown. */
export const ConfirmPage: FC<{ chrome: Chrome; email: string | null }> = ({ chrome, email }) => (
  <NewsletterFrame chrome={chrome} title={email ? TEXT.confirmedTitle : TEXT.badLinkTitle}>
    <p class="newsletter-icon" aria-hidden="true">{email ? '🎉' : '⌛'}</p>
    <h1>{email ? TEXT.confirmedTitle : TEXT.badLinkTitle}</h1>
    <p class="lead">{email ? TEXT.confirmedLead(email) : TEXT.badLinkLead}</p>
    <p>{email ? <a class="button primary" href="/">{TEXT.backHome}</a> : <a class="button primary" href="/newsletter">{TEXT.signupTitle}</a>}</p>
  </NewsletterFrame>
)

/**
 * The unsubscribe link's page. Opening it changes nothing (mail scanners open links): it asks, with
 * a button that posts to the same address; `done` is the page after that.
 */
export const UnsubscribePage: FC<{ chrome: Chrome; token: string; email: string | null; done: boolean }> = ({ chrome, token, email, done }) => {
  if (email === null) {
    return (
      <NewsletterFrame chrome={chrome} title={TEXT.unknownLinkTitle}>
        <h1>{TEXT.unknownLinkTitle}</h1>
        <p class="lead">{TEXT.unknownLinkLead}</p>
        <p><a href="/">{TEXT.backHome}</a></p>
      </NewsletterFrame>
    )
  }
  if (done) {
    return (
      <NewsletterFrame chrome={chrome} title={TEXT.unsubscribedTitle}>
        <p class="newsletter-icon" aria-hidden="true">👋</p>
        <h1>{TEXT.unsubscribedTitle}</h1>
        <p class="lead">{TEXT.unsubscribedLead(email)}</p>
        <p class="hint">{TEXT.unsubscribedAgain} <a href="/newsletter">{TEXT.signupTitle}</a></p>
      </NewsletterFrame>
    )
  }
  return (
    <NewsletterFrame chrome={chrome} title={TEXT.unsubscribeTitle}>
      <h1>{TEXT.unsubscribeTitle}</h1>
      <p class="lead">{TEXT.unsubscribeLead(email)}</p>
      <form method="post" action={`/newsletter/unsubscribe?token=${encodeURIComponent(token)}`}>
        <button type="submit" class="button primary">{TEXT.unsubscribeButton}</button>
      </form>
    </NewsletterFrame>
  )
}
