import type { FC } from 'hono/jsx'
import { COMMENT_STATUSES, type CommentStatus, type ModerationComment, type ModerationQueue } from '../../domain/comments.ts'
import { CommentAuthor, CommentText } from '../comments.tsx'
import { Pagination } from '../components.tsx'
import { AdminLayout, CsrfField, type AdminChrome } from './admin-layout.tsx'

const TAB_LABEL: Record<CommentStatus, string> = { pending: 'Waiting', approved: 'Approved', spam: 'Spam' }
const EMPTY: Record<CommentStatus, string> = {
  pending: 'Nothing waits for you. New comments appear here before readers see them.',
  approved: 'No approved comments yet.',
  spam: 'No spam. Comments you mark as spam are kept here until you delete them.',
}
const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`

/** `/admin/comments`, `/admin/comments?status=spam&page=2`: the address of a tab's page. */
export const queueHref = (status: CommentStatus, page = 1) => {
  const q = [status === 'pending' ? '' : `status=${status}`, page > 1 ? `page=${page}` : ''].filter(Boolean).join('&')
  return `/admin/comments${q ? `?${q}` : ''}`
}

/** One moderation button: a plain POST form carrying the CSRF token and the tab to come back to. */
const Action: FC<{ c: ModerationComment; action: string; label: string; csrf: string; back: CommentStatus; kind?: string }> = ({ c, action, label, csrf, back, kind }) => (
  <form method="post" action={`/admin/comments/${c.id}/${action}`}>
    <CsrfField token={csrf} />
    <input type="hidden" name="back" value={back} />
    <button type="submit" class={`button small${kind ? ` ${kind}` : ''}`}>
      {label}<span class="visually-hidden"> the comment by {c.name}</span>
    </button>
  </form>
)

const Item: FC<{ c: ModerationComment; csrf: string; back: CommentStatus }> = ({ c, csrf, back }) => (
  <li class={`mod-item status-is-${c.status}`} id={`c-${c.id}`}>
    <div class="mod-head">
      <span class="comment-avatar" aria-hidden="true">{([...c.name.trim()][0] ?? '?').toUpperCase()}</span>
      <div class="mod-who">
        <p class="mod-name">
          <CommentAuthor name={c.name} website={c.website} />
          {c.byAuthor && <span class="badge">Author</span>}
        </p>
        <p class="mod-contact">
          {c.email ?? <span class="muted">no email</span>}
          {c.website && <> · <span class="mod-site">{c.website}</span></>}
        </p>
      </div>
      <p class="mod-where">
        on <a href={`/reviews/${encodeURIComponent(c.review.slug)}${c.status === 'approved' ? `#comment-${c.id}` : ''}`}>{c.review.title}</a>
        {c.parentId !== null && <> · reply to {c.parentName ?? 'a comment'}</>}
        {' · '}<time datetime={c.createdAt}>{when(c.createdAt)}</time>
      </p>
    </div>
    <CommentText text={c.body} />
    <div class="mod-actions">
      {c.status !== 'approved' && <Action c={c} action="approve" label="Approve" csrf={csrf} back={back} kind="primary" />}
      {c.status !== 'approved' && c.trustable && <Action c={c} action="trust" label="Approve and trust this person" csrf={csrf} back={back} />}
      {c.status !== 'spam' && <Action c={c} action="spam" label="Mark as spam" csrf={csrf} back={back} />}
      <Action c={c} action="delete" label="Delete" csrf={csrf} back={back} kind="danger" />
    </div>
    {c.parentId === null && c.status !== 'spam' && (
      <details class="reply-box mod-reply">
        <summary>{c.status === 'pending' ? 'Approve and reply' : 'Reply'}<span class="visually-hidden"> to {c.name}</span></summary>
        <form method="post" action={`/admin/comments/${c.id}/reply`}>
          <CsrfField token={csrf} />
          <input type="hidden" name="back" value={back} />
          <div class="field">
            <label for={`reply-${c.id}-body`}>Your reply, published at once as the author's</label>
            <textarea id={`reply-${c.id}-body`} name="body" rows={3} required></textarea>
          </div>
          <button type="submit" class="button small primary">Publish reply</button>
        </form>
      </details>
    )}
  </li>
)

/** The moderation queue: comments by state, newest first, each with its actions. */
export const CommentsAdminPage: FC<{ chrome: AdminChrome; queue: ModerationQueue; notice?: string | null; error?: string | null }> = ({
  chrome, queue, notice, error,
}) => (
  <AdminLayout chrome={chrome} title="Comments" active="comments" notice={notice}>
    <div class="editor-head">
      <div>
        <p class="kicker">{chrome.user.role === 'author' ? 'On your reviews' : 'On every review'}</p>
        <h1>Comments</h1>
      </div>
    </div>
    {error && <p class="form-error" role="alert">{error}</p>}
    <nav class="comment-tabs" aria-label="Comments by state">
      <ul>
        {COMMENT_STATUSES.map((s) => (
          <li>
            <a href={queueHref(s)} aria-current={s === queue.status ? 'page' : undefined}>
              {TAB_LABEL[s]} <span class="tab-count">{queue.counts[s]}</span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
    {queue.items.length === 0 ? (
      <p class="empty">{EMPTY[queue.status]}</p>
    ) : (
      <ol class="mod-list">
        {queue.items.map((c) => <Item c={c} csrf={chrome.csrf} back={queue.status} />)}
      </ol>
    )}
    <Pagination page={queue.page} pageCount={queue.pageCount} href={(n) => queueHref(queue.status, n)} />
  </AdminLayout>
)
