import type { FC } from 'hono/jsx'
import {
  COMMENT_LIMITS, COMMENT_RULES, commentCountLabel, commentParagraphs,
  type CommentFieldErrors, type CommentFormState, type CommentFormValues, type PublicComment, type ReviewComments,
} from '../domain/comments.ts'
import { formatDate } from './format.ts'
import type { CommentsTarget } from './layout.tsx'

// Every link a reader wrote: no ranking credit, marked as user content, no window.opener.
const UGC_REL = 'nofollow ugc noopener'

/** Comment text, escaped: paragraphs on blank lines, line breaks kept, http(s) addresses linked. */
export const CommentText: FC<{ text: string }> = ({ text }) => (
  <div class="comment-text">
    {commentParagraphs(text).map((lines) => (
      <p>
        {lines.map((segments, i) => (
          <>
            {i > 0 && <br />}
            {segments.map((s) => (s.kind === 'link' ? <a href={s.href} rel={UGC_REL}>{s.text}</a> : s.text))}
          </>
        ))}
      </p>
    ))}
  </div>
)

/** The writer's name (linked to their website when given) as a comment shows it. */
export const CommentAuthor: FC<{ name: string; website: string | null }> = ({ name, website }) =>
  website ? <a class="comment-name" href={website} rel={UGC_REL}>{name}</a> : <span class="comment-name">{name}</span>

/** "3 comments" near the headline, pointing at the comments. */
export const CommentCount: FC<{ count: number }> = ({ count }) => (
  <p class="comment-count">
    <a href="#comments">{commentCountLabel(count)}</a>
  </p>
)

const initial = (name: string) => ([...name.trim()][0] ?? '?').toUpperCase()

const CommentItem: FC<{ comment: PublicComment; reply?: boolean }> = ({ comment: c, reply }) => (
  <article class={`comment${reply ? ' is-reply' : ''}${c.byAuthor ? ' by-author' : ''}`} id={`comment-${c.id}`} aria-labelledby={`comment-${c.id}-by`}>
    <header class="comment-head">
      <span class="comment-avatar" aria-hidden="true">{initial(c.name)}</span>
      <span class="comment-meta">
        <span id={`comment-${c.id}-by`}>
          <CommentAuthor name={c.name} website={c.website} />
          {c.byAuthor && <span class="badge">Author</span>}
        </span>
        <a class="comment-date" href={`#comment-${c.id}`}>
          <time datetime={c.createdAt}>{formatDate(c.createdAt.slice(0, 10))}</time>
        </a>
      </span>
    </header>
    <CommentText text={c.body} />
  </article>
)

type FormProps = { slug: string; parentId: number | null; state: CommentFormState; values: CommentFormValues; errors: CommentFieldErrors; server: string }

/** The public comment form (or a reply form); plain HTML that works without JavaScript. */
const CommentForm: FC<FormProps> = ({ slug, parentId, state, values, errors, server }) => {
  const p = parentId === null ? 'comment' : `reply-${parentId}`
  // Brackets and quotes would end the CSS url() below; slugs have none, but the address stays safe regardless.
  const base = `${server}/reviews/${encodeURIComponent(slug).replace(/[()'"]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)}/comments`
  const anchor = parentId === null ? 'comment-form' : `reply-${parentId}`
  const field = (name: keyof CommentFieldErrors) =>
    errors[name] ? { 'aria-invalid': 'true', 'aria-describedby': `${p}-${name}-error` } : {}
  const error = (name: keyof CommentFieldErrors) => errors[name] && <p class="field-error" id={`${p}-${name}-error`}>{errors[name]}</p>
  return (
    <form class="comment-form" method="post" action={`${base}#${anchor}`} style={`--form-time: url("${base}/time")`}>
      {errors.form && <p class="form-error" role="alert">{errors.form}</p>}
      <div class="comment-form-row">
        <div class={`field${errors.name ? ' has-error' : ''}`}>
          <label for={`${p}-name`}>Name</label>
          <input id={`${p}-name`} name="name" type="text" required maxlength={COMMENT_LIMITS.name} autocomplete="name" value={values.name ?? ''} {...field('name')} />
          {error('name')}
        </div>
        <div class={`field${errors.email ? ' has-error' : ''}`}>
          <label for={`${p}-email`}>Email <span class="hint">optional, never shown</span></label>
          <input id={`${p}-email`} name="email" type="email" maxlength={COMMENT_LIMITS.email} autocomplete="email" value={values.email ?? ''} {...field('email')} />
          {error('email')}
        </div>
        <div class={`field${errors.website ? ' has-error' : ''}`}>
          <label for={`${p}-website`}>Website <span class="hint">optional</span></label>
          <input id={`${p}-website`} name="website" type="text" inputmode="url" maxlength={COMMENT_LIMITS.website} autocomplete="url" value={values.website ?? ''} {...field('website')} />
          {error('website')}
        </div>
      </div>
      <div class={`field${errors.body ? ' has-error' : ''}`}>
        <label for={`${p}-body`}>{parentId === null ? 'Comment' : 'Reply'}</label>
        <textarea id={`${p}-body`} name="body" rows={parentId === null ? 6 : 4} required maxlength={COMMENT_LIMITS.body} aria-describedby={errors.body ? `${p}-body-error ${p}-body-hint` : `${p}-body-hint`} {...(errors.body ? { 'aria-invalid': 'true' } : {})}>{values.body ?? ''}</textarea>
        <p class="hint" id={`${p}-body-hint`}>Plain text; line breaks are kept and up to {COMMENT_RULES.maxLinks} web addresses become links.</p>
        {error('body')}
      </div>
      {/* The honeypot: people never see it (nor do screen readers); bots fill every field they find. */}
      <div class="hp-field" aria-hidden="true">
        <label for={`${p}-url`}>Leave this empty</label>
        <input id={`${p}-url`} name="url" type="text" tabindex={-1} autocomplete="off" value="" />
      </div>
      {/* Empty on the cached page: the time then comes from the form-time cookie (see web/routes/comments.tsx). */}
      <input type="hidden" name="stamp" value={state.stamp} />
      {parentId !== null && <input type="hidden" name="parentId" value={String(parentId)} />}
      <p class="comment-form-foot">
        <button type="submit" class="button primary">{parentId === null ? 'Post comment' : 'Post reply'}</button>
        <span class="hint">Every comment is read before it appears.</span>
      </p>
    </form>
  )
}

/**
 * A review's comments: the approved ones with their replies, a reply form under each, and the
 * comment form, posting to `target` (no forms at all when comments are closed).
 */
export const Comments: FC<{ slug: string; comments: ReviewComments; form: CommentFormState; target: CommentsTarget }> = ({ slug, comments, form, target }) => {
  // A server elsewhere gets absolute addresses (its origin, without a trailing slash); this one, paths.
  const server = target.kind === 'server' ? target.url.replace(/\/+$/, '') : ''
  const open = target.kind !== 'closed'
  // A refused reply opens under its comment; one whose comment is not shown falls back to the main form.
  const replyTo = comments.items.some((c) => c.id === form.parentId) ? form.parentId! : null
  const forReply = (id: number) => (replyTo === id ? { values: form.values ?? {}, errors: form.errors ?? {} } : { values: {}, errors: {} })
  return (
    <section class="comments" id="comments" aria-labelledby="comments-h">
      <h2 id="comments-h">{commentCountLabel(comments.count)}</h2>
      {comments.items.length > 0 && (
        <ol class="comment-list">
          {comments.items.map((c) => (
            <li>
              <CommentItem comment={c} />
              {c.replies.length > 0 && (
                <ol class="comment-replies" aria-label={`Replies to ${c.name}`}>
                  {c.replies.map((r) => (
                    <li><CommentItem comment={r} reply /></li>
                  ))}
                </ol>
              )}
              {open && (
                <details class="reply-box" id={`reply-${c.id}`} open={replyTo === c.id ? true : undefined}>
                  <summary>Reply<span class="visually-hidden"> to {c.name}</span></summary>
                  <CommentForm slug={slug} parentId={c.id} state={form} server={server} {...forReply(c.id)} />
                </details>
              )}
            </li>
          ))}
        </ol>
      )}
      {open ? (
        <div class="comment-form-box" id="comment-form">
          <h3>Leave a comment</h3>
          {form.notice && <p class="notice" role="status">{form.notice}</p>}
          <CommentForm slug={slug} parentId={null} state={form} server={server} values={replyTo === null ? (form.values ?? {}) : {}} errors={replyTo === null ? (form.errors ?? {}) : {}} />
        </div>
      ) : (
        <p class="comments-closed">New comments are not taken on this copy of the site.</p>
      )}
    </section>
  )
}
