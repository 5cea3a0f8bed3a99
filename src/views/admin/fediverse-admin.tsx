import type { FC } from 'hono/jsx'
import type { FediverseOverview } from '../../services/fediverse-overview.ts'
import { AdminLayout, CsrfField, type AdminChrome } from './admin-layout.tsx'

const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`

/** The site's fediverse account: who follows it, whom it follows, what is being delivered and what arrived. Owners only. */
export const FediversePage: FC<{ chrome: AdminChrome; overview: FediverseOverview; account?: string; error?: string | null; notice?: string | null }> = ({
  chrome, overview: o, account, error, notice,
}) => (
  <AdminLayout chrome={chrome} title="Fediverse" active="fediverse" notice={notice}>
    <div class="editor-head"><div><p class="kicker">Owner</p><h1>Fediverse</h1></div></div>
    {o.handle === null ? (
      <p class="empty">The site joins the fediverse once it has a public address: set it in <a href="/admin/settings">Settings</a> or with DRAMALOG_BASE_URL.</p>
    ) : (
      <div class="fediverse-grid">
        <section class="panel" aria-labelledby="fedi-account">
          <h2 class="panel-title" id="fedi-account">The site's account</h2>
          <p class="fedi-handle"><strong>@{o.handle}</strong></p>
          <p class="hint">People on Mastodon and other fediverse servers search for this name to follow new reviews and reply to them.</p>
          <form method="post" action="/admin/fediverse/follow" class="fedi-follow">
            <CsrfField token={chrome.csrf} />
            <label class={`field${error ? ' has-error' : ''}`}>
              <span>Follow an account</span>
              <input name="account" type="text" value={account ?? ''} placeholder="@name@example.social" required aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'account-error' : undefined} />
              {error && <span class="field-error" id="account-error">{error}</span>}
            </label>
            <button type="submit" class="button">Follow</button>
          </form>
        </section>
        <section class="panel" aria-labelledby="fedi-followers">
          <h2 class="panel-title" id="fedi-followers">Followers ({o.followerCount})</h2>
          {o.followers.length === 0 ? <p class="muted">Nobody yet.</p> : (
            <ul class="fedi-list">
              {o.followers.map((f) => <li><a href={f.profileUrl} rel="nofollow noopener">{f.name}</a> <span class="muted">@{f.handle}</span></li>)}
            </ul>
          )}
          <h2 class="panel-title">Following</h2>
          {o.following.length === 0 ? <p class="muted">Nobody yet.</p> : (
            <ul class="fedi-list">
              {o.following.map((f) => <li>@{f.handle} <span class="muted">{f.state === 'accepted' ? 'accepted' : 'waiting for an Accept'}</span></li>)}
            </ul>
          )}
        </section>
        <section class="panel" aria-labelledby="fedi-deliveries">
          <h2 class="panel-title" id="fedi-deliveries">Deliveries</h2>
          <p>{o.deliveryCounts.pending} waiting · {o.deliveryCounts.delivered} delivered · {o.deliveryCounts.failed} given up</p>
          {o.deliveries.length > 0 && (
            <ul class="fedi-list">
              {o.deliveries.map((d) => (
                <li>
                  <span class={`status status-${d.status === 'delivered' ? 'published' : d.status === 'failed' ? 'unpublished' : 'scheduled'}`}>{d.status}</span>{' '}
                  <span class="fedi-url">{d.inbox}</span>{' '}
                  <span class="muted">{d.attempts} {d.attempts === 1 ? 'attempt' : 'attempts'}{d.lastError ? `: ${d.lastError}` : ''}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="panel" aria-labelledby="fedi-inbox">
          <h2 class="panel-title" id="fedi-inbox">Inbox</h2>
          {o.inbox.length === 0 ? <p class="muted">Nothing has arrived yet.</p> : (
            <ul class="fedi-list">
              {o.inbox.map((e) => (
                <li>
                  <details>
                    <summary><time datetime={e.receivedAt}>{when(e.receivedAt)}</time> <strong>{e.type}</strong> from <span class="fedi-url">{e.actorId}</span>: {e.outcome}</summary>
                    <pre class="fedi-json" tabindex={0} aria-label="The activity as received">{JSON.stringify(JSON.parse(e.body), null, 2)}</pre>
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
