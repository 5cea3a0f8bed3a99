import type { Child, FC } from 'hono/jsx'
import { COUNTRIES } from '../../domain/countries.ts'
import {
  DIARY_FIELDS, DIARY_LIMITS, DIARY_STATUSES, diaryDate, diaryFormValues, type DiaryEntry, type DiaryField, type DiaryFormValues,
} from '../../domain/diary.ts'
import { type MessageKey, type Translator, translatorFor } from '../../domain/i18n.ts'
import type { Page } from '../../domain/records.ts'
import type { MeterSettings } from '../../domain/settings.ts'
import { Meter, Pagination } from '../components.tsx'
import { EpisodeProgress, formatWatchDates, STATUS_KEYS, StatusBadge } from '../diary-page.tsx'
import { rich } from '../format.ts'
import { AdminLayout, CsrfField, type AdminChrome } from './admin-layout.tsx'

/** Field errors by field name, as the form shows them. */
export type DiaryFormErrors = Partial<Record<DiaryField | 'entry', string>>

const LABELS: Record<DiaryField, MessageKey> = {
  title: 'editor.title',
  status: 'editor.status',
  origin: 'search.country',
  platform: 'review.platform',
  startedOn: 'diaryAdmin.started',
  finishedOn: 'diary.status.finished',
  episodesWatched: 'diaryAdmin.episodesWatched',
  episodesTotal: 'diaryAdmin.episodesTotal',
  rewatch: 'review.rewatch',
  meter: 'diaryAdmin.meter',
  reviewSlug: 'diaryAdmin.linkedReview',
  note: 'diaryAdmin.note',
}

const STATUS_HINTS: Record<(typeof DIARY_STATUSES)[number], MessageKey> = {
  watching: 'diaryAdmin.hint.watching',
  finished: 'diaryAdmin.hint.finished',
  dropped: 'diaryAdmin.hint.dropped',
  planned: 'diaryAdmin.hint.planned',
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

const FieldError: FC<{ tr: Translator; name: DiaryField; errors: DiaryFormErrors }> = ({ tr, name, errors }) =>
  errors[name] ? (
    <p class="field-error" id={errorId(name)}>
      {tr.t('diaryAdmin.fieldError', { label: tr.t(LABELS[name]), error: errors[name] })}
    </p>
  ) : null

/** A labelled field with its hint and its error right under the input. */
const Field: FC<{ tr: Translator; name: DiaryField; label?: string; hint?: string; errors: DiaryFormErrors; class?: string; children?: Child }> = ({
  tr, name, label, hint, errors, class: cls, children,
}) => (
  <div class={`field${errors[name] ? ' has-error' : ''}${cls ? ` ${cls}` : ''}`}>
    <label for={fieldId(name)}>{label ?? tr.t(LABELS[name])}</label>
    {children}
    {hint && <p class="hint" id={`f-${name}-hint`}>{hint}</p>}
    <FieldError tr={tr} name={name} errors={errors} />
  </div>
)

/** The form that adds or edits an entry; plain POST, works without JavaScript. */
export const DiaryForm: FC<{
  tr: Translator
  csrf: string
  action: string
  values: DiaryFormValues
  errors: DiaryFormErrors
  meter: MeterSettings
  reviews: { slug: string; title: string }[]
  platforms: string[]
  submitLabel: string
  /** The `updatedAt` the edit started from; the save is refused if the entry moved on since. */
  version?: string | null
}> = ({ tr, csrf, action, values: v, errors: found, meter, reviews, platforms, submitLabel, version }) => {
  const { t } = tr
  // The checks write their field errors in English; the form shows them in the site's language.
  const errors: DiaryFormErrors = Object.fromEntries(Object.entries(found).map(([k, e]) => [k, tr.fromEnglish(e)]))
  const fieldsWithErrors = (Object.keys(errors) as (DiaryField | 'entry')[]).filter((k) => k !== 'entry') as DiaryField[]
  const status = v.status || 'finished'
  return (
    <form method="post" action={action} class="diary-form">
      <CsrfField token={csrf} />
      {version && <input type="hidden" name="version" value={version} />}
      {(fieldsWithErrors.length > 0 || errors.entry) && (
        <div class="form-error" role="alert">
          <p>
            <strong>
              {fieldsWithErrors.length === 0 ? t('diaryAdmin.someFields') : t('diaryAdmin.fields', { count: fieldsWithErrors.length })}
            </strong>
            {t('diaryAdmin.nothingSaved')}
          </p>
          <ul>
            {errors.entry && <li>{errors.entry}</li>}
            {fieldsWithErrors.map((f) => (
              <li><a href={`#${fieldId(f)}`}>{t(LABELS[f])}</a>: {errors[f]}</li>
            ))}
          </ul>
        </div>
      )}

      <fieldset class="panel form-section">
        <legend>{t('editor.show')}</legend>
        <Field tr={tr} name="title" errors={errors} class="span-2">
          <input {...describe('title', errors)} required maxlength={DIARY_LIMITS.title} value={v.title ?? ''} autocomplete="off" />
        </Field>
        <Field tr={tr} name="origin" errors={errors} hint={t('diaryAdmin.originHint')}>
          <input {...describe('origin', errors, true)} list="countries" value={v.origin ?? ''} autocomplete="off" />
        </Field>
        <Field tr={tr} name="platform" errors={errors}>
          <input {...describe('platform', errors)} list="platforms" maxlength={DIARY_LIMITS.platform} value={v.platform ?? ''} autocomplete="off" />
        </Field>
        <Field tr={tr} name="reviewSlug" errors={errors} hint={t('diaryAdmin.reviewHint')} class="span-2">
          <input {...describe('reviewSlug', errors, true)} list="reviews" value={v.reviewSlug ?? ''} autocomplete="off" spellcheck={false} />
        </Field>
      </fieldset>

      <fieldset class="panel form-section">
        <legend>{t('diaryAdmin.watch')}</legend>
        <fieldset class={`field status-field span-2${errors.status ? ' has-error' : ''}`} aria-describedby={errors.status ? errorId('status') : undefined}>
          <legend class="dlabel">{t(LABELS.status)}</legend>
          <div class="segmented">
            {DIARY_STATUSES.map((s) => (
              <label class="segment">
                <input type="radio" name="status" value={s} checked={status === s} id={s === DIARY_STATUSES[0] ? fieldId('status') : undefined} />
                <span>
                  <strong>{t(STATUS_KEYS[s])}</strong>
                  <small>{t(STATUS_HINTS[s])}</small>
                </span>
              </label>
            ))}
          </div>
          <FieldError tr={tr} name="status" errors={errors} />
        </fieldset>
        <Field tr={tr} name="startedOn" errors={errors}>
          <input {...describe('startedOn', errors)} type="date" value={v.startedOn ?? ''} />
        </Field>
        <Field tr={tr} name="finishedOn" errors={errors}>
          <input {...describe('finishedOn', errors)} type="date" value={v.finishedOn ?? ''} />
        </Field>
        <Field tr={tr} name="episodesWatched" errors={errors}>
          <input {...describe('episodesWatched', errors)} type="number" inputmode="numeric" min="0" max={DIARY_LIMITS.episodes} value={v.episodesWatched ?? ''} />
        </Field>
        <Field tr={tr} name="episodesTotal" errors={errors}>
          <input {...describe('episodesTotal', errors)} type="number" inputmode="numeric" min="0" max={DIARY_LIMITS.episodes} value={v.episodesTotal ?? ''} />
        </Field>
        <div class={`field check span-2${errors.rewatch ? ' has-error' : ''}`}>
          <input {...describe('rewatch', errors)} type="checkbox" checked={v.rewatch === 'on' || v.rewatch === 'true'} />
          <label for={fieldId('rewatch')}>{t('diaryAdmin.isRewatch')}</label>
          <FieldError tr={tr} name="rewatch" errors={errors} />
        </div>
      </fieldset>

      <fieldset class="panel form-section">
        <legend>{t('editor.verdict')}</legend>
        <Field tr={tr} name="meter" label={meter.name} errors={errors} hint={meter.direction === 'lower-is-better' ? t('editor.lower') : t('editor.higher')} class="span-2">
          <select {...describe('meter', errors, true)}>
            <option value="" selected={!v.meter}>{t('editor.notRated')}</option>
            {Array.from({ length: meter.max + 1 }, (_, n) => (
              <option value={String(n)} selected={v.meter === String(n)}>
                {`${t('index.level', { value: n, max: meter.max })}${n > 0 ? `  ${meter.symbol.repeat(n)}` : ''}`}
              </option>
            ))}
          </select>
        </Field>
        <Field tr={tr} name="note" errors={errors} hint={t('diaryAdmin.noteHint', { max: DIARY_LIMITS.note })} class="span-2">
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
        <a class="button ghost" href="/admin/diary">{t('diaryAdmin.cancel')}</a>
      </div>
    </form>
  )
}

/** A form value as the conflict table shows it. */
function shownValue(tr: Translator, field: DiaryField, value: string | undefined): string {
  if (!value) return '—'
  if (field === 'status' && (DIARY_STATUSES as readonly string[]).includes(value)) return tr.t(STATUS_KEYS[value as DiaryEntry['status']])
  if (field === 'rewatch') return tr.t('review.rewatch')
  return value
}

/** What a stale save would have overwritten: the stored values beside the ones in the form. */
const DiaryConflict: FC<{ tr: Translator; current: DiaryEntry; values: DiaryFormValues }> = ({ tr, current, values }) => {
  const { t } = tr
  const stored = diaryFormValues(current)
  const differing = DIARY_FIELDS.filter((f) => (stored[f] ?? '').trim() !== (values[f] ?? '').trim())
  return (
    <section class="conflict" role="alert" aria-labelledby="conflict-h">
      <h2 id="conflict-h">{t('diaryAdmin.conflict')}</h2>
      <p>{t('diaryAdmin.conflictHelp', { time: current.updatedAt.replace('T', ' ').slice(0, 16) })}</p>
      {differing.length > 0 && (
        <table class="diff-table">
          <thead><tr><th scope="col">{t('editor.field')}</th><th scope="col">{t('editor.theirs')}</th><th scope="col">{t('editor.yours')}</th></tr></thead>
          <tbody>
            {differing.map((f) => (
              <tr><th scope="row">{t(LABELS[f])}</th><td>{shownValue(tr, f, stored[f])}</td><td>{shownValue(tr, f, values[f])}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
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
  /** The version the form carries when editing: the one it was first loaded at, or after a conflict the stored one. */
  version?: string | null
  /** The stored entry, when a save came from an older version of it. */
  conflict?: DiaryEntry | null
}> = ({ chrome, entry, values, errors, reviews, platforms, version, conflict }) => {
  const tr = translatorFor(chrome.settings.language)
  const { t } = tr
  const title = entry ? t('diaryAdmin.edit', { title: entry.title }) : values.status === 'planned' ? t('diaryAdmin.addPlanned') : t('diaryAdmin.record')
  return (
    <AdminLayout chrome={chrome} title={title} active="diary">
      <div class="diary-admin">
        <p class="diary-admin-back"><a href="/admin/diary">← {t('nav.diary')}</a></p>
        <h1>{title}</h1>
        {entry && (
          <p class="muted diary-admin-meta">
            {t('diaryAdmin.recorded', { date: tr.date(entry.createdAt.slice(0, 10)) })}
            {entry.updatedAt !== entry.createdAt && ` · ${t('diaryAdmin.lastSaved', { date: tr.date(entry.updatedAt.slice(0, 10)) })}`}
          </p>
        )}
        {conflict && <DiaryConflict tr={tr} current={conflict} values={values} />}
        <DiaryForm
          tr={tr}
          version={entry ? version : null}
          csrf={chrome.csrf}
          action={entry ? `/admin/diary/${entry.id}` : '/admin/diary'}
          values={values}
          errors={errors}
          meter={chrome.settings.meter}
          reviews={reviews}
          platforms={platforms}
          submitLabel={entry ? t('diaryAdmin.saveChanges') : values.status === 'planned' ? t('diaryAdmin.addToWatchlist') : t('diaryAdmin.recordWatch')}
        />
        {entry && (
          <details class="danger-zone">
            <summary>{t('diaryAdmin.deleteEntry')}</summary>
            <form method="post" action={`/admin/diary/${entry.id}/delete`}>
              <CsrfField token={chrome.csrf} />
              <p>{t('diaryAdmin.deleteHelp')}</p>
              <button type="submit" class="button danger">{t('diaryAdmin.deleteTitle', { title: entry.title })}</button>
            </form>
          </details>
        )}
      </div>
    </AdminLayout>
  )
}

// Entries the user may not change are listed without a link to their edit and delete form.
const AdminRow: FC<{ tr: Translator; entry: DiaryEntry; meter: MeterSettings; editable: boolean }> = ({ tr, entry: e, meter, editable }) => (
  <li class="diary-row">
    <div class="diary-row-main">
      {editable ? <a class="diary-row-title" href={`/admin/diary/${e.id}`}>{e.title}</a> : <span class="diary-row-title">{e.title}</span>}
      <span class="diary-row-facts">
        {[
          formatWatchDates(e, tr) ?? tr.t('diaryAdmin.recorded', { date: tr.date(diaryDate(e)) }), e.origin, e.platform,
          editable ? null : tr.t('diaryAdmin.notYours'),
        ].filter(Boolean).join(' · ')}
      </span>
    </div>
    <div class="diary-row-side">
      {e.status !== 'planned' && <StatusBadge tr={tr} status={e.status} />}
      {e.rewatch && <span class="status-badge status-rewatch">{tr.t('review.rewatch')}</span>}
      {e.meter && <Meter tr={tr} value={e.meter.value} max={e.meter.max} meter={meter} />}
    </div>
    <div class="diary-row-progress">
      <EpisodeProgress tr={tr} entry={e} />
    </div>
  </li>
)

const NOTICES: Record<string, MessageKey> = {
  added: 'diaryAdmin.notice.added',
  planned: 'diaryAdmin.notice.planned',
  saved: 'diaryAdmin.notice.saved',
  deleted: 'diaryAdmin.notice.deleted',
}

/** The admin overview: the watchlist and every watch, with links to add and edit. */
export const DiaryAdminPage: FC<{
  chrome: AdminChrome
  list: Page<DiaryEntry>
  watchlist: DiaryEntry[]
  /** Ids of the entries the user may edit and delete. */
  editable: ReadonlySet<number>
  notice?: string | null
}> = ({ chrome, list, watchlist, editable, notice }) => {
  const meter = chrome.settings.meter
  const tr = translatorFor(chrome.settings.language)
  const { t } = tr
  const noticeKey = notice ? NOTICES[notice] : undefined
  return (
    <AdminLayout chrome={chrome} title={t('nav.diary')} active="diary" notice={noticeKey ? t(noticeKey) : null}>
      <div class="diary-admin">
        <div class="diary-admin-head">
          <div>
            <h1>{t('nav.diary')}</h1>
            <p class="muted">
              {t('count.watches', { count: list.total })} · {t('diaryAdmin.onWatchlist', { count: watchlist.length })} ·{' '}
              <a href="/diary">{t('diaryAdmin.publicDiary')}</a>
            </p>
          </div>
          <div class="diary-admin-actions">
            <a class="button" href="/admin/diary/new?status=planned">{t('diaryAdmin.addToWatchlist')}</a>
            <a class="button primary" href="/admin/diary/new">{t('diaryAdmin.record')}</a>
          </div>
        </div>

        <section class="diary-admin-section" aria-labelledby="wl-h">
          <h2 id="wl-h">{t('diaryAdmin.watchlist')}</h2>
          {watchlist.length === 0 ? (
            <p class="muted">{rich(t('diaryAdmin.nothingPlanned'), { link: <a href="/admin/diary/new?status=planned">{t('diaryAdmin.nothingPlannedLink')}</a> })}</p>
          ) : (
            <ol class="diary-rows">
              {watchlist.map((e) => <AdminRow tr={tr} entry={e} meter={meter} editable={editable.has(e.id)} />)}
            </ol>
          )}
        </section>

        <section class="diary-admin-section" aria-labelledby="w-h">
          <h2 id="w-h">{t('diaryAdmin.watches')}</h2>
          {list.items.length === 0 ? (
            <p class="muted">{rich(t('diaryAdmin.noWatches'), { link: <a href="/admin/diary/new">{t('diaryAdmin.noWatchesLink')}</a> })}</p>
          ) : (
            <ol class="diary-rows">
              {list.items.map((e) => <AdminRow tr={tr} entry={e} meter={meter} editable={editable.has(e.id)} />)}
            </ol>
          )}
          <Pagination tr={tr} page={list.page} pageCount={list.pageCount} href={(n) => (n === 1 ? '/admin/diary' : `/admin/diary?page=${n}`)} />
        </section>
      </div>
    </AdminLayout>
  )
}
