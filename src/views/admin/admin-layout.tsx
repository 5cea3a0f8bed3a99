import type { Child, FC } from 'hono/jsx'
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
  { href: '/admin', label: 'Reviews', key: 'reviews' },
  { href: '/admin/reviews/new', label: 'New review', key: 'new' },
  { href: '/admin/diary', label: 'Diary', key: 'diary' },
  { href: '/admin/lists', label: 'Lists', key: 'lists' },
  { href: '/admin/comments', label: 'Comments', key: 'comments' },
  { href: '/admin/import', label: 'Import', key: 'import', roles: ['owner', 'editor'] },
  { href: '/admin/newsletter', label: 'Newsletter', key: 'newsletter', roles: ['owner', 'editor'] },
  { href: '/admin/fediverse', label: 'Fediverse', key: 'fediverse', owner: true },
  { href: '/admin/settings', label: 'Settings', key: 'settings', owner: true },
] as const satisfies readonly { href: string; label: string; key: string; owner?: true; roles?: readonly Role[] }[]

/** Whether a navigation entry is for this user: `owner` entries for owners, `roles` entries for those roles. */
const isShownTo = (n: (typeof NAV)[number], role: Role) =>
  (!('owner' in n) || role === 'owner') && (!('roles' in n) || (n.roles as readonly Role[]).includes(role))

/** The admin frame: top bar with navigation and sign-out, then the page. */
export const AdminLayout: FC<{ chrome: AdminChrome; title: string; active?: string; notice?: string | null; children?: Child }> = ({
  chrome, title, active, notice, children,
}) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{`${title} · ${chrome.settings.name} admin`}</title>
      <meta name="color-scheme" content="light dark" />
      <link rel="stylesheet" href={chrome.cssHref} />
      {chrome.scriptHref && <script src={chrome.scriptHref} defer></script>}
    </head>
    <body class="admin">
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="admin-bar">
        <div class="admin-bar-row">
          <a class="brand" href="/admin">
            <span class="brand-mark" aria-hidden="true">{chrome.settings.meter.symbol}</span>
            <span class="brand-name">{chrome.settings.name}</span>
          </a>
          <nav class="admin-nav" aria-label="Admin">
            <ul>
              {NAV.filter((n) => isShownTo(n, chrome.user.role)).map((n) => (
                <li>
                  <a href={n.href} aria-current={active === n.key ? 'page' : undefined}>
                    {n.label}
                    {n.key === 'comments' && chrome.pendingComments ? (
                      <span class="nav-count"><span class="visually-hidden">, </span>{chrome.pendingComments}<span class="visually-hidden"> waiting</span></span>
                    ) : null}
                  </a>
                </li>
              ))}
              <li><a href="/">View site</a></li>
            </ul>
          </nav>
          <form class="signout" method="post" action="/admin/logout">
            <input type="hidden" name="_csrf" value={chrome.csrf} />
            <span class="who">{chrome.user.displayName} <span class="role">{chrome.user.role}</span></span>
            <button type="submit" class="button ghost small">Sign out</button>
          </form>
        </div>
      </header>
      <main id="main" class="admin-main">
        {notice && <p class="notice" role="status">{notice}</p>}
        {children}
      </main>
    </body>
  </html>
)
