import type { FC } from 'hono/jsx'
import { translatorFor } from '../../domain/i18n.ts'
import { rich } from '../format.ts'
import type { Chrome } from '../layout.tsx'

/** The sign-in form; works without JavaScript. */
export const LoginPage: FC<{ chrome: Chrome; csrf: string; next: string; username?: string; error?: string | null }> = ({ chrome, csrf, next, username, error }) => {
  const { t, lang, fromEnglish } = translatorFor(chrome.settings.language)
  return (
  <html lang={lang}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{`${t('login.signIn')} · ${chrome.settings.name}`}</title>
      <meta name="color-scheme" content="light dark" />
      <link rel="stylesheet" href={chrome.cssHref} />
    </head>
    <body class="admin login-body">
      <main id="main" class="login-card">
        <p class="brand"><span class="brand-mark" aria-hidden="true">{chrome.settings.meter.symbol}</span> <span class="brand-name">{chrome.settings.name}</span></p>
        <h1>{t('login.signIn')}</h1>
        {error && <p class="form-error" role="alert">{fromEnglish(error)}</p>}
        <form method="post" action="/admin/login" class="stack">
          <input type="hidden" name="_csrf" value={csrf} />
          <input type="hidden" name="next" value={next} />
          <label class="field">
            <span>{t('login.username')}</span>
            <input name="username" autocomplete="username" required value={username ?? ''} autofocus />
          </label>
          <label class="field">
            <span>{t('login.password')}</span>
            <input name="password" type="password" autocomplete="current-password" required />
          </label>
          <button type="submit" class="button primary">{t('login.signIn')}</button>
        </form>
        <p class="muted small">{rich(t('login.accounts'), { command: <code>dramalog user add</code> })}</p>
      </main>
    </body>
  </html>
  )
}
