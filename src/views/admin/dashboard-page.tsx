import type { FC } from 'hono/jsx'
import { type MessageKey, translatorFor } from '../../domain/i18n.ts'
import type { Page } from '../../domain/records.ts'
import type { AdminReviewRow, RevisionRow } from '../../store/reviews.ts'
import { rich } from '../format.ts'
import { Meter, Pagination } from '../components.tsx'
import { AdminLayout, CsrfField, type AdminChrome } from './admin-layout.tsx'

/** What each review status is called. */
export const STATUS_KEYS: Record<string, MessageKey> = { draft: 'status.draft', scheduled: 'status.scheduled', published: 'status.published', unpublished: 'status.unpublished' }
const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`

/** The admin home: the reviews the user may edit, newest change first, a page at a time. */
export const DashboardPage: FC<{ chrome: AdminChrome; reviews: Page<AdminReviewRow>; notice?: string | null }> = ({ chrome, reviews, notice }) => {
  const tr = translatorFor(chrome.settings.language)
  const { t } = tr
  return (
  <AdminLayout chrome={chrome} title={t('nav.reviews')} active="reviews" notice={notice}>
    <div class="editor-head">
      <div>
        <p class="kicker">{chrome.user.role === 'author' ? t('dashboard.yours') : t('dashboard.all')}</p>
        <h1>{t('nav.reviews')} <span class="count">{reviews.total}</span></h1>
      </div>
      <p><a class="button primary" href="/admin/reviews/new">+ {t('admin.nav.new')}</a></p>
    </div>
    {reviews.total === 0 ? (
      <p class="empty">{rich(t('dashboard.empty'), { command: <code>dramalog import</code> })}</p>
    ) : (
      <table class="admin-table">
        <thead>
          <tr><th scope="col">{t('editor.title')}</th><th scope="col">{t('editor.status')}</th><th scope="col">{chrome.settings.meter.name}</th><th scope="col">{t('admin.role.author')}</th><th scope="col">{t('dashboard.changed')}</th></tr>
        </thead>
        <tbody>
          {reviews.items.map((r) => (
            <tr>
              <th scope="row">
                <a href={`/admin/reviews/${r.id}`}>{r.title}{r.season ? ` · S${r.season}` : ''}</a>
                <span class="slug">/reviews/{r.slug}</span>
              </th>
              <td>
                <span class={`status status-${r.status}`}>{STATUS_KEYS[r.status] ? t(STATUS_KEYS[r.status]!) : r.status}</span>
                {r.status === 'scheduled' && r.publishedAt && <small class="hint"> {when(r.publishedAt)} UTC</small>}
              </td>
              <td>{r.meter ? <Meter tr={tr} value={r.meter.value} max={r.meter.max} meter={chrome.settings.meter} /> : <span class="muted">–</span>}</td>
              <td>{r.authorName ?? <span class="muted">{t('dashboard.imported')}</span>}</td>
              <td><time datetime={r.updatedAt}>{when(r.updatedAt)}</time></td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
    <Pagination tr={tr} page={reviews.page} pageCount={reviews.pageCount} href={(n) => (n === 1 ? '/admin' : `/admin?page=${n}`)} />
  </AdminLayout>
  )
}

import type { DiffLine } from '../../domain/diff.ts'

/** A review's revisions, each with what changed from the one before, and a restore button. */
export const HistoryPage: FC<{ chrome: AdminChrome; reviewId: number; title: string; current: number; revisions: (RevisionRow & { diff: DiffLine[] })[] }> = ({
  chrome, reviewId, title, current, revisions,
}) => {
  const { t } = translatorFor(chrome.settings.language)
  return (
  <AdminLayout chrome={chrome} title={t('history.title', { title })} active="reviews">
    <div class="editor-head">
      <div>
        <p class="kicker">{t('editor.history')}</p>
        <h1>{title}</h1>
      </div>
      <p><a href={`/admin/reviews/${reviewId}`}>{t('history.back')}</a></p>
    </div>
    <ol class="history">
      {revisions.map((r) => (
        <li class="panel">
          <div class="history-head">
            <h2>{t('history.revision', { revision: r.revision })}{r.revision === current && <span class="badge">{t('history.current')}</span>}</h2>
            <p class="muted">{when(r.savedAt)} UTC · {r.savedBy ?? t('history.import')}{r.note ? ` · ${r.note}` : ''}</p>
            {r.revision !== current && (
              <form method="post" action={`/admin/reviews/${reviewId}/restore/${r.revision}`}>
                <CsrfField token={chrome.csrf} />
                <input type="hidden" name="revision" value={String(current)} />
                <button type="submit" class="button small">{t('history.restore')}</button>
              </form>
            )}
          </div>
          {r.diff.some((d) => d.kind !== 'same') ? (
            <details open={r.revision === current ? true : undefined}>
              <summary>{t('history.changed')}</summary>
              <pre class="diff">{r.diff.filter((d) => d.kind !== 'same').map((d) => (
                <span class={`diff-${d.kind}`}>{d.kind === 'added' ? '+ ' : '− '}{d.text}{'\n'}</span>
              ))}</pre>
            </details>
          ) : (
            <p class="muted small">{r.revision === revisions.at(-1)?.revision ? t('history.first') : t('history.noChange')}</p>
          )}
        </li>
      ))}
    </ol>
  </AdminLayout>
  )
}
