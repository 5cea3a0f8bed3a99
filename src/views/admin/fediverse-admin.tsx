import type { FC } from 'hono/jsx'
import { translatorFor } from '../../domain/i18n.ts'
import type { FediverseOverview } from '../../services/fediverse-overview.ts'
import { rich } from '../format.ts'
import { AdminLayout, CsrfField, type AdminChrome } from './admin-layout.tsx'

const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`

/** The site's fediverse account: who follows it, whom it follows, what is being delivered and what arrived. Owners only. */
export const FediversePage: FC<{ chrome: AdminChrome; overview: FediverseOverview; account?: string; error?: string | null; notice?: string | null }> = ({
  chrome, overview: o, account, error, notice,
}) => {
  const { t, fromEnglish } = translatorFor(chrome.settings.language)
  return (
  <AdminLayout chrome={chrome} title={t('admin.nav.fediverse')} active="fediverse" notice={notice}>
    <div class="editor-head"><div><p class="kicker">{t('admin.role.owner')}</p><h1>{t('admin.nav.fediverse')}</h1></div></div>
    {o.handle === null ? (
      <p class="empty">{rich(t('fediverse.noAddress'), { settings: <a href="/admin/settings">{t('admin.nav.settings')}</a> })}</p>
    ) : (
      <div class="fediverse-grid">
        <section class="panel" aria-labelledby="fedi-account">
          <h2 class="panel-title" id="fedi-account">{t('fediverse.account')}</h2>
          <p class="fedi-handle"><strong>@{o.handle}</strong></p>
          <p class="hint">{t('fediverse.accountHint')}</p>
          <form method="post" action="/admin/fediverse/follow" class="fedi-follow">
            <CsrfField token={chrome.csrf} />
            <label class={`field${error ? ' has-error' : ''}`}>
              <span>{t('fediverse.follow')}</span>
              <input name="account" type="text" value={account ?? ''} placeholder="@name@example.social" required aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'account-error' : undefined} />
              {error && <span class="field-error" id="account-error">{fromEnglish(error)}</span>}
            </label>
            <button type="submit" class="button">{t('fediverse.followButton')}</button>
          </form>
        </section>
        <section class="panel" aria-labelledby="fedi-followers">
          <h2 class="panel-title" id="fedi-followers">{t('fediverse.followers', { count: o.followerCount })}</h2>
          {o.followers.length === 0 ? <p class="muted">{t('fediverse.nobody')}</p> : (
            <ul class="fedi-list">
              {o.followers.map((f) => <li><a href={f.profileUrl} rel="nofollow noopener">{f.name}</a> <span class="muted">@{f.handle}</span></li>)}
            </ul>
          )}
          <h2 class="panel-title">{t('fediverse.following')}</h2>
          {o.following.length === 0 ? <p class="muted">{t('fediverse.nobody')}</p> : (
            <ul class="fedi-list">
              {o.following.map((f) => <li>@{f.handle} <span class="muted">{f.state === 'accepted' ? t('fediverse.accepted') : t('fediverse.waiting')}</span></li>)}
            </ul>
          )}
        </section>
        <section class="panel" aria-labelledby="fedi-deliveries">
          <h2 class="panel-title" id="fedi-deliveries">{t('fediverse.deliveries')}</h2>
          <p>{t('fediverse.deliveryCounts', { pending: o.deliveryCounts.pending, delivered: o.deliveryCounts.delivered, failed: o.deliveryCounts.failed })}</p>
          {o.deliveries.length > 0 && (
            <ul class="fedi-list">
              {o.deliveries.map((d) => (
                <li>
                  <span class={`status status-${d.status === 'delivered' ? 'published' : d.status === 'failed' ? 'unpublished' : 'scheduled'}`}>{d.status}</span>{' '}
                  <span class="fedi-url">{d.inbox}</span>{' '}
                  <span class="muted">{t('fediverse.attempts', { count: d.attempts })}{d.lastError ? `: ${d.lastError}` : ''}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="panel" aria-labelledby="fedi-inbox">
          <h2 class="panel-title" id="fedi-inbox">{t('fediverse.inbox')}</h2>
          {o.inbox.length === 0 ? <p class="muted">{t('fediverse.inboxEmpty')}</p> : (
            <ul class="fedi-list">
              {o.inbox.map((e) => (
                <li>
                  <details>
                    <summary><time datetime={e.receivedAt}>{when(e.receivedAt)}</time> {rich(t('fediverse.received'), { type: <strong>{e.type}</strong>, actor: <span class="fedi-url">{e.actorId}</span>, outcome: e.outcome })}</summary>
                    <pre class="fedi-json" tabindex={0} aria-label={t('fediverse.asReceived')}>{JSON.stringify(JSON.parse(e.body), null, 2)}</pre>
                  </details>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    )}
  </AdminLayout>
  )
}
