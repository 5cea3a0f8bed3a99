import type { FC } from 'hono/jsx'
import { COUNTRIES } from '../../domain/countries.ts'
import { LIST_LIMITS, showCount, type EntryField, type ListEntry, type ListField, type ListSummary, type ShowList } from '../../domain/lists.ts'
import { formatDate } from '../format.ts'
import { listHref } from '../lists-page.tsx'
import { AdminLayout, CsrfField, type AdminChrome } from './admin-layout.tsx'

/** The values a list form shows (as typed), and its errors by field. */
export type ListFormValues = Partial<Record<ListField, string>>
export type ListFormErrors = Partial<Record<ListField | 'list', string>>
export type EntryFormValues = Partial<Record<EntryField, string>>
export type EntryFormErrors = Partial<Record<EntryField | 'entry', string>>

const LIST_LABELS: Record<ListField, string> = { title: 'Title', slug: 'Address', description: 'Description', ranked: 'Ranked', status: 'Status' }
const ENTRY_LABELS: Record<EntryField, string> = { review: 'Review', title: 'Title', year: 'Year', origin: 'Country', note: 'Note' }

/** The form values of a stored list. */
export const listFormValues = (l: ShowList): ListFormValues => ({
  title: l.title, slug: l.slug, description: l.description, ranked: l.ranked ? 'on' : '', status: l.status,
})

/** The form values of a stored entry. */
export const entryFormValues = (e: ListEntry): EntryFormValues => ({
  review: e.review?.slug ?? '', title: e.title, year: e.year === null ? '' : String(e.year), origin: e.origin ?? '', note: e.note ?? '',
})

const ErrorSummary: FC<{ errors: Record<string, string | undefined>; labels: Record<string, string>; prefix: string; general?: string }> = ({ errors, labels, prefix, general }) => {
  const fields = Object.keys(errors).filter((k) => k in labels && errors[k])
  if (!fields.length && !general) return null
  return (
    <div class="form-error" role="alert">
      <p><strong>{fields.length === 1 ? 'One field needs attention' : `${fields.length || 'Some'} fields need attention`}</strong>; nothing was saved.</p>
      <ul>
        {general && <li>{general}</li>}
        {fields.map((f) => <li><a href={`#${prefix}-${f}`}>{labels[f]}</a>: {errors[f]}</li>)}
      </ul>
    </div>
  )
}

const FieldError: FC<{ id: string; message?: string }> = ({ id, message }) => (message ? <p class="field-error" id={`${id}-error`}>{message}</p> : null)

const invalid = (message?: string) => (message ? ('true' as const) : undefined)
const describedBy = (id: string, message?: string, hint?: boolean) => [hint ? `${id}-hint` : null, message ? `${id}-error` : null].filter(Boolean).join(' ') || undefined

/** Title, address, description, ranked and status: the list's own fields. */
export const ListForm: FC<{ csrf: string; action: string; values: ListFormValues; errors: ListFormErrors; submitLabel: string }> = ({ csrf, action, values: v, errors, submitLabel }) => {
  const id = (f: ListField) => `l-${f}`
  return (
    <form method="post" action={action} class="list-form">
      <CsrfField token={csrf} />
      <ErrorSummary errors={errors} labels={LIST_LABELS} prefix="l" general={errors.list} />
      <fieldset class="panel form-section">
        <legend>The list</legend>
        <div class={`field${errors.title ? ' has-error' : ''}`}>
          <label for={id('title')}>{LIST_LABELS.title}</label>
          <input id={id('title')} name="title" required maxlength={LIST_LIMITS.title} value={v.title ?? ''} autocomplete="off" aria-invalid={invalid(errors.title)} aria-describedby={describedBy(id('title'), errors.title)} />
          <FieldError id={id('title')} message={errors.title} />
        </div>
        <div class={`field${errors.slug ? ' has-error' : ''}`}>
          <label for={id('slug')}>{LIST_LABELS.slug}</label>
          <input id={id('slug')} name="slug" value={v.slug ?? ''} autocomplete="off" spellcheck={false} aria-invalid={invalid(errors.slug)} aria-describedby={describedBy(id('slug'), errors.slug, true)} />
          <p class="hint" id={`${id('slug')}-hint`}>The list lives at /lists/<em>address</em>; leave empty to make one from the title.</p>
          <FieldError id={id('slug')} message={errors.slug} />
        </div>
        <div class={`field${errors.description ? ' has-error' : ''}`}>
          <label for={id('description')}>{LIST_LABELS.description}</label>
          <textarea id={id('description')} name="description" rows={4} maxlength={LIST_LIMITS.description} aria-invalid={invalid(errors.description)} aria-describedby={describedBy(id('description'), errors.description, true)}>{v.description ?? ''}</textarea>
          <p class="hint" id={`${id('description')}-hint`}>Plain text; a blank line starts a new paragraph.</p>
          <FieldError id={id('description')} message={errors.description} />
        </div>
        <div class="check">
          <input id={id('ranked')} name="ranked" type="checkbox" checked={v.ranked === 'on' || v.ranked === 'true'} />
          <label for={id('ranked')}>Ranked: number the shows in their order</label>
        </div>
        <fieldset class={`field${errors.status ? ' has-error' : ''}`}>
          <legend class="dlabel">{LIST_LABELS.status}</legend>
          <label class="check"><input type="radio" name="status" value="draft" id={id('status')} checked={(v.status ?? 'draft') !== 'published'} /> Draft: only you see it</label>
          <label class="check"><input type="radio" name="status" value="published" checked={v.status === 'published'} /> Published: on the site, in the feeds and the sitemap</label>
          <FieldError id={id('status')} message={errors.status} />
        </fieldset>
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="button primary">{submitLabel}</button>
        <a class="button ghost" href="/admin/lists">Cancel</a>
      </div>
    </form>
  )
}

/** Pick a review, or type a title (with a year and country) for a show not reviewed here; a note either way. */
const EntryFields: FC<{ prefix: string; values: EntryFormValues; errors: EntryFormErrors }> = ({ prefix, values: v, errors }) => {
  const id = (f: EntryField) => `${prefix}-${f}`
  const field = (f: EntryField, input: unknown, cls = '') => (
    <div class={`field${errors[f] ? ' has-error' : ''}${cls}`}>
      <label for={id(f)}>{ENTRY_LABELS[f]}</label>
      {input}
      <FieldError id={id(f)} message={errors[f]} />
    </div>
  )
  return (
    <div class="entry-fields">
      {field('review', <input id={id('review')} name="review" list="list-review-choices" value={v.review ?? ''} autocomplete="off" spellcheck={false} placeholder="Slug or address of a review" aria-invalid={invalid(errors.review)} aria-describedby={describedBy(id('review'), errors.review)} />, ' span-2')}
      {field('title', <input id={id('title')} name="title" maxlength={LIST_LIMITS.entryTitle} value={v.title ?? ''} autocomplete="off" placeholder="Or a show's title" aria-invalid={invalid(errors.title)} aria-describedby={describedBy(id('title'), errors.title)} />, ' span-2')}
      {field('year', <input id={id('year')} name="year" inputmode="numeric" value={v.year ?? ''} autocomplete="off" aria-invalid={invalid(errors.year)} aria-describedby={describedBy(id('year'), errors.year)} />)}
      {field('origin', <input id={id('origin')} name="origin" list="list-countries" value={v.origin ?? ''} autocomplete="off" aria-invalid={invalid(errors.origin)} aria-describedby={describedBy(id('origin'), errors.origin)} />)}
      {field('note', <textarea id={id('note')} name="note" rows={3} maxlength={LIST_LIMITS.note} aria-invalid={invalid(errors.note)} aria-describedby={describedBy(id('note'), errors.note)}>{v.note ?? ''}</textarea>, ' span-2')}
    </div>
  )
}

/** One entry in the editor: its place, what it is, and forms to move, edit and remove it. */
const EntryRow: FC<{ csrf: string; list: ShowList; entry: ListEntry; index: number; open: { values: EntryFormValues; errors: EntryFormErrors } | null }> = ({ csrf, list, entry: e, index, open }) => {
  const base = `/admin/lists/${list.id}/entries/${e.id}`
  const last = index === list.entries.length - 1
  const title = e.review?.title ?? e.title
  return (
    <li class="entry-row" id={`entry-${e.id}`} data-entry-id={String(e.id)} draggable="true">
      <span class="entry-rank" aria-hidden="true">{list.ranked ? e.position : '•'}</span>
      <div class="entry-main">
        <span class="entry-title">{title}</span>
        <span class="entry-facts muted">
          {[e.review ? `Review: ${e.review.slug}${e.review.published ? '' : ' (draft)'}` : 'No review', e.year === null ? null : String(e.year), e.origin].filter(Boolean).join(' · ')}
        </span>
        {e.note && <span class="entry-note">{e.note}</span>}
      </div>
      <div class="entry-actions">
        <form method="post" action={`${base}/move`}>
          <CsrfField token={csrf} />
          <input type="hidden" name="direction" value="up" />
          <button type="submit" class="button small ghost" disabled={index === 0}>↑<span class="visually-hidden">{` Move “${title}” up`}</span></button>
        </form>
        <form method="post" action={`${base}/move`}>
          <CsrfField token={csrf} />
          <input type="hidden" name="direction" value="down" />
          <button type="submit" class="button small ghost" disabled={last}>↓<span class="visually-hidden">{` Move “${title}” down`}</span></button>
        </form>
        <form method="post" action={`${base}/delete`}>
          <CsrfField token={csrf} />
          <button type="submit" class="button small danger">Remove<span class="visually-hidden">{` “${title}”`}</span></button>
        </form>
      </div>
      <details class="entry-edit" open={open !== null}>
        <summary>Edit<span class="visually-hidden">{` “${title}”`}</span></summary>
        <form method="post" action={base}>
          <CsrfField token={csrf} />
          <ErrorSummary errors={open?.errors ?? {}} labels={ENTRY_LABELS} prefix={`e${e.id}`} general={open?.errors.entry} />
          <EntryFields prefix={`e${e.id}`} values={open?.values ?? entryFormValues(e)} errors={open?.errors ?? {}} />
          <button type="submit" class="button primary small">Save entry</button>
        </form>
      </details>
    </li>
  )
}

/** A list's editor: its fields, its entries (move, edit, remove) and a form to add one. */
export const ListEditorPage: FC<{
  chrome: AdminChrome
  list: ShowList
  values: ListFormValues
  errors: ListFormErrors
  reviews: { slug: string; title: string }[]
  /** The add form's values and errors after a refused add. */
  adding?: { values: EntryFormValues; errors: EntryFormErrors }
  /** The entry whose edit was refused, with what was typed. */
  editing?: { id: number; values: EntryFormValues; errors: EntryFormErrors }
  notice?: string | null
}> = ({ chrome, list, values, errors, reviews, adding, editing, notice }) => (
  <AdminLayout chrome={chrome} title={`Edit “${list.title}”`} active="lists" notice={notice}>
    <div class="diary-admin list-admin">
      <p class="diary-admin-back"><a href="/admin/lists">← Lists</a></p>
      <h1>{list.title}</h1>
      <p class="muted diary-admin-meta">
        {list.status === 'published' ? <a href={listHref(list.slug)}>{`/lists/${list.slug}`}</a> : 'Draft'} · {showCount(list.entries.length)} · last saved {formatDate(list.updatedAt.slice(0, 10))}
      </p>
      <ListForm csrf={chrome.csrf} action={`/admin/lists/${list.id}`} values={values} errors={errors} submitLabel="Save list" />

      <section class="diary-admin-section" aria-labelledby="entries-h">
        <h2 id="entries-h">Shows</h2>
        {list.entries.length === 0 ? (
          <p class="muted">No shows yet: add the first one below.</p>
        ) : (
          <ol class="entry-rows" data-reorder={`/admin/lists/${list.id}/order`}>
            {list.entries.map((e, i) => <EntryRow csrf={chrome.csrf} list={list} entry={e} index={i} open={editing?.id === e.id ? editing : null} />)}
          </ol>
        )}
      </section>

      <section class="diary-admin-section" aria-labelledby="add-h">
        <h2 id="add-h">Add a show</h2>
        <form method="post" action={`/admin/lists/${list.id}/entries`} class="panel entry-add">
          <CsrfField token={chrome.csrf} />
          <ErrorSummary errors={adding?.errors ?? {}} labels={ENTRY_LABELS} prefix="add" general={adding?.errors.entry} />
          <p class="hint">Pick one of your reviews, or type the title of a show you have not reviewed.</p>
          <EntryFields prefix="add" values={adding?.values ?? {}} errors={adding?.errors ?? {}} />
          <button type="submit" class="button primary">Add to the list</button>
        </form>
      </section>

      <datalist id="list-review-choices">
        {reviews.map((r) => <option value={r.slug}>{r.title}</option>)}
      </datalist>
      <datalist id="list-countries">
        {COUNTRIES.map((c) => <option value={c.name} />)}
      </datalist>

      <details class="danger-zone">
        <summary>Delete this list…</summary>
        <form method="post" action={`/admin/lists/${list.id}/delete`}>
          <CsrfField token={chrome.csrf} />
          <p>The list and its entries go for good. The reviews it links stay as they are.</p>
          <button type="submit" class="button danger">Delete “{list.title}”</button>
        </form>
      </details>
    </div>
  </AdminLayout>
)

/** The page that starts a new list. */
export const NewListPage: FC<{ chrome: AdminChrome; values: ListFormValues; errors: ListFormErrors }> = ({ chrome, values, errors }) => (
  <AdminLayout chrome={chrome} title="New list" active="lists">
    <div class="diary-admin list-admin">
      <p class="diary-admin-back"><a href="/admin/lists">← Lists</a></p>
      <h1>New list</h1>
      <ListForm csrf={chrome.csrf} action="/admin/lists" values={values} errors={errors} submitLabel="Create list" />
    </div>
  </AdminLayout>
)

const NOTICES: Record<string, string> = {
  created: 'List created: now add its shows.',
  saved: 'List saved.',
  deleted: 'List deleted.',
  added: 'Show added.',
  entry: 'Entry saved.',
  removed: 'Show removed.',
  moved: 'Order saved.',
}

/** The notice text of a flash key. */
export const listNotice = (key: string | null): string | null => (key ? (NOTICES[key] ?? null) : null)

/** Every list, drafts included, with links to edit them. */
export const ListsAdminPage: FC<{ chrome: AdminChrome; lists: ListSummary[]; notice?: string | null }> = ({ chrome, lists, notice }) => (
  <AdminLayout chrome={chrome} title="Lists" active="lists" notice={notice}>
    <div class="diary-admin list-admin">
      <div class="diary-admin-head">
        <div>
          <h1>Lists</h1>
          <p class="muted">{lists.length === 1 ? '1 list' : `${lists.length} lists`} · <a href="/lists">public lists</a></p>
        </div>
        <div class="diary-admin-actions">
          <a class="button primary" href="/admin/lists/new">New list</a>
        </div>
      </div>
      {lists.length === 0 ? (
        <p class="muted">No lists yet. <a href="/admin/lists/new">Start the first one</a>.</p>
      ) : (
        <ol class="diary-rows">
          {lists.map((l) => (
            <li class="diary-row">
              <div class="diary-row-main">
                <a class="diary-row-title" href={`/admin/lists/${l.id}`}>{l.title}</a>
                <span class="diary-row-facts">{[l.ranked ? 'Ranked' : 'Unranked', showCount(l.entryCount), `saved ${formatDate(l.updatedAt.slice(0, 10))}`].join(' · ')}</span>
              </div>
              <div class="diary-row-side">
                <span class={`status-badge list-${l.status}`}>{l.status === 'published' ? 'Published' : 'Draft'}</span>
              </div>
            </li>
          ))}
        </ol>
      )}
    </div>
  </AdminLayout>
)
