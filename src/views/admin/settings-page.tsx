import type { FC } from 'hono/jsx'
import { LANGUAGE_NAMES, SITE_LANGUAGES, translatorFor } from '../../domain/i18n.ts'
import { DEFAULT_SETTINGS, type SiteSettings } from '../../domain/settings.ts'
import { AdminLayout, CsrfField, type AdminChrome } from './admin-layout.tsx'

export type SettingsForm = Record<string, string>

/** The form's strings for stored settings. */
export function settingsForm(s: SiteSettings): SettingsForm {
  return {
    name: s.name, description: s.description, author: s.author, rubric: s.rubric.join('\n'), meterName: s.meter.name,
    meterSymbol: s.meter.symbol, meterMax: String(s.meter.max), meterDirection: s.meter.direction, meterUnit: s.meter.unit,
    dateOrder: s.dateOrder, language: s.language, baseUrl: s.baseUrl ?? '', perPage: String(s.perPage),
    fediverseName: s.fediverseName,
  }
}

/** Settings input from the form's strings (validated by the service). */
export function settingsInput(f: SettingsForm): unknown {
  const n = (v: string | undefined) => (v && /^\d+$/.test(v.trim()) ? Number(v) : NaN)
  return {
    name: f.name ?? '', description: f.description ?? '', author: f.author ?? '',
    rubric: (f.rubric ?? '').split('\n').map((s) => s.trim()).filter(Boolean),
    meter: { name: f.meterName ?? '', symbol: f.meterSymbol ?? '', max: n(f.meterMax), direction: f.meterDirection, unit: f.meterUnit ?? '' },
    dateOrder: f.dateOrder, language: f.language ?? DEFAULT_SETTINGS.language, baseUrl: f.baseUrl?.trim() ? f.baseUrl.trim() : null, perPage: n(f.perPage),
    fediverseName: f.fediverseName?.trim() || DEFAULT_SETTINGS.fediverseName,
  }
}

const FIELD_ERROR_KEYS: Record<string, string> = {
  'meter.name': 'meterName', 'meter.symbol': 'meterSymbol', 'meter.max': 'meterMax', 'meter.direction': 'meterDirection', 'meter.unit': 'meterUnit',
}

/** Site settings: name, rubric, meter, date order, address. Owners only. */
export const SettingsPage: FC<{ chrome: AdminChrome; form: SettingsForm; errors: Record<string, string>; notice?: string | null }> = ({ chrome, form, errors, notice }) => {
  const { t, fromEnglish } = translatorFor(chrome.settings.language)
  const err: Record<string, string> = {}
  for (const [k, v] of Object.entries(errors)) err[FIELD_ERROR_KEYS[k] ?? k.split('.')[0]!] = fromEnglish(v)
  const field = (name: string, label: string, hint?: string, type = 'text') => (
    <label class={`field${err[name] ? ' has-error' : ''}`}>
      <span>{label}</span>
      <input name={name} type={type} value={form[name] ?? ''} aria-invalid={err[name] ? 'true' : undefined} aria-describedby={err[name] ? `${name}-error` : undefined} />
      {hint && <small class="hint">{hint}</small>}
      {err[name] && <span class="field-error" id={`${name}-error`}>{err[name]}</span>}
    </label>
  )
  return (
    <AdminLayout chrome={chrome} title={t('admin.nav.settings')} active="settings" notice={notice}>
      <div class="editor-head"><div><p class="kicker">{t('admin.role.owner')}</p><h1>{t('settings.heading')}</h1></div></div>
      {Object.keys(errors).length > 0 && <p class="form-error" role="alert">{t('settings.errors')}</p>}
      <form method="post" action="/admin/settings" class="settings-grid">
        <CsrfField token={chrome.csrf} />
        <fieldset class="panel">
          <legend>{t('settings.site')}</legend>
          {field('name', t('settings.name'))}
          {field('description', t('settings.description'), t('settings.descriptionHint'))}
          {field('author', t('settings.author'))}
          {field('baseUrl', t('settings.baseUrl'), t('settings.baseUrlHint'), 'url')}
          {field('fediverseName', t('settings.fediverseName'), t('settings.fediverseNameHint'))}
          <div class="row">
            <label class="field">
              <span>{t('settings.language')}</span>
              <select name="language" aria-describedby="language-hint">
                {SITE_LANGUAGES.map((l) => (
                  <option value={l} lang={l} selected={form.language === l}>{LANGUAGE_NAMES[l]}</option>
                ))}
              </select>
              <small class="hint" id="language-hint">{t('settings.languageHint')}</small>
            </label>
            <label class="field">
              <span>{t('settings.dateOrder')}</span>
              <select name="dateOrder">
                <option value="auto" selected={form.dateOrder === 'auto'}>{t('settings.dateAuto')}</option>
                <option value="dmy" selected={form.dateOrder === 'dmy'}>{t('settings.dateDmy')}</option>
                <option value="mdy" selected={form.dateOrder === 'mdy'}>{t('settings.dateMdy')}</option>
              </select>
              <small class="hint">{t('settings.dateOrderHint')}</small>
            </label>
          </div>
          <div class="row">
            {field('perPage', t('settings.perPage'), undefined, 'number')}
          </div>
        </fieldset>
        <fieldset class="panel">
          <legend>{t('settings.rubric')}</legend>
          <label class={`field${err.rubric ? ' has-error' : ''}`}>
            <span>{t('settings.aspects')}</span>
            <textarea name="rubric" rows={6}>{form.rubric}</textarea>
            <small class="hint">{t('settings.aspectsHint')}</small>
            {err.rubric && <span class="field-error">{err.rubric}</span>}
          </label>
        </fieldset>
        <fieldset class="panel">
          <legend>{t('settings.meter')}</legend>
          <div class="row">
            {field('meterName', t('settings.meterName'))}
            {field('meterSymbol', t('settings.meterSymbol'), t('settings.meterSymbolHint'))}
          </div>
          <div class="row">
            {field('meterMax', t('settings.meterMax'), undefined, 'number')}
            {field('meterUnit', t('settings.meterUnit'), t('settings.meterUnitHint'))}
          </div>
          <label class="field">
            <span>{t('settings.direction')}</span>
            <select name="meterDirection">
              <option value="lower-is-better" selected={form.meterDirection === 'lower-is-better'}>{t('settings.lower')}</option>
              <option value="higher-is-better" selected={form.meterDirection === 'higher-is-better'}>{t('settings.higher')}</option>
            </select>
          </label>
          <small class="hint">{t('settings.meterHint')}</small>
        </fieldset>
        <div class="actions settings-actions"><button type="submit" class="button primary">{t('settings.save')}</button></div>
      </form>
    </AdminLayout>
  )
}
