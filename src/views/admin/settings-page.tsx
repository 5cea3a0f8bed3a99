import type { FC } from 'hono/jsx'
import { DEFAULT_SETTINGS, type SiteSettings } from '../../domain/settings.ts'
import { AdminLayout, CsrfField, type AdminChrome } from './admin-layout.tsx'

export type SettingsForm = Record<string, string>

/** The form's strings for stored settings. */
export function settingsForm(s: SiteSettings): SettingsForm {
  return {
    name: s.name, description: s.description, author: s.author, rubric: s.rubric.join('\n'), meterName: s.meter.name,
    meterSymbol: s.meter.symbol, meterMax: String(s.meter.max), meterDirection: s.meter.direction, meterUnit: s.meter.unit,
    dateOrder: s.dateOrder, baseUrl: s.baseUrl ?? '', perPage: String(s.perPage),
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
    dateOrder: f.dateOrder, baseUrl: f.baseUrl?.trim() ? f.baseUrl.trim() : null, perPage: n(f.perPage),
    fediverseName: f.fediverseName?.trim() || DEFAULT_SETTINGS.fediverseName,
  }
}

const FIELD_ERROR_KEYS: Record<string, string> = {
  'meter.name': 'meterName', 'meter.symbol': 'meterSymbol', 'meter.max': 'meterMax', 'meter.direction': 'meterDirection', 'meter.unit': 'meterUnit',
}

/** Site settings: name, rubric, meter, date order, address. Owners only. */
export const SettingsPage: FC<{ chrome: AdminChrome; form: SettingsForm; errors: Record<string, string>; notice?: string | null }> = ({ chrome, form, errors, notice }) => {
  const err: Record<string, string> = {}
  for (const [k, v] of Object.entries(errors)) err[FIELD_ERROR_KEYS[k] ?? k.split('.')[0]!] = v
  const field = (name: string, label: string, hint?: string, type = 'text') => (
    <label class={`field${err[name] ? ' has-error' : ''}`}>
      <span>{label}</span>
      <input name={name} type={type} value={form[name] ?? ''} aria-invalid={err[name] ? 'true' : undefined} aria-describedby={err[name] ? `${name}-error` : undefined} />
      {hint && <small class="hint">{hint}</small>}
      {err[name] && <span class="field-error" id={`${name}-error`}>{err[name]}</span>}
    </label>
  )
  return (
    <AdminLayout chrome={chrome} title="Settings" active="settings" notice={notice}>
      <div class="editor-head"><div><p class="kicker">Owner</p><h1>Site settings</h1></div></div>
      {Object.keys(errors).length > 0 && <p class="form-error" role="alert">Some settings need attention; nothing was changed.</p>}
      <form method="post" action="/admin/settings" class="settings-grid">
        <CsrfField token={chrome.csrf} />
        <fieldset class="panel">
          <legend>The site</legend>
          {field('name', 'Site name')}
          {field('description', 'Description', 'Shown under the name and in feeds.')}
          {field('author', 'Default byline')}
          {field('baseUrl', 'Public address', 'For example https://reviews.example.com/; used for canonical links.', 'url')}
          {field('fediverseName', 'Fediverse username', 'Fediverse users follow the site as @username@host (the host of the public address); empty means “reviews”.')}
          <div class="row">
            <label class="field">
              <span>Dates with numbers only</span>
              <select name="dateOrder">
                <option value="auto" selected={form.dateOrder === 'auto'}>Ask when ambiguous</option>
                <option value="dmy" selected={form.dateOrder === 'dmy'}>Day, month, year</option>
                <option value="mdy" selected={form.dateOrder === 'mdy'}>Month, day, year</option>
              </select>
            </label>
            {field('perPage', 'Reviews per page', undefined, 'number')}
          </div>
        </fieldset>
        <fieldset class="panel">
          <legend>Rubric</legend>
          <label class={`field${err.rubric ? ' has-error' : ''}`}>
            <span>Aspects, in order</span>
            <textarea name="rubric" rows={6}>{form.rubric}</textarea>
            <small class="hint">One per line. Existing reviews keep their sections when you rename or remove an aspect.</small>
            {err.rubric && <span class="field-error">{err.rubric}</span>}
          </label>
        </fieldset>
        <fieldset class="panel">
          <legend>Signature meter</legend>
          <div class="row">
            {field('meterName', 'Name')}
            {field('meterSymbol', 'Symbol', 'An emoji or a short text.')}
          </div>
          <div class="row">
            {field('meterMax', 'Maximum', undefined, 'number')}
            {field('meterUnit', 'Unit', 'Read out as "2 of 5 facepalms".')}
          </div>
          <label class="field">
            <span>Direction</span>
            <select name="meterDirection">
              <option value="lower-is-better" selected={form.meterDirection === 'lower-is-better'}>Lower is better</option>
              <option value="higher-is-better" selected={form.meterDirection === 'higher-is-better'}>Higher is better</option>
            </select>
          </label>
          <small class="hint">Reviews keep the maximum they were rated on.</small>
        </fieldset>
        <div class="actions settings-actions"><button type="submit" class="button primary">Save settings</button></div>
      </form>
    </AdminLayout>
  )
}
