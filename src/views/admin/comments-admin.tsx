import type { FC } from 'hono/jsx'
import { COMMENT_STATUSES, type CommentStatus, type ModerationComment, type ModerationQueue } from '../../domain/comments.ts'
import { type MessageKey, type Translator, translatorFor } from '../../domain/i18n.ts'
import { CommentAuthor, CommentText } from '../comments.tsx'
import { Pagination } from '../components.tsx'
import { rich } from '../format.ts'
import { AdminLayout, CsrfField, type AdminChrome } from './admin-layout.tsx'

const TAB_LABEL: Record<CommentStatus, MessageKey> = { pending: 'moderation.tab.pending', approved: 'moderation.tab.approved', spam: 'moderation.tab.spam' }
const EMPTY: Record<CommentStatus, MessageKey> = {
  pending: 'moderation.empty.pending',
  approved: 'moderation.empty.approved',
  spam: 'moderation.empty.spam',
}
const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`

/** `/admin/comments`, `/admin/comments?status=spam&page=2`: the address of a tab's page. */
export const queueHref = (status: CommentStatus, page = 1) => {
  const q = [status === 'pending' ? '' : `status=${status}`, page > 1 ? `page=${page}` : ''].filter(Boolean).join('&')
  return `/admin/comments${q ? `?${q}` : ''}`
}

/** One moderation button: a plain POST form carrying the CSRF token and the tab to come back to. */
const Action: FC<{ tr: Translator; c: ModerationComment; action: string; label: string; csrf: string; back: CommentStatus; kind?: string }> = ({ tr, c, action, label, csrf, back, kind }) => (
  <form method="post" action={`/admin/comments/${c.id}/${action}`}>
    <CsrfField token={csrf} />
    <input type="hidden" name="back" value={back} />
    <button type="submit" class={`button small${kind ? ` ${kind}` : ''}`}>
      {label}<span class="visually-hidden"> {tr.t('moderation.theCommentBy', { name: c.name })}</span>
    </button>
  </form>
)

const Item: FC<{ tr: Translator; c: ModerationComment; csrf: string; back: CommentStatus }> = ({ tr, c, csrf, back }) => {
  const { t } = tr
  return (
  <li class={`mod-item status-is-${c.status}`} id={`c-${c.id}`}>
    <div class="mod-head">
      <span class="comment-avatar" aria-hidden="true">{([...c.name.trim()][0] ?? '?').toUpperCase()}</span>
      <div class="mod-who">
        <p class="mod-name">
          <CommentAuthor name={c.name} website={c.website} />
          {c.byAuthor && <span class="badge">{t('comments.author')}</span>}
        </p>
        <p class="mod-contact">
          {c.email ?? <span class="muted">{t('moderation.noEmail')}</span>}
          {c.website && <> · <span class="mod-site">{c.website}</span></>}
        </p>
      </div>
      <p class="mod-where">
        {rich(t('moderation.on'), { review: <a href={`/reviews/${encodeURIComponent(c.review.slug)}${c.status === 'approved' ? `#comment-${c.id}` : ''}`}>{c.review.title}</a> })}
        {c.parentId !== null && <> · {c.parentName ? t('moderation.replyTo', { name: c.parentName }) : t('moderation.replyToComment')}</>}
        {' · '}<time datetime={c.createdAt}>{when(c.createdAt)}</time>
      </p>
    </div>
    <CommentText text={c.body} />
    <div class="mod-actions">
      {c.status !== 'approved' && <Action tr={tr} c={c} action="approve" label={t('moderation.approve')} csrf={csrf} back={back} kind="primary" />}
      {c.status !== 'approved' && c.trustable && <Action tr={tr} c={c} action="trust" label={t('moderation.trust')} csrf={csrf} back={back} />}
      {c.status !== 'spam' && <Action tr={tr} c={c} action="spam" label={t('moderation.spam')} csrf={csrf} back={back} />}
      <Action tr={tr} c={c} action="delete" label={t('moderation.delete')} csrf={csrf} back={back} kind="danger" />
    </div>
    {c.parentId === null && c.status !== 'spam' && (
      <details class="reply-box mod-reply">
        <summary>{rich(t(c.status === 'pending' ? 'moderation.approveReply' : 'comments.replyTo'), { name: <span class="visually-hidden">{t('comments.replyToName', { name: c.name })}</span> })}</summary>
        <form method="post" action={`/admin/comments/${c.id}/reply`}>
          <CsrfField token={csrf} />
          <input type="hidden" name="back" value={back} />
          <div class="field">
            <label for={`reply-${c.id}-body`}>{t('moderation.replyLabel')}</label>
            <textarea id={`reply-${c.id}-body`} name="body" rows={3} required></textarea>
          </div>
          <button type="submit" class="button small primary">{t('moderation.publishReply')}</button>
        </form>
      </details>
    )}
  </li>
  )
}

/** The moderation queue: comments by state, newest first, each with its actions. */
export const CommentsAdminPage: FC<{ chrome: AdminChrome; queue: ModerationQueue; notice?: string | null; error?: string | null }> = ({
  chrome, queue, notice, error,
}) => {
  const tr = translatorFor(chrome.settings.language)
  const { t } = tr
  return (
  <AdminLayout chrome={chrome} title={t('admin.nav.comments')} active="comments" notice={notice}>
    <div class="editor-head">
      <div>
        <p class="kicker">{chrome.user.role === 'author' ? t('moderation.onYours') : t('moderation.onAll')}</p>
        <h1>{t('admin.nav.comments')}</h1>
      </div>
    </div>
    {error && <p class="form-error" role="alert">{tr.fromEnglish(error)}</p>}
    <nav class="comment-tabs" aria-label={t('moderation.tabs')}>
      <ul>
        {COMMENT_STATUSES.map((s) => (
          <li>
            <a href={queueHref(s)} aria-current={s === queue.status ? 'page' : undefined}>
              {t(TAB_LABEL[s])} <span class="tab-count">{queue.counts[s]}</span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
    {queue.items.length === 0 ? (
      <p class="empty">{t(EMPTY[queue.status])}</p>
    ) : (
      <ol class="mod-list">
        {queue.items.map((c) => <Item tr={tr} c={c} csrf={chrome.csrf} back={queue.status} />)}
      </ol>
    )}
    <Pagination tr={tr} page={queue.page} pageCount={queue.pageCount} href={(n) => queueHref(queue.status, n)} />
  </AdminLayout>
  )
}
