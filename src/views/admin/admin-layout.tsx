import { raw } from 'hono/html'
import type { Child, FC } from 'hono/jsx'
import { type MessageKey, translatorFor } from '../../domain/i18n.ts'
import { serializeJsonLd } from '../../domain/structured-data.ts'
import type { Role, SessionUser } from '../../domain/user.ts'
import type { Chrome } from '../layout.tsx'

/** What every admin page needs: the chrome, who is signed in and the CSRF token for forms. */
export type AdminChrome = Chrome & {
  user: SessionUser
  csrf: string
  scriptHref?: string
  /** Comments waiting for this user's decision, shown beside "Comments" in the navigation. */
  pendingComments?: number
}

/** Hidden CSRF field: every admin form includes it. */
export const CsrfField: FC<{ token: string }> = ({ token }) => <input type="hidden" name="_csrf" value={token} />

const NAV = [
  { href: '/admin', label: 'nav.reviews', key: 'reviews' },
  { href: '/admin/reviews/new', label: 'admin.nav.new', key: 'new' },
  { href: '/admin/diary', label: 'nav.diary', key: 'diary' },
  { href: '/admin/lists', label: 'nav.lists', key: 'lists' },
  { href: '/admin/comments', label: 'admin.nav.comments', key: 'comments' },
  { href: '/admin/import', label: 'admin.nav.import', key: 'import', roles: ['owner', 'editor'] },
  { href: '/admin/newsletter', label: 'admin.nav.newsletter', key: 'newsletter', roles: ['owner', 'editor'] },
  { href: '/admin/fediverse', label: 'admin.nav.fediverse', key: 'fediverse', owner: true },
  { href: '/admin/settings', label: 'admin.nav.settings', key: 'settings', owner: true },
] as const satisfies readonly { href: string; label: MessageKey; key: string; owner?: true; roles?: readonly Role[] }[]

/** What each role is called. */
export const ROLE_KEYS: Record<Role, MessageKey> = { owner: 'admin.role.owner', editor: 'admin.role.editor', author: 'admin.role.author' }

/** The words admin.js shows, by the names it asks for them. */
const SCRIPT_MESSAGES = {
  unsaved: 'adminScript.unsaved',
  restore: 'adminScript.restore',
  discard: 'adminScript.discard',
  livePreview: 'adminScript.livePreview',
  livePreviewTitle: 'adminScript.livePreviewTitle',
  section: 'editor.section',
  drag: 'adminScript.drag',
  reorderFailed: 'adminScript.reorderFailed',
} as const satisfies Record<string, MessageKey>

/** Whether a navigation entry is for this user: `owner` entries for owners, `roles` entries for those roles. */
const isShownTo = (n: (typeof NAV)[number], role: Role) =>
  (!('owner' in n) || role === 'owner') && (!('roles' in n) || (n.roles as readonly Role[]).includes(role))

/** The admin frame: top bar with navigation and sign-out, then the page. */
export const AdminLayout: FC<{ chrome: AdminChrome; title: string; active?: string; notice?: string | null; children?: Child }> = ({
  chrome, title, active, notice, children,
}) => {
  const { t, lang } = translatorFor(chrome.settings.language)
  return (
  <html lang={lang}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{t('admin.title', { page: title, site: chrome.settings.name })}</title>
      <meta name="color-scheme" content="light dark" />
      <link rel="stylesheet" href={chrome.cssHref} />
      {chrome.scriptHref && (
        <>
          {/* A data block, never run; escaped so no message can end the element. */}
          <script type="application/json" id="admin-messages">{raw(serializeJsonLd(Object.fromEntries(Object.entries(SCRIPT_MESSAGES).map(([name, key]) => [name, t(key)]))))}</script>
          <script src={chrome.scriptHref} defer></script>
        </>
      )}
    </head>
    <body class="admin">
      <a class="skip-link" href="#main">{t('layout.skip')}</a>
      <header class="admin-bar">
        <div class="admin-bar-row">
          <a class="brand" href="/admin">
            <span class="brand-mark" aria-hidden="true">{chrome.settings.meter.symbol}</span>
            <span class="brand-name">{chrome.settings.name}</span>
          </a>
          <nav class="admin-nav" aria-label={t('admin.nav.label')}>
            <ul>
              {NAV.filter((n) => isShownTo(n, chrome.user.role)).map((n) => (
                <li>
                  <a href={n.href} aria-current={active === n.key ? 'page' : undefined}>
                    {t(n.label)}
                    {n.key === 'comments' && chrome.pendingComments ? (
                      <span class="nav-count"><span class="visually-hidden">, </span>{chrome.pendingComments}<span class="visually-hidden"> {t('admin.nav.waiting')}</span></span>
                    ) : null}
                  </a>
                </li>
              ))}
              <li><a href="/">{t('admin.nav.viewSite')}</a></li>
            </ul>
          </nav>
          <form class="signout" method="post" action="/admin/logout">
            <input type="hidden" name="_csrf" value={chrome.csrf} />
            <span class="who">{chrome.user.displayName} <span class="role">{t(ROLE_KEYS[chrome.user.role])}</span></span>
            <button type="submit" class="button ghost small">{t('admin.signOut')}</button>
          </form>
        </div>
      </header>
      <main id="main" class="admin-main">
        {notice && <p class="notice" role="status">{translatorFor(chrome.settings.language).fromEnglish(notice)}</p>}
        {children}
      </main>
    </body>
  </html>
  )
}
