import type { FC } from 'hono/jsx'
import { COUNTRIES } from '../../domain/countries.ts'
import { translatorFor } from '../../domain/i18n.ts'
import type { FormErrors, ReviewForm } from '../../formats/review-form.ts'
import { STATUS_KEYS } from './dashboard-page.tsx'
import { AdminLayout, CsrfField, type AdminChrome } from './admin-layout.tsx'

export type ConflictInfo = { revision: number; savedAt: string; differences: { field: string; theirs: string; yours: string }[] }

const PLATFORMS = ['Netflix', 'Viki', 'iQIYI', 'Prime Video', 'Disney+', 'WeTV', 'Kocowa', 'GagaOOLala', 'YouTube', 'Apple TV+', 'Youku', 'Tencent Video', 'TVING', 'Wavve', 'Hulu', 'Crunchyroll']
const STATUSES = ['draft', 'scheduled', 'published', 'unpublished'] as const
/** Languages offered for a review's language field; any other BCP 47 tag may be typed. */
const LANGUAGE_TAGS = ['en', 'ko', 'ja', 'zh-Hans', 'zh-Hant', 'th', 'id', 'vi', 'es', 'fr', 'de', 'pt', 'tl']

const Err: FC<{ errors: FormErrors; name: string }> = ({ errors, name }) =>
  errors[name] ? <span class="field-error" id={`${name}-error`}>{errors[name]}</span> : null

const fieldId = (name: string) => `f-${name.replace(/\./g, '-')}`

/** The ids that describe a control: its hint and its error, when present. */
function describedBy(name: string, hint: string | undefined, errors: FormErrors): string | undefined {
  const ids = [hint ? `${fieldId(name)}-hint` : '', errors[name] ? `${name}-error` : ''].filter(Boolean)
  return ids.length ? ids.join(' ') : undefined
}

/** A field's frame: its label (only the label's words, so it names the control exactly), hint and error. */
const Shell: FC<{ name: string; label: string; hint?: string; errors: FormErrors; wide?: boolean; children?: unknown }> = (p) => (
  <div class={`field${p.wide ? ' wide' : ''}${p.errors[p.name] ? ' has-error' : ''}`}>
    <label for={fieldId(p.name)}>{p.label}</label>
    {p.children as never}
    {p.hint && <small class="hint" id={`${fieldId(p.name)}-hint`}>{p.hint}</small>}
    <Err errors={p.errors} name={p.name} />
  </div>
)

/** A labelled text input with its error, wired for screen readers. */
const Text: FC<{ name: string; label: string; value: string; errors: FormErrors; type?: string; hint?: string; list?: string; wide?: boolean; inputmode?: "numeric" | "decimal"; placeholder?: string; step?: string }> = (p) => (
  <Shell name={p.name} label={p.label} hint={p.hint} errors={p.errors} wide={p.wide}>
    <input
      id={fieldId(p.name)}
      name={p.name}
      type={p.type ?? 'text'}
      value={p.value}
      list={p.list}
      inputmode={p.inputmode}
      placeholder={p.placeholder}
      step={p.step}
      aria-invalid={p.errors[p.name] ? 'true' : undefined}
      aria-describedby={describedBy(p.name, p.hint, p.errors)}
    />
  </Shell>
)

/** A labelled textarea. */
const Area: FC<{ name: string; label: string; value: string; errors: FormErrors; rows: number; hint?: string; wide?: boolean }> = (p) => (
  <Shell name={p.name} label={p.label} hint={p.hint} errors={p.errors} wide={p.wide}>
    <textarea id={fieldId(p.name)} name={p.name} rows={p.rows} aria-invalid={p.errors[p.name] ? 'true' : undefined} aria-describedby={describedBy(p.name, p.hint, p.errors)}>{p.value}</textarea>
  </Shell>
)

/** A labelled select. */
const Choice: FC<{ name: string; label: string; value: string; options: readonly (readonly [string, string])[]; errors: FormErrors; hint?: string }> = (p) => (
  <Shell name={p.name} label={p.label} hint={p.hint} errors={p.errors}>
    <select id={fieldId(p.name)} name={p.name} aria-describedby={describedBy(p.name, p.hint, p.errors)}>
      {p.options.map(([v, l]) => <option value={v} selected={p.value === v}>{l}</option>)}
    </select>
  </Shell>
)

/** The review editor: the house format as a plain form that works without JavaScript. */
export const EditorPage: FC<{
  chrome: AdminChrome
  form: ReviewForm
  errors: FormErrors
  reviewId: number | null
  revision: number | null
  pasteText?: string
  pasteIssues?: string[]
  conflict?: ConflictInfo | null
  notice?: string | null
  publicUrl?: string | null
}> = ({ chrome, form, errors: found, reviewId, revision, pasteText, pasteIssues, conflict, notice, publicUrl }) => {
  const { settings } = chrome
  const { t, fromEnglish } = translatorFor(settings.language)
  // The checks write their field errors in English; the page shows them in the site's language.
  const errors: FormErrors = Object.fromEntries(Object.entries(found).map(([k, v]) => [k, fromEnglish(v)]))
  const languageNames = new Intl.DisplayNames([settings.language], { type: 'language' })
  const meter = settings.meter
  const action = reviewId === null ? '/admin/reviews' : `/admin/reviews/${reviewId}`
  const aspects = [...new Set([...settings.rubric, ...form.sections.map((s) => s.aspect).filter(Boolean)])]
  const errorCount = Object.keys(errors).length
  return (
    <AdminLayout chrome={chrome} title={form.title || t('admin.nav.new')} active={reviewId === null ? 'new' : 'reviews'} notice={notice}>
      <div class="editor-head">
        <div>
          <p class="kicker">{reviewId === null ? t('admin.nav.new') : t('editor.editing', { revision: revision ?? 0 })}</p>
          <h1>{form.title || t('editor.untitled')}</h1>
        </div>
        <p class="editor-links">
          {publicUrl && <a href={publicUrl}>{t('editor.viewOnSite')}</a>}
          {reviewId !== null && <a href={`/admin/reviews/${reviewId}/history`}>{t('editor.history')}</a>}
        </p>
      </div>

      {conflict && (
        <section class="conflict" role="alert" aria-labelledby="conflict-h">
          <h2 id="conflict-h">{t('editor.conflict')}</h2>
          <p>
            {t('editor.conflictHelp', { revision: conflict.revision, time: conflict.savedAt.replace('T', ' ').slice(0, 16) })}
          </p>
          <table class="diff-table">
            <thead><tr><th scope="col">{t('editor.field')}</th><th scope="col">{t('editor.theirs')}</th><th scope="col">{t('editor.yours')}</th></tr></thead>
            <tbody>
              {conflict.differences.map((d) => (
                <tr><th scope="row">{d.field}</th><td><pre>{d.theirs}</pre></td><td><pre>{d.yours}</pre></td></tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      {errorCount > 0 && (
        <p class="form-error" role="alert">
          {t('editor.errors', { count: errorCount })} {Object.entries(errors).map(([k, v]) => `${k}: ${v}`).join('; ')}
        </p>
      )}

      <form method="post" action={action} enctype="multipart/form-data" class="editor" id="editor">
        <CsrfField token={chrome.csrf} />
        {revision !== null && <input type="hidden" name="revision" value={String(revision)} />}

        <div class="editor-main">
          <details class="panel paste" open={pasteIssues ? true : undefined}>
            <summary>{t('editor.paste')}</summary>
            <p class="hint">{t('editor.pasteHint')}</p>
            {pasteIssues && pasteIssues.length > 0 && (
              <ul class="form-error" role="alert">{pasteIssues.map((i) => <li>{i}</li>)}</ul>
            )}
            <Area name="paste" label={t('editor.pasted')} value={pasteText ?? ''} rows={8} errors={{}} wide />
            <button type="submit" name="_action" value="paste" class="button">{t('editor.fill')}</button>
          </details>

          <div class="panel">
            <Text name="hook" label={t('editor.hook')} value={form.hook} errors={errors} wide hint={t('editor.hookHint')} />
            <div class="row">
              <Text name="title" label={t('editor.title')} value={form.title} errors={errors} />
              <Text name="headline" label={t('editor.headline')} value={form.headline} errors={errors} />
            </div>
            <div class="row">
              <Text name="nativeTitle" label={t('editor.nativeTitle')} value={form.nativeTitle} errors={errors} />
              <Text name="romanizedTitle" label={t('editor.romanized')} value={form.romanizedTitle} errors={errors} />
            </div>
            <Text name="language" label={t('editor.language')} value={form.language} errors={errors} list="languages" hint={t('editor.languageHint')} />
            <Area name="intro" label={t('editor.intro')} value={form.intro} rows={6} errors={errors} wide hint={t('editor.introHint')} />
          </div>

          <h2 class="editor-section-title">{t('editor.sections')}</h2>
          {form.sections.map((s, i) => (
            <fieldset class="panel section-edit">
              <legend>{t('editor.section', { n: i + 1 })}</legend>
              <div class="row">
                <Choice name={`sections.${i}.aspect`} label={t('editor.aspect')} value={s.aspect} options={aspects.map((a) => [a, a] as const)} errors={errors} />
                <Text name={`sections.${i}.verdict`} label={t('editor.verdict')} value={s.verdict} errors={errors} />
              </div>
              <Area name={`sections.${i}.body`} label={t('editor.text')} value={s.body} rows={6} errors={errors} wide />
              <div class="row section-extras">
                <Text name={`sections.${i}.score`} label={t('editor.score')} value={s.score} errors={errors} inputmode="decimal" />
                <Text name={`sections.${i}.scoreMax`} label={t('editor.outOf')} value={s.scoreMax} errors={errors} inputmode="numeric" />
                <label class="check"><input type="checkbox" name={`sections.${i}.spoiler`} value="1" checked={s.spoiler} /> {t('editor.spoiler')}</label>
              </div>
              <div class="section-tools">
                <button type="submit" name="_action" value={`up:${i}`} class="button ghost small" disabled={i === 0} aria-label={t('editor.moveUp', { n: i + 1 })}>↑ {t('editor.up')}</button>
                <button type="submit" name="_action" value={`down:${i}`} class="button ghost small" disabled={i === form.sections.length - 1} aria-label={t('editor.moveDown', { n: i + 1 })}>↓ {t('editor.down')}</button>
                <button type="submit" name="_action" value={`remove:${i}`} class="button ghost small danger" aria-label={t('editor.removeN', { n: i + 1 })}>{t('editor.remove')}</button>
              </div>
            </fieldset>
          ))}
          <button type="submit" name="_action" value="add-section" class="button">+ {t('editor.addSection')}</button>
        </div>

        <aside class="editor-side">
          <div class="panel sticky-actions">
            <Choice name="status" label={t('editor.status')} value={form.status} options={STATUSES.map((s) => [s, t(STATUS_KEYS[s]!)] as const)} errors={errors} />
            <Text name="publishAt" label={t('editor.publishAt')} type="datetime-local" step="1" value={form.publishAt} errors={errors} hint={t('editor.publishAtHint')} />
            <div class="actions">
              <button type="submit" name="_action" value="save" class="button primary">{t('editor.save')}</button>
              <button type="submit" name="_action" value="preview" class="button" formtarget="_blank">{t('editor.preview')}</button>
            </div>
          </div>

          <fieldset class="panel meter-picker">
            <legend>{meter.name}</legend>
            <label class="check"><input type="radio" name="meter" value="" checked={form.meter === ''} /> {t('editor.notRated')}</label>
            {Array.from({ length: meter.max + 1 }, (_, n) => (
              <label class="check meter-option">
                <input type="radio" name="meter" value={String(n)} checked={form.meter === String(n)} />
                <span aria-hidden="true" class="meter-sample">{n === 0 ? '0' : meter.symbol.repeat(n)}</span>
                <span class="visually-hidden">{t('editor.meterOption', { value: n, max: meter.max, unit: meter.unit })}</span>
              </label>
            ))}
            <small class="hint">{meter.direction === 'lower-is-better' ? t('editor.lower') : t('editor.higher')}</small>
            <Err errors={errors} name="meter" />
          </fieldset>

          <div class="panel">
            <h2 class="panel-title">{t('editor.show')}</h2>
            <div class="row">
              <Text name="year" label={t('review.year')} value={form.year} errors={errors} inputmode="numeric" />
              <Text name="season" label={t('review.season')} value={form.season} errors={errors} inputmode="numeric" hint={t('editor.seasonHint')} />
            </div>
            <div class="row">
              <Text name="origin" label={t('review.origin')} value={form.origin} errors={errors} list="countries" />
              <Text name="episodes" label={t('review.episodes')} value={form.episodes} errors={errors} inputmode="numeric" />
            </div>
            <Text name="platform" label={t('review.platform')} value={form.platform} errors={errors} list="platforms" />
            <div class="row">
              <Choice name="firstWatch" label={t('review.watch')} value={form.firstWatch} options={[['', t('editor.notSaid')], ['yes', t('review.firstWatch')], ['no', t('review.rewatch')]]} errors={errors} />
              <Text name="reviewedOn" label={t('editor.reviewedOn')} type="date" value={form.reviewedOn} errors={errors} />
            </div>
          </div>

          <div class="panel">
            <h2 class="panel-title">{t('editor.poster')}</h2>
            {form.posterSrc && <img class="poster-thumb" src={form.posterSrc} alt={t('editor.currentPoster')} width={120} height={180} />}
            <input type="hidden" name="posterSrc" value={form.posterSrc} />
            <Shell name="poster" label={form.posterSrc ? t('editor.replaceImage') : t('editor.image')} hint={t('editor.imageHint')} errors={errors}>
              <input id={fieldId('poster')} type="file" name="posterFile" accept="image/jpeg,image/png,image/webp,image/avif,image/gif" aria-describedby={describedBy('poster', t('editor.imageHint'), errors)} />
            </Shell>
            <Text name="posterCredit" label={t('editor.credit')} value={form.posterCredit} errors={errors} />
            <Text name="posterAlt" label={t('editor.alt')} value={form.posterAlt} errors={errors} />
          </div>

          <div class="panel">
            <h2 class="panel-title">{t('review.links')}</h2>
            {form.links.map((l, i) => (
              <div class="row link-row">
                <Text name={`links.${i}.site`} label={t('editor.linkSite')} value={l.site} errors={errors} />
                <Text name={`links.${i}.label`} label={t('editor.linkLabel')} value={l.label} errors={errors} />
                <Text name={`links.${i}.url`} label={t('editor.address')} type="url" value={l.url} errors={errors} />
              </div>
            ))}
            <div class="row link-row">
              <Text name={`links.${form.links.length}.site`} label={t('editor.linkSite')} value="" errors={errors} placeholder="MyDramaList" />
              <Text name={`links.${form.links.length}.label`} label={t('editor.linkLabel')} value="" errors={errors} />
              <Text name={`links.${form.links.length}.url`} label={t('editor.address')} type="url" value="" errors={errors} placeholder="https://" />
            </div>
          </div>

          <div class="panel">
            <h2 class="panel-title">{t('editor.tagsPeople')}</h2>
            <Text name="tags" label={t('nav.tags')} value={form.tags} errors={errors} hint={t('editor.tagsHint')} />
            <Area name="people" label={t('editor.people')} value={form.people} rows={4} errors={errors} hint={t('editor.peopleHint')} />
            <Area name="songs" label={t('review.songs')} value={form.songs} rows={2} errors={errors} hint={t('editor.songsHint')} />
            <Text name="slug" label={t('editor.address')} value={form.slug} errors={errors} hint={t('editor.slugHint')} />
            <Text name="author" label={t('editor.byline')} value={form.author} errors={errors} />
          </div>
        </aside>
        <datalist id="countries">{COUNTRIES.map((c) => <option value={c.name} />)}</datalist>
        <datalist id="platforms">{PLATFORMS.map((p) => <option value={p} />)}</datalist>
        <datalist id="languages">{LANGUAGE_TAGS.map((l) => <option value={l}>{languageNames.of(l)}</option>)}</datalist>
      </form>
    </AdminLayout>
  )
}
