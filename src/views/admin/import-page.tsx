import type { FC } from 'hono/jsx'
import { formatIssue, type InputIssue } from '../../domain/errors.ts'
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
const FORMATS: { ext: string[]; name: string; text: string }[] = [
  { ext: ['.txt'], name: 'Pasted blog text', text: 'A review copied off a page of your old blog: the header lines (Year, Origin, Platform, the meter…), the hook, the “Title – Headline” line, then a heading line for each aspect.' },
  { ext: ['.md', '.markdown'], name: 'Markdown', text: 'A review with YAML front matter and a “## Aspect – Verdict” heading per section, as “Export → Markdown” writes it.' },
  { ext: ['.json'], name: 'Review documents', text: 'One review document or an array of them (lists included), as the read API and “Export → JSON” give them.' },
  { ext: ['.xml'], name: 'WordPress export', text: 'The file from Tools → Export in WordPress: posts, tags, featured images and comments.' },
  { ext: ['.zip'], name: 'Letterboxd export', text: 'The archive from Settings → Data on Letterboxd: reviews, diary, ratings, watchlist and lists.' },
]

const SHOWN_PER_LIST = 50
const SHOWN_PER_REASON = 20
const SHOWN_WARNINGS = 100

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

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
  return (
    <AdminLayout chrome={chrome} title="Import" active="import">
      <div class="import-page">
        <div class="editor-head">
          <div>
            <p class="kicker">Bring your reviews</p>
            <h1>Import</h1>
          </div>
        </div>
        {failure && <Failure failure={failure} />}
        {outcome && <Summary outcome={outcome} />}
        <div class="import-layout">
          <form method="post" action="/admin/import" enctype="multipart/form-data" class="panel import-form">
            <CsrfField token={chrome.csrf} />
            <div class="field">
              <label for="import-files">Files to import</label>
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
                One or more files ({extensions.join(', ')}), up to {maxMegabytes} MB in all.
              </p>
            </div>
            <fieldset class="import-choice">
              <legend>If a review is already on the site</legend>
              <label class="import-option">
                <input type="radio" name="onConflict" value="update" checked={choices.onConflict !== 'skip'} />
                <span>
                  <strong>Update it</strong>
                  <small>The file’s version replaces the one on the site; its history keeps the old one.</small>
                </span>
              </label>
              <label class="import-option">
                <input type="radio" name="onConflict" value="skip" checked={choices.onConflict === 'skip'} />
                <span>
                  <strong>Leave it as it is</strong>
                  <small>The review is reported as skipped.</small>
                </span>
              </label>
            </fieldset>
            <div class="field check import-dry">
              <input type="checkbox" id="import-dry-run" name="dryRun" value="1" checked={choices.dryRun} aria-describedby="import-dry-run-hint" />
              <label for="import-dry-run">Check only (dry run)</label>
              <p class="hint" id="import-dry-run-hint">Reads and checks every file and reports what would change, without writing anything.</p>
            </div>
            <div class="form-actions">
              <button type="submit" class="button primary">Import files</button>
            </div>
          </form>
          <section class="panel import-formats" aria-labelledby="import-formats-h">
            <h2 id="import-formats-h">What you can import</h2>
            <dl>
              {known.map((f) => (
                <div>
                  <dt>
                    {f.ext.filter((e) => extensions.includes(e)).map((e, i) => (<>{i > 0 && ' '}<code>{e}</code></>))} {f.name}
                  </dt>
                  <dd>{f.text}</dd>
                </div>
              ))}
              {unknown.map((e) => (
                <div>
                  <dt><code>{e}</code></dt>
                  <dd>Read by the importer as on the command line.</dd>
                </div>
              ))}
            </dl>
            <p>
              <strong>All or nothing.</strong> Every file is checked first; if any has a problem, nothing is written and each
              problem is listed with its file and line.
            </p>
            <p>Importing the same file again does not add copies: reviews are matched by where they came from, their address, or their title and season.</p>
            <p class="hint">Large archives import faster on the server with <code>dramalog import</code>.</p>
          </section>
        </div>
      </div>
    </AdminLayout>
  )
}

/** The problems that stopped the import, every one, in the command line's `FILE:LINE: field: reason` form. */
const Failure: FC<{ failure: ImportFailure }> = ({ failure }) => {
  if ('message' in failure) {
    return (
      <div class="form-error import-problems" role="alert" aria-labelledby="import-problems-h">
        <h2 id="import-problems-h">Nothing was imported</h2>
        <p>{failure.message}</p>
      </div>
    )
  }
  const n = failure.issues.length
  const files = new Set(failure.issues.map((i) => i.file ?? '')).size
  return (
    <div class="form-error import-problems" role="alert" aria-labelledby="import-problems-h">
      <h2 id="import-problems-h">
        {n === 1 ? 'One problem' : `${n} problems`} in {plural(files, 'file')}; nothing was written
      </h2>
      <p>Fix {files === 1 ? 'the file' : 'the files'}, then choose {failure.files === 1 ? 'it' : 'them all'} again: an import is saved whole or not at all.</p>
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
const SlugList: FC<{ title: string; slugs: string[]; link: boolean }> = ({ title, slugs, link }) =>
  slugs.length === 0 ? null : (
    <div class="import-list">
      <h3>{title}</h3>
      <ul>
        {slugs.slice(0, SHOWN_PER_LIST).map((s) => (
          <li>{link ? <a href={`/reviews/${encodeURIComponent(s)}`}>/reviews/{s}</a> : <span>/reviews/{s}</span>}</li>
        ))}
        {slugs.length > SHOWN_PER_LIST && <li class="muted">… and {slugs.length - SHOWN_PER_LIST} more</li>}
      </ul>
    </div>
  )

/** What the import did, or would do: counts, then the reviews, the skipped records by reason, the warnings. */
const Summary: FC<{ outcome: ImportOutcome }> = ({ outcome: r }) => {
  const skippedReviews = r.skipped.filter((s) => s.what.startsWith('review')).length
  const total = r.created.length + r.updated.length
  const byReason = new Map<string, ImportOutcome['skipped']>()
  for (const s of r.skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s])
  const hasDiary = r.diary.created + r.diary.updated > 0
  return (
    <section class={`panel import-result${r.dryRun ? ' is-dry-run' : ''}`} role="status" aria-labelledby="import-result-h">
      <h2 id="import-result-h">{r.dryRun ? 'Check passed: nothing was written' : 'Import finished'}</h2>
      <p class="import-lead">
        {r.dryRun ? 'Importing' : 'Read'} {plural(r.files, 'file')}
        {r.dryRun ? ' would add ' : ': '}
        {r.dryRun
          ? `${plural(r.created.length, 'new review')}, update ${r.updated.length} and skip ${skippedReviews}.`
          : `${plural(total, 'review')} saved (${r.created.length} new, ${r.updated.length} updated), ${skippedReviews} skipped.`}
      </p>
      <ul class="yir-stats import-stats">
        <Stat value={r.created.length} label={r.dryRun ? 'New reviews (would add)' : 'New reviews'} accent />
        <Stat value={r.updated.length} label={r.dryRun ? 'Updated (would update)' : 'Updated reviews'} />
        <Stat value={skippedReviews} label="Skipped reviews" />
        {hasDiary && <Stat value={r.diary.created} label="New diary entries" />}
        {hasDiary && <Stat value={r.diary.updated} label="Updated diary entries" />}
        {r.lists && r.lists.created + r.lists.updated > 0 && <Stat value={r.lists.created} label="New lists" />}
        {r.lists && r.lists.created + r.lists.updated > 0 && <Stat value={r.lists.updated} label="Updated lists" />}
        {r.comments.created > 0 && <Stat value={r.comments.created} label="Comments" />}
      </ul>
      {r.dryRun && (
        <p class="import-next">
          <strong>Nothing was written.</strong> To import for real, choose the files again and untick “Check only”.
        </p>
      )}
      {!r.dryRun && r.media > 0 && <p class="muted">{plural(r.media, 'poster image')} written.</p>}
      <SlugList title={r.dryRun ? 'Would add' : 'New reviews'} slugs={r.created} link={!r.dryRun} />
      <SlugList title={r.dryRun ? 'Would update' : 'Updated reviews'} slugs={r.updated} link />
      {byReason.size > 0 && (
        <div class="import-list">
          <h3>Skipped ({r.skipped.length})</h3>
          {[...byReason].map(([reason, items]) => (
            <div class="import-reason">
              <p><strong>{reason}</strong> <span class="muted">({items.length})</span></p>
              <ul>
                {items.slice(0, SHOWN_PER_REASON).map((s) => (
                  <li><code class="import-place">{s.at}</code> {s.what}</li>
                ))}
                {items.length > SHOWN_PER_REASON && <li class="muted">… and {items.length - SHOWN_PER_REASON} more</li>}
              </ul>
            </div>
          ))}
        </div>
      )}
      {r.warnings.length > 0 && (
        <div class="import-list import-warnings">
          <h3>Warnings ({r.warnings.length})</h3>
          <ul>
            {r.warnings.slice(0, SHOWN_WARNINGS).map((w) => <li>{w}</li>)}
            {r.warnings.length > SHOWN_WARNINGS && <li class="muted">… and {r.warnings.length - SHOWN_WARNINGS} more</li>}
          </ul>
        </div>
      )}
    </section>
  )
}
