import type { Child, FC } from 'hono/jsx'
import { COUNTRIES } from '../../domain/countries.ts'
import {
  DIARY_LIMITS, DIARY_STATUS_LABELS, DIARY_STATUSES, diaryDate, type DiaryEntry, type DiaryField, type DiaryFormValues,
} from '../../domain/diary.ts'
import type { Page } from '../../domain/records.ts'
import type { MeterSettings } from '../../domain/settings.ts'
import { Meter, Pagination } from '../components.tsx'
import { EpisodeProgress, formatWatchDates, StatusBadge } from '../diary-page.tsx'
import { formatDate } from '../format.ts'
import { AdminLayout, CsrfField, type AdminChrome } from './admin-layout.tsx'

/** Field errors by field name, as the form shows them. */
export type DiaryFormErrors = Partial<Record<DiaryField | 'entry', string>>

const LABELS: Record<DiaryField, string> = {
  title: 'Title',
  status: 'Status',
  origin: 'Country',
  platform: 'Platform',
  startedOn: 'Started',
  finishedOn: 'Finished',
  episodesWatched: 'Episodes watched',
  episodesTotal: 'Episodes in total',
  rewatch: 'Rewatch',
  meter: 'Meter',
  reviewSlug: 'Linked review',
  note: 'Note',
}

const STATUS_HINTS: Record<(typeof DIARY_STATUSES)[number], string> = {
  watching: 'under way',
  finished: 'seen to the end',
  dropped: 'gave up',
  planned: 'on the watchlist',
}

const fieldId = (name: DiaryField) => `f-${name}`
const errorId = (name: DiaryField) => `f-${name}-error`

/** The attributes that tie an input to its label and its error. */
function describe(name: DiaryField, errors: DiaryFormErrors, hint?: boolean) {
  const ids = [hint ? `f-${name}-hint` : null, errors[name] ? errorId(name) : null].filter(Boolean)
  return {
    id: fieldId(name),
    name,
    'aria-invalid': errors[name] ? ('true' as const) : undefined,
    'aria-describedby': ids.length ? ids.join(' ') : undefined,
  }
}

const FieldError: FC<{ name: DiaryField; errors: DiaryFormErrors }> = ({ name, errors }) =>
  errors[name] ? (
    <p class="field-error" id={errorId(name)}>
      {LABELS[name]} {errors[name]}
    </p>
  ) : null

/** A labelled field with its hint and its error right under the input. */
const Field: FC<{ name: DiaryField; label?: string; hint?: string; errors: DiaryFormErrors; class?: string; children?: Child }> = ({
  name, label, hint, errors, class: cls, children,
}) => (
  <div class={`field${errors[name] ? ' has-error' : ''}${cls ? ` ${cls}` : ''}`}>
    <label for={fieldId(name)}>{label ?? LABELS[name]}</label>
    {children}
    {hint && <p class="hint" id={`f-${name}-hint`}>{hint}</p>}
    <FieldError name={name} errors={errors} />
  </div>
)

/** The form that adds or edits an entry; plain POST, works without JavaScript. */
export const DiaryForm: FC<{
  csrf: string
  action: string
  values: DiaryFormValues
  errors: DiaryFormErrors
  meter: MeterSettings
  reviews: { slug: string; title: string }[]
  platforms: string[]
  submitLabel: string
}> = ({ csrf, action, values: v, errors, meter, reviews, platforms, submitLabel }) => {
  const fieldsWithErrors = (Object.keys(errors) as (DiaryField | 'entry')[]).filter((k) => k !== 'entry') as DiaryField[]
  const status = v.status || 'finished'
  return (
    <form method="post" action={action} class="diary-form">
      <CsrfField token={csrf} />
      {(fieldsWithErrors.length > 0 || errors.entry) && (
        <div class="form-error" role="alert">
          <p>
            <strong>
              {fieldsWithErrors.length === 1 ? 'One field needs attention' : `${fieldsWithErrors.length || 'Some'} fields need attention`}
            </strong>
            ; nothing was saved.
          </p>
          <ul>
            {errors.entry && <li>{errors.entry}</li>}
            {fieldsWithErrors.map((f) => (
              <li><a href={`#${fieldId(f)}`}>{LABELS[f]}</a>: {errors[f]}</li>
            ))}
          </ul>
        </div>
      )}

      <fieldset class="panel form-section">
        <legend>The show</legend>
        <Field name="title" errors={errors} class="span-2">
          <input {...describe('title', errors)} required maxlength={DIARY_LIMITS.title} value={v.title ?? ''} autocomplete="off" />
        </Field>
        <Field name="origin" errors={errors} hint="e.g. South Korea, Japan, Thailand">
          <input {...describe('origin', errors, true)} list="countries" value={v.origin ?? ''} autocomplete="off" />
        </Field>
        <Field name="platform" errors={errors}>
          <input {...describe('platform', errors)} list="platforms" maxlength={DIARY_LIMITS.platform} value={v.platform ?? ''} autocomplete="off" />
        </Field>
        <Field name="reviewSlug" errors={errors} hint="Slug or address of a review on this site; leave empty if there is none." class="span-2">
          <input {...describe('reviewSlug', errors, true)} list="reviews" value={v.reviewSlug ?? ''} autocomplete="off" spellcheck={false} />
        </Field>
      </fieldset>

      <fieldset class="panel form-section">
        <legend>The watch</legend>
        <fieldset class={`field status-field span-2${errors.status ? ' has-error' : ''}`} aria-describedby={errors.status ? errorId('status') : undefined}>
          <legend class="dlabel">{LABELS.status}</legend>
          <div class="segmented">
            {DIARY_STATUSES.map((s) => (
              <label class="segment">
                <input type="radio" name="status" value={s} checked={status === s} id={s === DIARY_STATUSES[0] ? fieldId('status') : undefined} />
                <span>
                  <strong>{DIARY_STATUS_LABELS[s]}</strong>
                  <small>{STATUS_HINTS[s]}</small>
                </span>
              </label>
            ))}
          </div>
          <FieldError name="status" errors={errors} />
        </fieldset>
        <Field name="startedOn" errors={errors}>
          <input {...describe('startedOn', errors)} type="date" value={v.startedOn ?? ''} />
        </Field>
        <Field name="finishedOn" errors={errors}>
          <input {...describe('finishedOn', errors)} type="date" value={v.finishedOn ?? ''} />
        </Field>
        <Field name="episodesWatched" errors={errors}>
          <input {...describe('episodesWatched', errors)} type="number" inputmode="numeric" min="0" max={DIARY_LIMITS.episodes} value={v.episodesWatched ?? ''} />
        </Field>
        <Field name="episodesTotal" errors={errors}>
          <input {...describe('episodesTotal', errors)} type="number" inputmode="numeric" min="0" max={DIARY_LIMITS.episodes} value={v.episodesTotal ?? ''} />
        </Field>
        <div class={`field check span-2${errors.rewatch ? ' has-error' : ''}`}>
          <input {...describe('rewatch', errors)} type="checkbox" checked={v.rewatch === 'on' || v.rewatch === 'true'} />
          <label for={fieldId('rewatch')}>This is a rewatch</label>
          <FieldError name="rewatch" errors={errors} />
        </div>
      </fieldset>

      <fieldset class="panel form-section">
        <legend>Verdict</legend>
        <Field name="meter" label={meter.name} errors={errors} hint={meter.direction === 'lower-is-better' ? 'Lower is better.' : 'Higher is better.'} class="span-2">
          <select {...describe('meter', errors, true)}>
            <option value="" selected={!v.meter}>Not rated</option>
            {Array.from({ length: meter.max + 1 }, (_, n) => (
              <option value={String(n)} selected={v.meter === String(n)}>
                {`${n} of ${meter.max}${n > 0 ? `  ${meter.symbol.repeat(n)}` : ''}`}
              </option>
            ))}
          </select>
        </Field>
        <Field name="note" errors={errors} hint={`Up to ${DIARY_LIMITS.note} characters; shown on the public diary.`} class="span-2">
          <textarea {...describe('note', errors, true)} rows={4} maxlength={DIARY_LIMITS.note}>{v.note ?? ''}</textarea>
        </Field>
      </fieldset>

      <datalist id="countries">
        {COUNTRIES.map((c) => <option value={c.name} />)}
      </datalist>
      <datalist id="platforms">
        {platforms.map((p) => <option value={p} />)}
      </datalist>
      <datalist id="reviews">
        {reviews.map((r) => <option value={r.slug}>{r.title}</option>)}
      </datalist>

      <div class="form-actions">
        <button type="submit" class="button primary">{submitLabel}</button>
        <a class="button ghost" href="/admin/diary">Cancel</a>
      </div>
    </form>
  )
}

/** The add or edit page around the form; editing also offers deletion. */
export const DiaryFormPage: FC<{
  chrome: AdminChrome
  entry: DiaryEntry | null
  values: DiaryFormValues
  errors: DiaryFormErrors
  reviews: { slug: string; title: string }[]
  platforms: string[]
}> = ({ chrome, entry, values, errors, reviews, platforms }) => {
  const title = entry ? `Edit “${entry.title}”` : values.status === 'planned' ? 'Add to the watchlist' : 'Record a watch'
  return (
    <AdminLayout chrome={chrome} title={title} active="diary">
      <div class="diary-admin">
        <p class="diary-admin-back"><a href="/admin/diary">← Diary</a></p>
        <h1>{title}</h1>
        {entry && (
          <p class="muted diary-admin-meta">
            Recorded {formatDate(entry.createdAt.slice(0, 10))}
            {entry.updatedAt !== entry.createdAt && ` · last saved ${formatDate(entry.updatedAt.slice(0, 10))}`}
          </p>
        )}
        <DiaryForm
          csrf={chrome.csrf}
          action={entry ? `/admin/diary/${entry.id}` : '/admin/diary'}
          values={values}
          errors={errors}
          meter={chrome.settings.meter}
          reviews={reviews}
          platforms={platforms}
          submitLabel={entry ? 'Save changes' : values.status === 'planned' ? 'Add to watchlist' : 'Record watch'}
        />
        {entry && (
          <details class="danger-zone">
            <summary>Delete this entry…</summary>
            <form method="post" action={`/admin/diary/${entry.id}/delete`}>
              <CsrfField token={chrome.csrf} />
              <p>The entry leaves the diary and the year in review for good. A linked review stays as it is.</p>
              <button type="submit" class="button danger">Delete “{entry.title}”</button>
            </form>
          </details>
        )}
      </div>
    </AdminLayout>
  )
}

const AdminRow: FC<{ entry: DiaryEntry; meter: MeterSettings }> = ({ entry: e, meter }) => (
  <li class="diary-row">
    <div class="diary-row-main">
      <a class="diary-row-title" href={`/admin/diary/${e.id}`}>{e.title}</a>
      <span class="diary-row-facts">
        {[formatWatchDates(e) ?? `Recorded ${formatDate(diaryDate(e))}`, e.origin, e.platform].filter(Boolean).join(' · ')}
      </span>
    </div>
    <div class="diary-row-side">
      {e.status !== 'planned' && <StatusBadge status={e.status} />}
      {e.rewatch && <span class="status-badge status-rewatch">Rewatch</span>}
      {e.meter && <Meter value={e.meter.value} max={e.meter.max} meter={meter} />}
    </div>
    <div class="diary-row-progress">
      <EpisodeProgress entry={e} />
    </div>
  </li>
)

const NOTICES: Record<string, string> = {
  added: 'Watch recorded.',
  planned: 'Added to the watchlist.',
  saved: 'Entry saved.',
  deleted: 'Entry deleted.',
}

/** The admin overview: the watchlist and every watch, with links to add and edit. */
export const DiaryAdminPage: FC<{ chrome: AdminChrome; list: Page<DiaryEntry>; watchlist: DiaryEntry[]; notice?: string | null }> = ({
  chrome, list, watchlist, notice,
}) => {
  const meter = chrome.settings.meter
  return (
    <AdminLayout chrome={chrome} title="Diary" active="diary" notice={notice ? (NOTICES[notice] ?? null) : null}>
      <div class="diary-admin">
        <div class="diary-admin-head">
          <div>
            <h1>Diary</h1>
            <p class="muted">
              {list.total === 1 ? '1 watch' : `${list.total} watches`} · {watchlist.length} on the watchlist ·{' '}
              <a href="/diary">public diary</a>
            </p>
          </div>
          <div class="diary-admin-actions">
            <a class="button" href="/admin/diary/new?status=planned">Add to watchlist</a>
            <a class="button primary" href="/admin/diary/new">Record a watch</a>
          </div>
        </div>

        <section class="diary-admin-section" aria-labelledby="wl-h">
          <h2 id="wl-h">Watchlist</h2>
          {watchlist.length === 0 ? (
            <p class="muted">Nothing planned. <a href="/admin/diary/new?status=planned">Add a drama to watch next</a>.</p>
          ) : (
            <ol class="diary-rows">
              {watchlist.map((e) => <AdminRow entry={e} meter={meter} />)}
            </ol>
          )}
        </section>

        <section class="diary-admin-section" aria-labelledby="w-h">
          <h2 id="w-h">Watches</h2>
          {list.items.length === 0 ? (
            <p class="muted">No watches yet. <a href="/admin/diary/new">Record the first one</a>.</p>
          ) : (
            <ol class="diary-rows">
              {list.items.map((e) => <AdminRow entry={e} meter={meter} />)}
            </ol>
          )}
          <Pagination page={list.page} pageCount={list.pageCount} href={(n) => (n === 1 ? '/admin/diary' : `/admin/diary?page=${n}`)} />
        </section>
      </div>
    </AdminLayout>
  )
}
