import type { FC } from 'hono/jsx'
import { COUNTRIES } from '../../domain/countries.ts'
import type { FormErrors, ReviewForm } from '../../formats/review-form.ts'
import { AdminLayout, CsrfField, type AdminChrome } from './admin-layout.tsx'

export type ConflictInfo = { revision: number; savedAt: string; differences: { field: string; theirs: string; yours: string }[] }

const PLATFORMS = ['Netflix', 'Viki', 'iQIYI', 'Prime Video', 'Disney+', 'WeTV', 'Kocowa', 'GagaOOLala', 'YouTube', 'Apple TV+', 'Youku', 'Tencent Video', 'TVING', 'Wavve', 'Hulu', 'Crunchyroll']
const STATUSES = [
  ['draft', 'Draft'],
  ['scheduled', 'Scheduled'],
  ['published', 'Published'],
  ['unpublished', 'Unpublished'],
] as const

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
}> = ({ chrome, form, errors, reviewId, revision, pasteText, pasteIssues, conflict, notice, publicUrl }) => {
  const { settings } = chrome
  const meter = settings.meter
  const action = reviewId === null ? '/admin/reviews' : `/admin/reviews/${reviewId}`
  const aspects = [...new Set([...settings.rubric, ...form.sections.map((s) => s.aspect).filter(Boolean)])]
  const errorCount = Object.keys(errors).length
  return (
    <AdminLayout chrome={chrome} title={form.title || 'New review'} active={reviewId === null ? 'new' : 'reviews'} notice={notice}>
      <div class="editor-head">
        <div>
          <p class="kicker">{reviewId === null ? 'New review' : `Editing · revision ${revision}`}</p>
          <h1>{form.title || 'Untitled review'}</h1>
        </div>
        <p class="editor-links">
          {publicUrl && <a href={publicUrl}>View on site</a>}
          {reviewId !== null && <a href={`/admin/reviews/${reviewId}/history`}>History</a>}
        </p>
      </div>

      {conflict && (
        <section class="conflict" role="alert" aria-labelledby="conflict-h">
          <h2 id="conflict-h">Someone saved this review while you were editing</h2>
          <p>
            Revision {conflict.revision} was saved at {conflict.savedAt.replace('T', ' ').slice(0, 16)} UTC. Your text is still in the form
            below, nothing is lost. Compare, then save again to keep your version, or copy over what you want from theirs first.
          </p>
          <table class="diff-table">
            <thead><tr><th scope="col">Field</th><th scope="col">Their version (saved)</th><th scope="col">Your version (in the form)</th></tr></thead>
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
          {errorCount === 1 ? 'One field needs attention' : `${errorCount} fields need attention`}: {Object.entries(errors).map(([k, v]) => `${k}: ${v}`).join('; ')}
        </p>
      )}

      <form method="post" action={action} enctype="multipart/form-data" class="editor" id="editor">
        <CsrfField token={chrome.csrf} />
        {revision !== null && <input type="hidden" name="revision" value={String(revision)} />}

        <div class="editor-main">
          <details class="panel paste" open={pasteIssues ? true : undefined}>
            <summary>Paste from my old blog</summary>
            <p class="hint">Paste a review copied from your old blog page; the form below is filled from it. Nothing is saved until you save.</p>
            {pasteIssues && pasteIssues.length > 0 && (
              <ul class="form-error" role="alert">{pasteIssues.map((i) => <li>{i}</li>)}</ul>
            )}
            <Area name="paste" label="Pasted text" value={pasteText ?? ''} rows={8} errors={{}} wide />
            <button type="submit" name="_action" value="paste" class="button">Fill the form from this text</button>
          </details>

          <div class="panel">
            <Text name="hook" label="Hook" value={form.hook} errors={errors} wide hint="A one-line question or quip, shown big above the headline." />
            <div class="row">
              <Text name="title" label="Title" value={form.title} errors={errors} />
              <Text name="headline" label="Headline" value={form.headline} errors={errors} />
            </div>
            <div class="row">
              <Text name="nativeTitle" label="Native title" value={form.nativeTitle} errors={errors} />
              <Text name="romanizedTitle" label="Romanisation" value={form.romanizedTitle} errors={errors} />
            </div>
            <Area name="intro" label="Intro" value={form.intro} rows={6} errors={errors} wide hint={'Markdown: *italics*, **bold**, [links](https://…), lists with "- ".'} />
          </div>

          <h2 class="editor-section-title">Sections</h2>
          {form.sections.map((s, i) => (
            <fieldset class="panel section-edit">
              <legend>Section {i + 1}</legend>
              <div class="row">
                <Choice name={`sections.${i}.aspect`} label="Aspect" value={s.aspect} options={aspects.map((a) => [a, a] as const)} errors={errors} />
                <Text name={`sections.${i}.verdict`} label="Verdict" value={s.verdict} errors={errors} />
              </div>
              <Area name={`sections.${i}.body`} label="Text" value={s.body} rows={6} errors={errors} wide />
              <div class="row section-extras">
                <Text name={`sections.${i}.score`} label="Score" value={s.score} errors={errors} inputmode="decimal" />
                <Text name={`sections.${i}.scoreMax`} label="out of" value={s.scoreMax} errors={errors} inputmode="numeric" />
                <label class="check"><input type="checkbox" name={`sections.${i}.spoiler`} value="1" checked={s.spoiler} /> Spoilers: fold it away</label>
              </div>
              <div class="section-tools">
                <button type="submit" name="_action" value={`up:${i}`} class="button ghost small" disabled={i === 0} aria-label={`Move section ${i + 1} up`}>↑ Up</button>
                <button type="submit" name="_action" value={`down:${i}`} class="button ghost small" disabled={i === form.sections.length - 1} aria-label={`Move section ${i + 1} down`}>↓ Down</button>
                <button type="submit" name="_action" value={`remove:${i}`} class="button ghost small danger" aria-label={`Remove section ${i + 1}`}>Remove</button>
              </div>
            </fieldset>
          ))}
          <button type="submit" name="_action" value="add-section" class="button">+ Add a section</button>
        </div>

        <aside class="editor-side">
          <div class="panel sticky-actions">
            <Choice name="status" label="Status" value={form.status} options={STATUSES} errors={errors} />
            <Text name="publishAt" label="Publish at (UTC)" type="datetime-local" step="1" value={form.publishAt} errors={errors} hint="For scheduled reviews; published ones keep their date." />
            <div class="actions">
              <button type="submit" name="_action" value="save" class="button primary">Save</button>
              <button type="submit" name="_action" value="preview" class="button" formtarget="_blank">Preview</button>
            </div>
          </div>

          <fieldset class="panel meter-picker">
            <legend>{meter.name}</legend>
            <label class="check"><input type="radio" name="meter" value="" checked={form.meter === ''} /> Not rated</label>
            {Array.from({ length: meter.max + 1 }, (_, n) => (
              <label class="check meter-option">
                <input type="radio" name="meter" value={String(n)} checked={form.meter === String(n)} />
                <span aria-hidden="true" class="meter-sample">{n === 0 ? '0' : meter.symbol.repeat(n)}</span>
                <span class="visually-hidden">{n} of {meter.max} {meter.unit}</span>
              </label>
            ))}
            <small class="hint">{meter.direction === 'lower-is-better' ? 'Lower is better.' : 'Higher is better.'}</small>
            <Err errors={errors} name="meter" />
          </fieldset>

          <div class="panel">
            <h2 class="panel-title">The show</h2>
            <div class="row">
              <Text name="year" label="Year" value={form.year} errors={errors} inputmode="numeric" />
              <Text name="season" label="Season" value={form.season} errors={errors} inputmode="numeric" hint="Empty for a film" />
            </div>
            <div class="row">
              <Text name="origin" label="Origin" value={form.origin} errors={errors} list="countries" />
              <Text name="episodes" label="Episodes" value={form.episodes} errors={errors} inputmode="numeric" />
            </div>
            <Text name="platform" label="Platform" value={form.platform} errors={errors} list="platforms" />
            <div class="row">
              <Choice name="firstWatch" label="Watch" value={form.firstWatch} options={[['', 'Not said'], ['yes', 'First watch'], ['no', 'Rewatch']]} errors={errors} />
              <Text name="reviewedOn" label="Reviewed on" type="date" value={form.reviewedOn} errors={errors} />
            </div>
          </div>

          <div class="panel">
            <h2 class="panel-title">Poster</h2>
            {form.posterSrc && <img class="poster-thumb" src={form.posterSrc} alt="Current poster" width={120} height={180} />}
            <input type="hidden" name="posterSrc" value={form.posterSrc} />
            <Shell name="poster" label={form.posterSrc ? 'Replace the image' : 'Image'} hint="JPEG, PNG, WebP, AVIF or GIF, up to 10 MB." errors={errors}>
              <input id={fieldId('poster')} type="file" name="posterFile" accept="image/jpeg,image/png,image/webp,image/avif,image/gif" aria-describedby={describedBy('poster', 'JPEG, PNG, WebP, AVIF or GIF, up to 10 MB.', errors)} />
            </Shell>
            <Text name="posterCredit" label="Credit line" value={form.posterCredit} errors={errors} />
            <Text name="posterAlt" label="Description for screen readers" value={form.posterAlt} errors={errors} />
          </div>

          <div class="panel">
            <h2 class="panel-title">Links</h2>
            {form.links.map((l, i) => (
              <div class="row link-row">
                <Text name={`links.${i}.site`} label="Site" value={l.site} errors={errors} />
                <Text name={`links.${i}.label`} label="Label" value={l.label} errors={errors} />
                <Text name={`links.${i}.url`} label="Address" type="url" value={l.url} errors={errors} />
              </div>
            ))}
            <div class="row link-row">
              <Text name={`links.${form.links.length}.site`} label="Site" value="" errors={errors} placeholder="MyDramaList" />
              <Text name={`links.${form.links.length}.label`} label="Label" value="" errors={errors} />
              <Text name={`links.${form.links.length}.url`} label="Address" type="url" value="" errors={errors} placeholder="https://" />
            </div>
          </div>

          <div class="panel">
            <h2 class="panel-title">Tags and people</h2>
            <Text name="tags" label="Tags" value={form.tags} errors={errors} hint="Separated by commas." />
            <Area name="people" label="Cast and crew" value={form.people} rows={4} errors={errors} hint={'One per line; add a role in brackets: "Park Eun-soo (director)".'} />
            <Area name="songs" label="Songs" value={form.songs} rows={2} errors={errors} hint="One per line." />
            <Text name="slug" label="Address" value={form.slug} errors={errors} hint="Leave empty to make one from the title." />
            <Text name="author" label="Byline" value={form.author} errors={errors} />
          </div>
        </aside>
        <datalist id="countries">{COUNTRIES.map((c) => <option value={c.name} />)}</datalist>
        <datalist id="platforms">{PLATFORMS.map((p) => <option value={p} />)}</datalist>
      </form>
    </AdminLayout>
  )
}
