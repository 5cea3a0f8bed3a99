import type { FC } from 'hono/jsx'
import { formatIssue, type InputIssue } from '../../domain/errors.ts'
import { type MessageKey, type Translator, translatorFor } from '../../domain/i18n.ts'
import { rich } from '../format.ts'
import { AdminLayout, CsrfField, type AdminChrome } from './admin-layout.tsx'

/** What an import did (or would do, on a dry run), with places already made readable. */
export type ImportOutcome = {
  files: number
  created: string[]
  updated: string[]
  skipped: { at: string; what: string; reason: string }[]
  diary: { created: number; updated: number }
  lists?: { created: number; updated: number }
  comments: { created: number }
  media: number
  warnings: string[]
  dryRun: boolean
}

/** The choices the form was sent with, shown again so a dry run can be repeated for real. */
export type ImportChoices = { dryRun: boolean; onConflict: 'update' | 'skip' }

/** Why nothing was imported: located problems in the files, or one problem with the upload itself. */
export type ImportFailure = { issues: readonly InputIssue[]; files: number } | { message: string }

// One sentence per format the importer knows; a format the site takes but this list misses still
// shows up in the file picker and gets a plain line.
const FORMATS: { ext: string[]; name: MessageKey; text: MessageKey }[] = [
  { ext: ['.txt'], name: 'import.format.txt', text: 'import.format.txtText' },
  { ext: ['.md', '.markdown'], name: 'import.format.md', text: 'import.format.mdText' },
  { ext: ['.json'], name: 'import.format.json', text: 'import.format.jsonText' },
  { ext: ['.xml'], name: 'import.format.xml', text: 'import.format.xmlText' },
  { ext: ['.zip'], name: 'import.format.zip', text: 'import.format.zipText' },
]

const SHOWN_PER_LIST = 50
const SHOWN_PER_REASON = 20
const SHOWN_WARNINGS = 100


/** The upload form, the supported formats and, after a post, what happened. Works without JavaScript. */
export const ImportPage: FC<{
  chrome: AdminChrome
  extensions: readonly string[]
  maxMegabytes: number
  choices: ImportChoices
  outcome?: ImportOutcome | null
  failure?: ImportFailure | null
}> = ({ chrome, extensions, maxMegabytes, choices, outcome, failure }) => {
  const known = FORMATS.filter((f) => f.ext.some((e) => extensions.includes(e)))
  const unknown = extensions.filter((e) => !FORMATS.some((f) => f.ext.includes(e)))
  const tr = translatorFor(chrome.settings.language)
  const { t } = tr
  return (
    <AdminLayout chrome={chrome} title={t('admin.nav.import')} active="import">
      <div class="import-page">
        <div class="editor-head">
          <div>
            <p class="kicker">{t('import.kicker')}</p>
            <h1>{t('admin.nav.import')}</h1>
          </div>
        </div>
        {failure && <Failure tr={tr} failure={failure} />}
        {outcome && <Summary tr={tr} outcome={outcome} />}
        <div class="import-layout">
          <form method="post" action="/admin/import" enctype="multipart/form-data" class="panel import-form">
            <CsrfField token={chrome.csrf} />
            <div class="field">
              <label for="import-files">{t('import.files')}</label>
              <input
                type="file"
                id="import-files"
                name="files"
                multiple
                required
                accept={extensions.join(',')}
                aria-describedby="import-files-hint"
              />
              <p class="hint" id="import-files-hint">
                {t('import.filesHint', { extensions: extensions.join(', '), max: maxMegabytes })}
              </p>
            </div>
            <fieldset class="import-choice">
              <legend>{t('import.conflict')}</legend>
              <label class="import-option">
                <input type="radio" name="onConflict" value="update" checked={choices.onConflict !== 'skip'} />
                <span>
                  <strong>{t('import.update')}</strong>
                  <small>{t('import.updateHint')}</small>
                </span>
              </label>
              <label class="import-option">
                <input type="radio" name="onConflict" value="skip" checked={choices.onConflict === 'skip'} />
                <span>
                  <strong>{t('import.skip')}</strong>
                  <small>{t('import.skipHint')}</small>
                </span>
              </label>
            </fieldset>
            <div class="field check import-dry">
              <input type="checkbox" id="import-dry-run" name="dryRun" value="1" checked={choices.dryRun} aria-describedby="import-dry-run-hint" />
              <label for="import-dry-run">{t('import.dryRun')}</label>
              <p class="hint" id="import-dry-run-hint">{t('import.dryRunHint')}</p>
            </div>
            <div class="form-actions">
              <button type="submit" class="button primary">{t('import.submit')}</button>
            </div>
          </form>
          <section class="panel import-formats" aria-labelledby="import-formats-h">
            <h2 id="import-formats-h">{t('import.formats')}</h2>
            <dl>
              {known.map((f) => (
                <div>
                  <dt>
                    {f.ext.filter((e) => extensions.includes(e)).map((e, i) => (<>{i > 0 && ' '}<code>{e}</code></>))} {t(f.name)}
                  </dt>
                  <dd>{t(f.text)}</dd>
                </div>
              ))}
              {unknown.map((e) => (
                <div>
                  <dt><code>{e}</code></dt>
                  <dd>{t('import.format.other')}</dd>
                </div>
              ))}
            </dl>
            <p>
              <strong>{t('import.allOrNothing')}</strong> {t('import.allOrNothingText')}
            </p>
            <p>{t('import.again')}</p>
            <p class="hint">{rich(t('import.large'), { command: <code>dramalog import</code> })}</p>
          </section>
        </div>
      </div>
    </AdminLayout>
  )
}

/** The problems that stopped the import, every one, in the command line's `FILE:LINE: field: reason` form. */
const Failure: FC<{ tr: Translator; failure: ImportFailure }> = ({ tr: { t }, failure }) => {
  if ('message' in failure) {
    return (
      <div class="form-error import-problems" role="alert" aria-labelledby="import-problems-h">
        <h2 id="import-problems-h">{t('import.nothing')}</h2>
        <p>{failure.message}</p>
      </div>
    )
  }
  const n = failure.issues.length
  const files = new Set(failure.issues.map((i) => i.file ?? '')).size
  return (
    <div class="form-error import-problems" role="alert" aria-labelledby="import-problems-h">
      <h2 id="import-problems-h">
        {t('import.problems', { problems: t('import.problemCount', { count: n }), files: t('import.fileCount', { count: files }) })}
      </h2>
      <p>{t(files === 1 && failure.files === 1 ? 'import.fixOne' : files === 1 ? 'import.fixOneOfMany' : 'import.fixMany')}</p>
      <ul class="import-issues">
        {failure.issues.map((i) => <li><code>{formatIssue(i)}</code></li>)}
      </ul>
    </div>
  )
}

const Stat: FC<{ value: number; label: string; accent?: boolean }> = ({ value, label, accent }) => (
  <li class={`yir-stat${accent ? ' is-accent' : ''}`}>
    <span class="yir-stat-value">{value}</span>
    <span class="yir-stat-label">{label}</span>
  </li>
)

/** A list of review addresses, cut short when an import touched very many. */
const SlugList: FC<{ tr: Translator; title: string; slugs: string[]; link: boolean }> = ({ tr, title, slugs, link }) =>
  slugs.length === 0 ? null : (
    <div class="import-list">
      <h3>{title}</h3>
      <ul>
        {slugs.slice(0, SHOWN_PER_LIST).map((s) => (
          <li>{link ? <a href={`/reviews/${encodeURIComponent(s)}`}>/reviews/{s}</a> : <span>/reviews/{s}</span>}</li>
        ))}
        {slugs.length > SHOWN_PER_LIST && <li class="muted">{tr.t('import.more', { count: slugs.length - SHOWN_PER_LIST })}</li>}
      </ul>
    </div>
  )

/** What the import did, or would do: counts, then the reviews, the skipped records by reason, the warnings. */
const Summary: FC<{ tr: Translator; outcome: ImportOutcome }> = ({ tr, outcome: r }) => {
  const { t } = tr
  const skippedReviews = r.skipped.filter((s) => s.what.startsWith('review')).length
  const total = r.created.length + r.updated.length
  const byReason = new Map<string, ImportOutcome['skipped']>()
  for (const s of r.skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s])
  const hasDiary = r.diary.created + r.diary.updated > 0
  return (
    <section class={`panel import-result${r.dryRun ? ' is-dry-run' : ''}`} role="status" aria-labelledby="import-result-h">
      <h2 id="import-result-h">{r.dryRun ? t('import.checkPassed') : t('import.finished')}</h2>
      <p class="import-lead">
        {r.dryRun
          ? t('import.leadDry', { files: t('import.fileCount', { count: r.files }), created: t('import.newReviews', { count: r.created.length }), updated: r.updated.length, skipped: skippedReviews })
          : t('import.lead', { files: t('import.fileCount', { count: r.files }), saved: t('count.reviews', { count: total }), created: r.created.length, updated: r.updated.length, skipped: skippedReviews })}
      </p>
      <ul class="yir-stats import-stats">
        <Stat value={r.created.length} label={r.dryRun ? t('import.stat.newDry') : t('import.stat.new')} accent />
        <Stat value={r.updated.length} label={r.dryRun ? t('import.stat.updatedDry') : t('import.stat.updated')} />
        <Stat value={skippedReviews} label={t('import.stat.skipped')} />
        {hasDiary && <Stat value={r.diary.created} label={t('import.stat.newDiary')} />}
        {hasDiary && <Stat value={r.diary.updated} label={t('import.stat.updatedDiary')} />}
        {r.lists && r.lists.created + r.lists.updated > 0 && <Stat value={r.lists.created} label={t('import.stat.newLists')} />}
        {r.lists && r.lists.created + r.lists.updated > 0 && <Stat value={r.lists.updated} label={t('import.stat.updatedLists')} />}
        {r.comments.created > 0 && <Stat value={r.comments.created} label={t('admin.nav.comments')} />}
      </ul>
      {r.dryRun && (
        <p class="import-next">
          <strong>{t('import.nothingWritten')}</strong> {t('import.forReal')}
        </p>
      )}
      {!r.dryRun && r.media > 0 && <p class="muted">{t('import.media', { count: r.media })}</p>}
      <SlugList tr={tr} title={r.dryRun ? t('import.wouldAdd') : t('import.stat.new')} slugs={r.created} link={!r.dryRun} />
      <SlugList tr={tr} title={r.dryRun ? t('import.wouldUpdate') : t('import.stat.updated')} slugs={r.updated} link />
      {byReason.size > 0 && (
        <div class="import-list">
          <h3>{t('import.skipped', { count: r.skipped.length })}</h3>
          {[...byReason].map(([reason, items]) => (
            <div class="import-reason">
              <p><strong>{reason}</strong> <span class="muted">({items.length})</span></p>
              <ul>
                {items.slice(0, SHOWN_PER_REASON).map((s) => (
                  <li><code class="import-place">{s.at}</code> {s.what}</li>
                ))}
                {items.length > SHOWN_PER_REASON && <li class="muted">{t('import.more', { count: items.length - SHOWN_PER_REASON })}</li>}
              </ul>
            </div>
          ))}
        </div>
      )}
      {r.warnings.length > 0 && (
        <div class="import-list import-warnings">
          <h3>{t('import.warnings', { count: r.warnings.length })}</h3>
          <ul>
            {r.warnings.slice(0, SHOWN_WARNINGS).map((w) => <li>{w}</li>)}
            {r.warnings.length > SHOWN_WARNINGS && <li class="muted">{t('import.more', { count: r.warnings.length - SHOWN_WARNINGS })}</li>}
          </ul>
        </div>
      )}
    </section>
  )
}
