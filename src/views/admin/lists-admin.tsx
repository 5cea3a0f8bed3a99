import type { FC } from 'hono/jsx'
import { COUNTRIES } from '../../domain/countries.ts'
import { type MessageKey, type Translator, translatorFor } from '../../domain/i18n.ts'
import { LIST_LIMITS, type EntryField, type ListEntry, type ListField, type ListSummary, type ShowList } from '../../domain/lists.ts'
import { rich } from '../format.ts'
import { listHref } from '../lists-page.tsx'
import { AdminLayout, CsrfField, type AdminChrome } from './admin-layout.tsx'

/** The values a list form shows (as typed), and its errors by field. */
export type ListFormValues = Partial<Record<ListField, string>>
export type ListFormErrors = Partial<Record<ListField | 'list', string>>
export type EntryFormValues = Partial<Record<EntryField, string>>
export type EntryFormErrors = Partial<Record<EntryField | 'entry', string>>

const LIST_LABELS: Record<ListField, MessageKey> = { title: 'editor.title', slug: 'editor.address', description: 'settings.description', ranked: 'lists.ranked', status: 'editor.status' }
const ENTRY_LABELS: Record<EntryField, MessageKey> = { review: 'review.kicker', title: 'editor.title', year: 'review.year', origin: 'search.country', note: 'diaryAdmin.note' }

/** The form values of a stored list. */
export const listFormValues = (l: ShowList): ListFormValues => ({
  title: l.title, slug: l.slug, description: l.description, ranked: l.ranked ? 'on' : '', status: l.status,
})

/** The form values of a stored entry. */
export const entryFormValues = (e: ListEntry): EntryFormValues => ({
  review: e.review?.slug ?? '', title: e.title, year: e.year === null ? '' : String(e.year), origin: e.origin ?? '', note: e.note ?? '',
})

const ErrorSummary: FC<{ tr: Translator; errors: Record<string, string | undefined>; labels: Record<string, MessageKey>; prefix: string; general?: string }> = ({ tr: { t }, errors, labels, prefix, general }) => {
  const fields = Object.keys(errors).filter((k) => k in labels && errors[k])
  if (!fields.length && !general) return null
  return (
    <div class="form-error" role="alert">
      <p><strong>{fields.length === 0 ? t('diaryAdmin.someFields') : t('diaryAdmin.fields', { count: fields.length })}</strong>{t('diaryAdmin.nothingSaved')}</p>
      <ul>
        {general && <li>{general}</li>}
        {fields.map((f) => <li><a href={`#${prefix}-${f}`}>{t(labels[f]!)}</a>: {errors[f]}</li>)}
      </ul>
    </div>
  )
}

const FieldError: FC<{ id: string; message?: string }> = ({ id, message }) => (message ? <p class="field-error" id={`${id}-error`}>{message}</p> : null)

const invalid = (message?: string) => (message ? ('true' as const) : undefined)
const describedBy = (id: string, message?: string, hint?: boolean) => [hint ? `${id}-hint` : null, message ? `${id}-error` : null].filter(Boolean).join(' ') || undefined

/** Title, address, description, ranked and status: the list's own fields. */
export const ListForm: FC<{ tr: Translator; csrf: string; action: string; values: ListFormValues; errors: ListFormErrors; submitLabel: string }> = ({ tr, csrf, action, values: v, errors, submitLabel }) => {
  const { t } = tr
  const id = (f: ListField) => `l-${f}`
  return (
    <form method="post" action={action} class="list-form">
      <CsrfField token={csrf} />
      <ErrorSummary tr={tr} errors={errors} labels={LIST_LABELS} prefix="l" general={errors.list} />
      <fieldset class="panel form-section">
        <legend>{t('listAdmin.theList')}</legend>
        <div class={`field${errors.title ? ' has-error' : ''}`}>
          <label for={id('title')}>{t(LIST_LABELS.title)}</label>
          <input id={id('title')} name="title" required maxlength={LIST_LIMITS.title} value={v.title ?? ''} autocomplete="off" aria-invalid={invalid(errors.title)} aria-describedby={describedBy(id('title'), errors.title)} />
          <FieldError id={id('title')} message={errors.title} />
        </div>
        <div class={`field${errors.slug ? ' has-error' : ''}`}>
          <label for={id('slug')}>{t(LIST_LABELS.slug)}</label>
          <input id={id('slug')} name="slug" value={v.slug ?? ''} autocomplete="off" spellcheck={false} aria-invalid={invalid(errors.slug)} aria-describedby={describedBy(id('slug'), errors.slug, true)} />
          <p class="hint" id={`${id('slug')}-hint`}>{rich(t('listAdmin.slugHint'), { address: <em>{t('listAdmin.slugWord')}</em> })}</p>
          <FieldError id={id('slug')} message={errors.slug} />
        </div>
        <div class={`field${errors.description ? ' has-error' : ''}`}>
          <label for={id('description')}>{t(LIST_LABELS.description)}</label>
          <textarea id={id('description')} name="description" rows={4} maxlength={LIST_LIMITS.description} aria-invalid={invalid(errors.description)} aria-describedby={describedBy(id('description'), errors.description, true)}>{v.description ?? ''}</textarea>
          <p class="hint" id={`${id('description')}-hint`}>{t('listAdmin.descriptionHint')}</p>
          <FieldError id={id('description')} message={errors.description} />
        </div>
        <div class="check">
          <input id={id('ranked')} name="ranked" type="checkbox" checked={v.ranked === 'on' || v.ranked === 'true'} />
          <label for={id('ranked')}>{t('listAdmin.rankedLabel')}</label>
        </div>
        <fieldset class={`field${errors.status ? ' has-error' : ''}`}>
          <legend class="dlabel">{t(LIST_LABELS.status)}</legend>
          <label class="check"><input type="radio" name="status" value="draft" id={id('status')} checked={(v.status ?? 'draft') !== 'published'} /> {t('listAdmin.draftLabel')}</label>
          <label class="check"><input type="radio" name="status" value="published" checked={v.status === 'published'} /> {t('listAdmin.publishedLabel')}</label>
          <FieldError id={id('status')} message={errors.status} />
        </fieldset>
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="button primary">{submitLabel}</button>
        <a class="button ghost" href="/admin/lists">{t('diaryAdmin.cancel')}</a>
      </div>
    </form>
  )
}

/** Pick a review, or type a title (with a year and country) for a show not reviewed here; a note either way. */
const EntryFields: FC<{ tr: Translator; prefix: string; values: EntryFormValues; errors: EntryFormErrors }> = ({ tr: { t }, prefix, values: v, errors }) => {
  const id = (f: EntryField) => `${prefix}-${f}`
  const field = (f: EntryField, input: unknown, cls = '') => (
    <div class={`field${errors[f] ? ' has-error' : ''}${cls}`}>
      <label for={id(f)}>{t(ENTRY_LABELS[f])}</label>
      {input}
      <FieldError id={id(f)} message={errors[f]} />
    </div>
  )
  return (
    <div class="entry-fields">
      {field('review', <input id={id('review')} name="review" list="list-review-choices" value={v.review ?? ''} autocomplete="off" spellcheck={false} placeholder={t('listAdmin.reviewPlaceholder')} aria-invalid={invalid(errors.review)} aria-describedby={describedBy(id('review'), errors.review)} />, ' span-2')}
      {field('title', <input id={id('title')} name="title" maxlength={LIST_LIMITS.entryTitle} value={v.title ?? ''} autocomplete="off" placeholder={t('listAdmin.titlePlaceholder')} aria-invalid={invalid(errors.title)} aria-describedby={describedBy(id('title'), errors.title)} />, ' span-2')}
      {field('year', <input id={id('year')} name="year" inputmode="numeric" value={v.year ?? ''} autocomplete="off" aria-invalid={invalid(errors.year)} aria-describedby={describedBy(id('year'), errors.year)} />)}
      {field('origin', <input id={id('origin')} name="origin" list="list-countries" value={v.origin ?? ''} autocomplete="off" aria-invalid={invalid(errors.origin)} aria-describedby={describedBy(id('origin'), errors.origin)} />)}
      {field('note', <textarea id={id('note')} name="note" rows={3} maxlength={LIST_LIMITS.note} aria-invalid={invalid(errors.note)} aria-describedby={describedBy(id('note'), errors.note)}>{v.note ?? ''}</textarea>, ' span-2')}
    </div>
  )
}

/** One entry in the editor: its place, what it is, and forms to move, edit and remove it. */
const EntryRow: FC<{ tr: Translator; csrf: string; list: ShowList; entry: ListEntry; index: number; open: { values: EntryFormValues; errors: EntryFormErrors } | null }> = ({ tr, csrf, list, entry: e, index, open }) => {
  const { t } = tr
  const base = `/admin/lists/${list.id}/entries/${e.id}`
  const last = index === list.entries.length - 1
  const title = e.review?.title ?? e.title
  return (
    <li class="entry-row" id={`entry-${e.id}`} data-entry-id={String(e.id)} draggable="true">
      <span class="entry-rank" aria-hidden="true">{list.ranked ? e.position : '•'}</span>
      <div class="entry-main">
        <span class="entry-title">{title}</span>
        <span class="entry-facts muted">
          {[e.review ? t(e.review.published ? 'listAdmin.review' : 'listAdmin.reviewDraft', { slug: e.review.slug }) : t('listAdmin.noReview'), e.year === null ? null : String(e.year), e.origin].filter(Boolean).join(' · ')}
        </span>
        {e.note && <span class="entry-note">{e.note}</span>}
      </div>
      <div class="entry-actions">
        <form method="post" action={`${base}/move`}>
          <CsrfField token={csrf} />
          <input type="hidden" name="direction" value="up" />
          <button type="submit" class="button small ghost" disabled={index === 0}>↑<span class="visually-hidden"> {t('listAdmin.moveUp', { title })}</span></button>
        </form>
        <form method="post" action={`${base}/move`}>
          <CsrfField token={csrf} />
          <input type="hidden" name="direction" value="down" />
          <button type="submit" class="button small ghost" disabled={last}>↓<span class="visually-hidden"> {t('listAdmin.moveDown', { title })}</span></button>
        </form>
        <form method="post" action={`${base}/delete`}>
          <CsrfField token={csrf} />
          <button type="submit" class="button small danger">{t('editor.remove')}<span class="visually-hidden">{` “${title}”`}</span></button>
        </form>
      </div>
      <details class="entry-edit" open={open !== null}>
        <summary>{t('listAdmin.edit')}<span class="visually-hidden">{` “${title}”`}</span></summary>
        <form method="post" action={base}>
          <CsrfField token={csrf} />
          <ErrorSummary tr={tr} errors={open?.errors ?? {}} labels={ENTRY_LABELS} prefix={`e${e.id}`} general={open?.errors.entry} />
          <EntryFields tr={tr} prefix={`e${e.id}`} values={open?.values ?? entryFormValues(e)} errors={open?.errors ?? {}} />
          <button type="submit" class="button primary small">{t('listAdmin.saveEntry')}</button>
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
}> = ({ chrome, list, values, errors, reviews, adding, editing, notice }) => {
  const tr = translatorFor(chrome.settings.language)
  const { t } = tr
  return (
  <AdminLayout chrome={chrome} title={t('diaryAdmin.edit', { title: list.title })} active="lists" notice={notice}>
    <div class="diary-admin list-admin">
      <p class="diary-admin-back"><a href="/admin/lists">← {t('nav.lists')}</a></p>
      <h1>{list.title}</h1>
      <p class="muted diary-admin-meta">
        {list.status === 'published' ? <a href={listHref(list.slug)}>{`/lists/${list.slug}`}</a> : t('status.draft')} · {t('count.shows', { count: list.entries.length })} · {t('diaryAdmin.lastSaved', { date: tr.date(list.updatedAt.slice(0, 10)) })}
      </p>
      <ListForm tr={tr} csrf={chrome.csrf} action={`/admin/lists/${list.id}`} values={values} errors={errors} submitLabel={t('listAdmin.saveList')} />

      <section class="diary-admin-section" aria-labelledby="entries-h">
        <h2 id="entries-h">{t('listAdmin.shows')}</h2>
        {list.entries.length === 0 ? (
          <p class="muted">{t('listAdmin.noShows')}</p>
        ) : (
          <ol class="entry-rows" data-reorder={`/admin/lists/${list.id}/order`}>
            {list.entries.map((e, i) => <EntryRow tr={tr} csrf={chrome.csrf} list={list} entry={e} index={i} open={editing?.id === e.id ? editing : null} />)}
          </ol>
        )}
      </section>

      <section class="diary-admin-section" aria-labelledby="add-h">
        <h2 id="add-h">{t('listAdmin.addShow')}</h2>
        <form method="post" action={`/admin/lists/${list.id}/entries`} class="panel entry-add">
          <CsrfField token={chrome.csrf} />
          <ErrorSummary tr={tr} errors={adding?.errors ?? {}} labels={ENTRY_LABELS} prefix="add" general={adding?.errors.entry} />
          <p class="hint">{t('listAdmin.addHint')}</p>
          <EntryFields tr={tr} prefix="add" values={adding?.values ?? {}} errors={adding?.errors ?? {}} />
          <button type="submit" class="button primary">{t('listAdmin.addToList')}</button>
        </form>
      </section>

      <datalist id="list-review-choices">
        {reviews.map((r) => <option value={r.slug}>{r.title}</option>)}
      </datalist>
      <datalist id="list-countries">
        {COUNTRIES.map((c) => <option value={c.name} />)}
      </datalist>

      <details class="danger-zone">
        <summary>{t('listAdmin.deleteList')}</summary>
        <form method="post" action={`/admin/lists/${list.id}/delete`}>
          <CsrfField token={chrome.csrf} />
          <p>{t('listAdmin.deleteHelp')}</p>
          <button type="submit" class="button danger">{t('diaryAdmin.deleteTitle', { title: list.title })}</button>
        </form>
      </details>
    </div>
  </AdminLayout>
  )
}

/** The page that starts a new list. */
export const NewListPage: FC<{ chrome: AdminChrome; values: ListFormValues; errors: ListFormErrors }> = ({ chrome, values, errors }) => {
  const tr = translatorFor(chrome.settings.language)
  const { t } = tr
  return (
    <AdminLayout chrome={chrome} title={t('listAdmin.newList')} active="lists">
      <div class="diary-admin list-admin">
        <p class="diary-admin-back"><a href="/admin/lists">← {t('nav.lists')}</a></p>
        <h1>{t('listAdmin.newList')}</h1>
        <ListForm tr={tr} csrf={chrome.csrf} action="/admin/lists" values={values} errors={errors} submitLabel={t('listAdmin.createList')} />
      </div>
    </AdminLayout>
  )
}

const NOTICES: Record<string, MessageKey> = {
  created: 'form.list.created',
  saved: 'form.list.saved',
  deleted: 'form.list.deleted',
  added: 'form.list.added',
  entry: 'form.list.entry',
  removed: 'form.list.removed',
  moved: 'form.list.moved',
}

/** The notice text of a flash key, in English (the admin frame shows it in the site's language). */
export const listNotice = (key: string | null): string | null => {
  const message = key ? NOTICES[key] : undefined
  return message ? translatorFor('en').t(message) : null
}

/** Every list, drafts included, with links to edit them. */
export const ListsAdminPage: FC<{ chrome: AdminChrome; lists: ListSummary[]; notice?: string | null }> = ({ chrome, lists, notice }) => {
  const tr = translatorFor(chrome.settings.language)
  const { t } = tr
  return (
  <AdminLayout chrome={chrome} title={t('nav.lists')} active="lists" notice={notice}>
    <div class="diary-admin list-admin">
      <div class="diary-admin-head">
        <div>
          <h1>{t('nav.lists')}</h1>
          <p class="muted">{t('count.lists', { count: lists.length })} · <a href="/lists">{t('listAdmin.publicLists')}</a></p>
        </div>
        <div class="diary-admin-actions">
          <a class="button primary" href="/admin/lists/new">{t('listAdmin.newList')}</a>
        </div>
      </div>
      {lists.length === 0 ? (
        <p class="muted">{rich(t('listAdmin.noLists'), { link: <a href="/admin/lists/new">{t('listAdmin.noListsLink')}</a> })}</p>
      ) : (
        <ol class="diary-rows">
          {lists.map((l) => (
            <li class="diary-row">
              <div class="diary-row-main">
                <a class="diary-row-title" href={`/admin/lists/${l.id}`}>{l.title}</a>
                <span class="diary-row-facts">{[l.ranked ? t('lists.ranked') : t('listAdmin.unranked'), t('count.shows', { count: l.entryCount }), t('listAdmin.saved', { date: tr.date(l.updatedAt.slice(0, 10)) })].join(' · ')}</span>
              </div>
              <div class="diary-row-side">
                <span class={`status-badge list-${l.status}`}>{l.status === 'published' ? t('status.published') : t('status.draft')}</span>
              </div>
            </li>
          ))}
        </ol>
      )}
    </div>
  </AdminLayout>
  )
}
