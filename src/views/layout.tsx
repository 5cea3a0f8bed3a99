import type { Child, FC } from 'hono/jsx'
import type { SiteSettings } from '../domain/settings.ts'

/** What every page needs besides its own data: settings and the stylesheet's address. */
export type Chrome = { settings: SiteSettings; cssHref: string }

export const Layout: FC<{
  chrome: Chrome
  title: string
  description: string
  /** Path of the page's canonical address; null for pages that have none (errors). */
  canonicalPath: string | null
  children?: Child
}> = ({ chrome, title, description, canonicalPath, children }) => {
  const { settings } = chrome
  const canonical = settings.baseUrl && canonicalPath ? new URL(canonicalPath.replace(/^\/+/, ''), settings.baseUrl.replace(/\/?$/, '/')).href : null
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <meta name="description" content={description} />
        <meta name="color-scheme" content="light dark" />
        {canonical && <link rel="canonical" href={canonical} />}
        <link rel="stylesheet" href={chrome.cssHref} />
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="site-header">
          <div class="wrap header-row">
            <a class="brand" href="/">
              <span class="brand-mark" aria-hidden="true">{settings.meter.symbol}</span>
              <span class="brand-name">{settings.name}</span>
            </a>
            <p class="tagline">{settings.description}</p>
          </div>
        </header>
        <main id="main">{children}</main>
        <footer class="site-footer">
          <div class="wrap">
            <p>
              {settings.name} · the {settings.meter.name}: {settings.meter.symbol} 0–{settings.meter.max},{' '}
              {settings.meter.direction === 'lower-is-better' ? 'lower is better' : 'higher is better'}.
            </p>
            <p class="muted">Published with Dramalog.</p>
          </div>
        </footer>
      </body>
    </html>
  )
}
