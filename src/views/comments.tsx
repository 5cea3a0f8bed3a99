import type { FC } from 'hono/jsx'
import {
  COMMENT_LIMITS, COMMENT_RULES, commentParagraphs,
  type CommentFieldErrors, type CommentFormState, type CommentFormValues, type PublicComment, type ReviewComments,
} from '../domain/comments.ts'
import type { Translator } from '../domain/i18n.ts'
import { rich } from './format.ts'
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
export const CommentCount: FC<{ tr: Translator; count: number }> = ({ tr, count }) => (
  <p class="comment-count">
    <a href="#comments">{countLabel(tr, count)}</a>
  </p>
)

/** "3 comments", "1 comment", "No comments yet". */
const countLabel = ({ t }: Translator, n: number) => (n === 0 ? t('comments.none') : t('comments.count', { count: n }))

const initial = (name: string) => ([...name.trim()][0] ?? '?').toUpperCase()

const CommentItem: FC<{ tr: Translator; comment: PublicComment; reply?: boolean }> = ({ tr, comment: c, reply }) => (
  <article class={`comment${reply ? ' is-reply' : ''}${c.byAuthor ? ' by-author' : ''}`} id={`comment-${c.id}`} aria-labelledby={`comment-${c.id}-by`}>
    <header class="comment-head">
      <span class="comment-avatar" aria-hidden="true">{initial(c.name)}</span>
      <span class="comment-meta">
        <span id={`comment-${c.id}-by`}>
          <CommentAuthor name={c.name} website={c.website} />
          {c.byAuthor && <span class="badge">{tr.t('comments.author')}</span>}
        </span>
        <a class="comment-date" href={`#comment-${c.id}`}>
          <time datetime={c.createdAt}>{tr.date(c.createdAt.slice(0, 10))}</time>
        </a>
      </span>
    </header>
    <CommentText text={c.body} />
  </article>
)

type FormProps = { tr: Translator; slug: string; parentId: number | null; state: CommentFormState; values: CommentFormValues; errors: CommentFieldErrors; server: string }

/** The public comment form (or a reply form); plain HTML that works without JavaScript. */
const CommentForm: FC<FormProps> = ({ tr, slug, parentId, state, values, errors, server }) => {
  const { t } = tr
  const p = parentId === null ? 'comment' : `reply-${parentId}`
  // Brackets and quotes would end the CSS url() below; slugs have none, but the address stays safe regardless.
  const base = `${server}/reviews/${encodeURIComponent(slug).replace(/[()'"]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)}/comments`
  const anchor = parentId === null ? 'comment-form' : `reply-${parentId}`
  const field = (name: keyof CommentFieldErrors) =>
    errors[name] ? { 'aria-invalid': 'true', 'aria-describedby': `${p}-${name}-error` } : {}
  const error = (name: keyof CommentFieldErrors) => errors[name] && <p class="field-error" id={`${p}-${name}-error`}>{tr.fromEnglish(errors[name])}</p>
  return (
    <form class="comment-form" method="post" action={`${base}#${anchor}`} style={`--form-time: url("${base}/time")`}>
      {errors.form && <p class="form-error" role="alert">{tr.fromEnglish(errors.form)}</p>}
      <div class="comment-form-row">
        <div class={`field${errors.name ? ' has-error' : ''}`}>
          <label for={`${p}-name`}>{t('comments.name')}</label>
          <input id={`${p}-name`} name="name" type="text" required maxlength={COMMENT_LIMITS.name} autocomplete="name" value={values.name ?? ''} {...field('name')} />
          {error('name')}
        </div>
        <div class={`field${errors.email ? ' has-error' : ''}`}>
          <label for={`${p}-email`}>{t('comments.email')} <span class="hint">{t('comments.emailHint')}</span></label>
          <input id={`${p}-email`} name="email" type="email" maxlength={COMMENT_LIMITS.email} autocomplete="email" value={values.email ?? ''} {...field('email')} />
          {error('email')}
        </div>
        <div class={`field${errors.website ? ' has-error' : ''}`}>
          <label for={`${p}-website`}>{t('comments.website')} <span class="hint">{t('comments.optional')}</span></label>
          <input id={`${p}-website`} name="website" type="text" inputmode="url" maxlength={COMMENT_LIMITS.website} autocomplete="url" value={values.website ?? ''} {...field('website')} />
          {error('website')}
        </div>
      </div>
      <div class={`field${errors.body ? ' has-error' : ''}`}>
        <label for={`${p}-body`}>{parentId === null ? t('comments.comment') : t('comments.reply')}</label>
        <textarea id={`${p}-body`} name="body" rows={parentId === null ? 6 : 4} required maxlength={COMMENT_LIMITS.body} aria-describedby={errors.body ? `${p}-body-error ${p}-body-hint` : `${p}-body-hint`} {...(errors.body ? { 'aria-invalid': 'true' } : {})}>{values.body ?? ''}</textarea>
        <p class="hint" id={`${p}-body-hint`}>{t('comments.bodyHint', { max: COMMENT_RULES.maxLinks })}</p>
        {error('body')}
      </div>
      {/* The honeypot: people never see it (nor do screen readers); bots fill every field they find. */}
      <div class="hp-field" aria-hidden="true">
        <label for={`${p}-url`}>{t('comments.honeypot')}</label>
        <input id={`${p}-url`} name="url" type="text" tabindex={-1} autocomplete="off" value="" />
      </div>
      {/* Empty on the cached page: the time then comes from the form-time cookie (see web/routes/comments.tsx). */}
      <input type="hidden" name="stamp" value={state.stamp} />
      {parentId !== null && <input type="hidden" name="parentId" value={String(parentId)} />}
      <p class="comment-form-foot">
        <button type="submit" class="button primary">{parentId === null ? t('comments.post') : t('comments.postReply')}</button>
        <span class="hint">{t('comments.moderated')}</span>
      </p>
    </form>
  )
}

/**
 * A review's comments: the approved ones with their replies, a reply form under each, and the
 * comment form, posting to `target` (no forms at all when comments are closed).
 */
export const Comments: FC<{ tr: Translator; slug: string; comments: ReviewComments; form: CommentFormState; target: CommentsTarget }> = ({ tr, slug, comments, form, target }) => {
  const { t } = tr
  // A server elsewhere gets absolute addresses (its origin, without a trailing slash); this one, paths.
  const server = target.kind === 'server' ? target.url.replace(/\/+$/, '') : ''
  const open = target.kind !== 'closed'
  // A refused reply opens under its comment; one whose comment is not shown falls back to the main form.
  const replyTo = comments.items.some((c) => c.id === form.parentId) ? form.parentId! : null
  const forReply = (id: number) => (replyTo === id ? { values: form.values ?? {}, errors: form.errors ?? {} } : { values: {}, errors: {} })
  return (
    <section class="comments" id="comments" aria-labelledby="comments-h">
      <h2 id="comments-h">{countLabel(tr, comments.count)}</h2>
      {comments.items.length > 0 && (
        <ol class="comment-list">
          {comments.items.map((c) => (
            <li>
              <CommentItem tr={tr} comment={c} />
              {c.replies.length > 0 && (
                <ol class="comment-replies" aria-label={t('comments.repliesTo', { name: c.name })}>
                  {c.replies.map((r) => (
                    <li><CommentItem tr={tr} comment={r} reply /></li>
                  ))}
                </ol>
              )}
              {open && (
                <details class="reply-box" id={`reply-${c.id}`} open={replyTo === c.id ? true : undefined}>
                  <summary>{rich(t('comments.replyTo'), { name: <span class="visually-hidden">{t('comments.replyToName', { name: c.name })}</span> })}</summary>
                  <CommentForm tr={tr} slug={slug} parentId={c.id} state={form} server={server} {...forReply(c.id)} />
                </details>
              )}
            </li>
          ))}
        </ol>
      )}
      {open ? (
        <div class="comment-form-box" id="comment-form">
          <h3>{t('comments.leave')}</h3>
          {form.notice && <p class="notice" role="status">{tr.fromEnglish(form.notice)}</p>}
          <CommentForm tr={tr} slug={slug} parentId={null} state={form} server={server} values={replyTo === null ? (form.values ?? {}) : {}} errors={replyTo === null ? (form.errors ?? {}) : {}} />
        </div>
      ) : (
        <p class="comments-closed">{t('comments.closed')}</p>
      )}
    </section>
  )
}
