import { raw } from 'hono/html'
import type { Child, FC } from 'hono/jsx'
import type { HtmlEscapedString } from 'hono/utils/html'
import { translatorFor } from '../domain/i18n.ts'
import type { SiteSettings } from '../domain/settings.ts'
import { NewsletterSignup, type NewsletterTarget } from './newsletter-signup.tsx'

/** The public site's sections, in header order. */
const SITE_NAV = [
  { href: '/', label: 'nav.reviews' },
  { href: '/country', label: 'nav.countries' },
  { href: '/platform', label: 'nav.platforms' },
  { href: '/tag', label: 'nav.tags' },
  { href: '/lists', label: 'nav.lists' },
  { href: '/diary', label: 'nav.diary' },
] as const

/**
 * Where a page sits in the header's sections: a section's own page (`page`), a page inside one
 * (`/country/kr` is in Countries), or none.
 */
function currentSection(canonicalPath: string | null): { href: string; kind: 'page' | 'true' } | null {
  if (canonicalPath === null) return null
  const exact = SITE_NAV.find((n) => n.href === canonicalPath)
  if (exact) return { href: exact.href, kind: 'page' }
  const section = `/${canonicalPath.split(/[/?#]/)[1] ?? ''}`
  const within = SITE_NAV.find((n) => section === n.href || (n.href === '/' && (section === '/reviews' || section === '/page')))
  return within ? { href: within.href, kind: 'true' } : null
}

// The header, the footer and the head's feed links are the same on every page but for the
// header's current section: each variant is rendered once per settings object and reused, which
// matters when a build renders every page.
const renderedChrome = new WeakMap<SiteSettings, Map<string, HtmlEscapedString>>()
function once(settings: SiteSettings, key: string, render: () => unknown): HtmlEscapedString {
  let byKey = renderedChrome.get(settings)
  if (!byKey) renderedChrome.set(settings, (byKey = new Map()))
  let html = byKey.get(key)
  if (!html) byKey.set(key, (html = raw(String(render()))))
  return html
}

const SiteHeader: FC<{ settings: SiteSettings; current: ReturnType<typeof currentSection> }> = ({ settings, current }) => {
  const { t } = translatorFor(settings.language)
  return once(settings, `header ${current?.href ?? ''} ${current?.kind ?? ''}`, () => (
    <header class="site-header">
      <div class="wrap header-row">
        <a class="brand" href="/">
          <span class="brand-mark" aria-hidden="true">{settings.meter.symbol}</span>
          <span class="brand-name">{settings.name}</span>
        </a>
        <p class="tagline">{settings.description}</p>
        <nav class="site-nav" aria-label={t('nav.label')}>
          <ul>
            {SITE_NAV.map((n) => (
              <li><a href={n.href} aria-current={current?.href === n.href ? current.kind : undefined}>{t(n.label)}</a></li>
            ))}
          </ul>
        </nav>
        <form class="header-search" action="/search" method="get" role="search">
          <label class="header-search-label" for="header-search-q" title={t('search.label')}>
            <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
              <circle cx="8.5" cy="8.5" r="5.75" fill="none" stroke="currentColor" stroke-width="2" />
              <path d="M13 13l4.5 4.5" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
            </svg>
            <span class="visually-hidden">{t('search.label')}</span>
          </label>
          <input id="header-search-q" type="search" name="q" placeholder={t('search.label')} autocomplete="off" enterkeyhint="search" maxlength={200} />
          <button type="submit">{t('search.button')}</button>
        </form>
      </div>
    </header>
  ))
}

const SiteFooter: FC<{ settings: SiteSettings; newsletter?: NewsletterTarget }> = ({ settings, newsletter }) => {
  const { t } = translatorFor(settings.language)
  const m = settings.meter
  return once(settings, `footer ${newsletter?.action ?? ''}`, () => (
    <footer class="site-footer">
      <div class="wrap">
        {newsletter && <NewsletterSignup lang={settings.language} target={newsletter} />}
        <p>
          {t(m.direction === 'lower-is-better' ? 'footer.meterLower' : 'footer.meterHigher', { site: settings.name, meter: m.name, symbol: m.symbol, max: String(m.max) })}
        </p>
        <p class="muted">{t('footer.publishedWith')}</p>
      </div>
    </footer>
  ))
}

/**
 * Where the comment forms of review pages post: this server (the default); another address, for a
 * static copy of the site whose comments go to a running server; or nowhere, for a static copy
 * without one (its pages show the comments as they were when it was built).
 */
export type CommentsTarget = { kind: 'here' } | { kind: 'server'; url: string } | { kind: 'closed' }

/** What every page needs besides its own data: settings, the stylesheet's address, where comments and newsletter sign-ups go (none: no sign-up form). */
export type Chrome = { settings: SiteSettings; cssHref: string; comments?: CommentsTarget; newsletter?: NewsletterTarget }

export const Layout: FC<{
  chrome: Chrome
  title: string
  description: string
  /** Path of the page's canonical address; null for pages that have none (errors). */
  canonicalPath: string | null
  /** Extra head elements of the page: social tags, structured data. */
  head?: Child
  children?: Child
}> = ({ chrome, title, description, canonicalPath, head, children }) => {
  const { settings } = chrome
  const { t, lang } = translatorFor(settings.language)
  const canonical = settings.baseUrl && canonicalPath ? new URL(canonicalPath.replace(/^\/+/, ''), settings.baseUrl.replace(/\/?$/, '/')).href : null
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <meta name="description" content={description} />
        <meta name="color-scheme" content="light dark" />
        {canonical && <link rel="canonical" href={canonical} />}
        {once(settings, 'feeds', () => (
          <>
            <link rel="alternate" type="application/atom+xml" title={`${settings.name} (Atom)`} href="/feed.xml" />
            <link rel="alternate" type="application/rss+xml" title={`${settings.name} (RSS)`} href="/rss.xml" />
            <link rel="alternate" type="application/feed+json" title={`${settings.name} (JSON Feed)`} href="/feed.json" />
          </>
        ))}
        {head}
        <link rel="stylesheet" href={chrome.cssHref} />
      </head>
      <body>
        <a class="skip-link" href="#main">{t('layout.skip')}</a>
        <SiteHeader settings={settings} current={currentSection(canonicalPath)} />
        <main id="main">{children}</main>
        <SiteFooter settings={settings} newsletter={chrome.newsletter} />
      </body>
    </html>
  )
}
