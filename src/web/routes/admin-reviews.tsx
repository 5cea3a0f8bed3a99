import { Hono, type Context } from 'hono'
import { diffLines } from '../../domain/diff.ts'
import { formatIssue } from '../../domain/errors.ts'
import type { ReviewRecord } from '../../domain/records.ts'
import type { SessionUser } from '../../domain/user.ts'
import { writeMarkdownReview } from '../../formats/markdown.ts'
import { readPastedText } from '../../formats/pasted-text.ts'
import {
  applyFormAction, documentFromForm, emptyForm, formFromBody, formFromDocument, type FormErrors, type ReviewForm,
} from '../../formats/review-form.ts'
import { UploadError } from '../../media/upload.ts'
import { ConflictError, listEditableReviews, loadForEditing, restoreRevision, saveFromEditor } from '../../services/edit-review.ts'
import { renderReview } from '../../services/render-review.ts'
import type { Site } from '../../services/site.ts'
import { listRevisions } from '../../store/reviews.ts'
import { DashboardPage, HistoryPage } from '../../views/admin/dashboard-page.tsx'
import { EditorPage, type ConflictInfo } from '../../views/admin/editor-page.tsx'
import { renderDocument } from '../../views/render.ts'
import { ReviewPage } from '../../views/review-page.tsx'
import { requireUser, type AuthEnv } from '../auth.ts'
import { adminChromeFor } from '../admin-chrome.ts'
import { pageNumber } from '../page-response.ts'

const FIELD_LABELS: [keyof ReviewForm, string][] = [
  ['title', 'Title'], ['headline', 'Headline'], ['hook', 'Hook'], ['nativeTitle', 'Native title'], ['year', 'Year'], ['origin', 'Origin'],
  ['season', 'Season'], ['platform', 'Platform'], ['firstWatch', 'Watch'], ['reviewedOn', 'Reviewed on'], ['meter', 'Meter'],
  ['intro', 'Intro'], ['tags', 'Tags'], ['people', 'Cast and crew'], ['status', 'Status'], ['posterCredit', 'Poster credit'],
]

/** Field-by-field differences between the stored version and the one in the form. */
function conflictInfo(current: ReviewRecord, yours: ReviewForm): ConflictInfo {
  const theirs = formFromDocument(current.doc)
  const differences: ConflictInfo['differences'] = []
  for (const [key, label] of FIELD_LABELS) {
    if (String(theirs[key]) !== String(yours[key])) differences.push({ field: label, theirs: String(theirs[key]), yours: String(yours[key]) })
  }
  const count = Math.max(theirs.sections.length, yours.sections.length)
  for (let i = 0; i < count; i++) {
    const t = theirs.sections[i]
    const y = yours.sections[i]
    const show = (s: typeof t) => (s ? `${s.aspect} – ${s.verdict}\n\n${s.body}` : '(none)')
    if (show(t) !== show(y)) differences.push({ field: `Section ${i + 1}`, theirs: show(t), yours: show(y) })
  }
  return { revision: current.revision, savedAt: current.updatedAt, differences }
}

/** The editor, the review list and the history, behind sign-in. */
export function adminReviewRoutes(site: Site): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>()
  app.use('/admin', requireUser)
  app.use('/admin/reviews/*', requireUser)
  app.use('/admin/reviews', requireUser)

  const adminChrome = (c: Context<AuthEnv>) => adminChromeFor(site, c)

  app.get('/admin', async (c) => {
    const reviews = await listEditableReviews(site, c.get('user')!, pageNumber(c.req.query('page')))
    return c.html(renderDocument(<DashboardPage chrome={await adminChrome(c)} reviews={reviews} />))
  })

  app.get('/admin/reviews/new', async (c) => {
    const chrome = await adminChrome(c)
    return c.html(renderDocument(<EditorPage chrome={chrome} form={emptyForm(chrome.settings)} errors={{}} reviewId={null} revision={null} />))
  })

  app.get('/admin/reviews/:id{[0-9]+}', async (c) => {
    const record = await loadForEditing(site, c.get('user')!, Number(c.req.param('id')))
    const saved = c.req.query('saved')
    const page = (
      <EditorPage
        chrome={await adminChrome(c)} form={formFromDocument(record.doc)} errors={{}} reviewId={record.id} revision={record.revision}
        notice={saved ? `Saved as revision ${saved}.` : null}
        publicUrl={record.doc.status === 'published' ? `/reviews/${encodeURIComponent(record.doc.slug)}` : null}
      />
    )
    return c.html(renderDocument(page))
  })

  async function editorPost(c: Context<AuthEnv>, id: number | null) {
    const user = c.get('user') as SessionUser
    const chrome = await adminChrome(c)
    const settings = chrome.settings
    const body = await c.req.parseBody({ all: true })
    const action = typeof body._action === 'string' ? body._action : 'save'
    const baseRevision = typeof body.revision === 'string' && /^\d+$/.test(body.revision) ? Number(body.revision) : null
    let form = formFromBody(body)
    const editor = (props: { form: ReviewForm; errors?: FormErrors; revision?: number | null; pasteText?: string; pasteIssues?: string[]; conflict?: ConflictInfo; notice?: string }) =>
      renderDocument(<EditorPage chrome={chrome} reviewId={id} revision={props.revision ?? baseRevision} errors={props.errors ?? {}} {...props} />)

    if (action === 'paste') {
      const text = typeof body.paste === 'string' ? body.paste : ''
      const read = readPastedText(text, settings, 'pasted text')
      if (!read.ok) return c.html(editor({ form, pasteText: text, pasteIssues: read.issues.map((i) => formatIssue(i).replace(/^pasted text:/, 'line ')) }), 422)
      const filled = formFromDocument(read.value)
      form = { ...filled, status: form.status, slug: form.slug, posterSrc: form.posterSrc, publishAt: form.publishAt, author: form.author }
      return c.html(editor({ form, pasteIssues: [], notice: 'The form was filled from the pasted text. Check it, then save.' }))
    }
    if (action !== 'save' && action !== 'preview') return c.html(editor({ form: applyFormAction(form, action, settings) }))

    const result = documentFromForm(form, settings)
    if (!result.ok) return c.html(editor({ form, errors: result.errors }), 422)

    if (action === 'preview') {
      const slug = result.doc.slug ?? 'preview'
      const rendered = renderReview({ ...result.doc, slug }, null)
      const record: ReviewRecord = {
        id: id ?? 0, revision: baseRevision ?? 0, authorId: user.id, createdAt: '', updatedAt: '', doc: rendered.doc, originCode: null,
        introHtml: rendered.introHtml, sectionHtml: rendered.sectionHtml, posterImage: null,
      }
      const html = renderDocument(<ReviewPage chrome={chrome} record={record} />)
      return c.html(html.replace('<main id="main">', '<p class="preview-banner" role="status">Preview: not saved yet</p><main id="main">'))
    }

    const file = body.posterFile
    const poster = file instanceof File && file.size > 0 ? { bytes: new Uint8Array(await file.arrayBuffer()), name: file.name } : null
    try {
      const saved = await saveFromEditor(site, user, { id, baseRevision, doc: result.doc, poster })
      return c.redirect(`/admin/reviews/${saved.id}?saved=${saved.revision}`, 303)
    } catch (err) {
      if (err instanceof ConflictError) {
        // Keep the reviewer's text; the next save is made against the newer revision on purpose.
        return c.html(editor({ form, revision: err.current.revision, conflict: conflictInfo(err.current, form) }), 409)
      }
      if (err instanceof UploadError) return c.html(editor({ form, errors: { poster: err.message } }), 422)
      if (err instanceof Error && 'code' in err && err.code === 'invalid_input') return c.html(editor({ form, errors: { slug: err.message } }), 422)
      throw err
    }
  }

  app.post('/admin/reviews', (c) => editorPost(c, null))
  app.post('/admin/reviews/:id{[0-9]+}', (c) => editorPost(c, Number(c.req.param('id'))))

  app.get('/admin/reviews/:id{[0-9]+}/history', async (c) => {
    const record = await loadForEditing(site, c.get('user')!, Number(c.req.param('id')))
    const revisions = await listRevisions(site.db, record.id)
    const withDiffs = revisions.map((r, i) => {
      const older = revisions[i + 1]
      return { ...r, diff: older ? diffLines(writeMarkdownReview(older.doc), writeMarkdownReview(r.doc)) : [] }
    })
    return c.html(renderDocument(<HistoryPage chrome={await adminChrome(c)} reviewId={record.id} title={record.doc.title} current={record.revision} revisions={withDiffs} />))
  })

  app.post('/admin/reviews/:id{[0-9]+}/restore/:rev{[0-9]+}', async (c) => {
    const user = c.get('user')!
    const record = await loadForEditing(site, user, Number(c.req.param('id')))
    const wanted = (await listRevisions(site.db, record.id)).find((r) => r.revision === Number(c.req.param('rev')))
    if (!wanted) return c.notFound()
    const body = await c.req.parseBody()
    const base = typeof body.revision === 'string' ? Number(body.revision) : record.revision
    try {
      const saved = await restoreRevision(site, user, record.id, wanted.doc, base)
      return c.redirect(`/admin/reviews/${saved.id}?saved=${saved.revision}`, 303)
    } catch (err) {
      if (err instanceof ConflictError) return c.text('The review changed since you opened its history; reload and try again.', 409)
      throw err
    }
  })

  return app
}
