import type { FC } from 'hono/jsx'
import type { Chrome } from '../layout.tsx'

/** The sign-in form; works without JavaScript. */
export const LoginPage: FC<{ chrome: Chrome; csrf: string; next: string; username?: string; error?: string | null }> = ({ chrome, csrf, next, username, error }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{`Sign in · ${chrome.settings.name}`}</title>
      <meta name="color-scheme" content="light dark" />
      <link rel="stylesheet" href={chrome.cssHref} />
    </head>
    <body class="admin login-body">
      <main id="main" class="login-card">
        <p class="brand"><span class="brand-mark" aria-hidden="true">{chrome.settings.meter.symbol}</span> <span class="brand-name">{chrome.settings.name}</span></p>
        <h1>Sign in</h1>
        {error && <p class="form-error" role="alert">{error}</p>}
        <form method="post" action="/admin/login" class="stack">
          <input type="hidden" name="_csrf" value={csrf} />
          <input type="hidden" name="next" value={next} />
          <label class="field">
            <span>Username</span>
            <input name="username" autocomplete="username" required value={username ?? ''} autofocus />
          </label>
          <label class="field">
            <span>Password</span>
            <input name="password" type="password" autocomplete="current-password" required />
          </label>
          <button type="submit" class="button primary">Sign in</button>
        </form>
        <p class="muted small">Accounts are made with <code>dramalog user add</code>.</p>
      </main>
    </body>
  </html>
)
