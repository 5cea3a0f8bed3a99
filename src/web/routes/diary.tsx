import { Hono, type Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { DIARY_FIELDS, DiaryStatus, diaryFormValues, type DiaryEntry, type DiaryFormValues } from '../../domain/diary.ts'
import { InvalidInputError } from '../../domain/errors.ts'
import type { SiteSettings } from '../../domain/settings.ts'
import type { SessionUser } from '../../domain/user.ts'
import {
  deleteDiaryEntry, loadDiaryAdmin, loadDiaryEntry, loadDiaryEntryForEditing, loadDiaryFormChoices, loadDiaryPage, loadYearInReview,
  recordDiaryEntry, StaleDiaryEntryError, updateDiaryEntry,
} from '../../services/diary.ts'
import type { Site } from '../../services/site.ts'
import { DiaryAdminPage, DiaryFormPage, type DiaryFormErrors } from '../../views/admin/diary-admin.tsx'
import type { Chrome } from '../../views/layout.tsx'
import { renderDocument } from '../../views/render.ts'
import { cookieOptions, requireUser, type AuthEnv } from '../auth.ts'
import { pageNumber, type PageResponder } from '../page-response.ts'
import { chromeFor, renderDiaryPage, renderYearInReviewPage } from '../../pages/public-pages.tsx'
import { pagedHref } from '../../views/components.tsx'
import { adminChromeFor } from '../admin-chrome.ts'

type C = Context<AuthEnv>

// What the last admin write did, shown once on the list it redirects to.
const FLASH_COOKIE = 'dramalog_diary_flash'

/** The form's own fields as strings; files and unknown keys are dropped. */
function formValues(body: Record<string, unknown>): DiaryFormValues {
  const values: DiaryFormValues = {}
  for (const f of DIARY_FIELDS) {
    const v = body[f]
    if (typeof v === 'string') values[f] = v
  }
  return values
}

function fieldErrors(err: InvalidInputError): DiaryFormErrors {
  const errors: DiaryFormErrors = {}
  for (const i of err.issues) {
    const field = (DIARY_FIELDS as readonly string[]).includes(i.field) ? (i.field as keyof DiaryFormErrors) : 'entry'
    errors[field] ??= i.message
  }
  return errors
}

/** The diary's public pages and its admin screens. */
export function diaryRoutes(site: Site, cached: PageResponder): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>()
  const chromeOf = (settings: SiteSettings): Chrome => chromeFor(site, settings)
  const adminChrome = (c: C) => adminChromeFor(site, c)

  // Page 1 is `/diary`; others are `/diary/page/N`, and `/diary?page=N` serves the same page.
  const diary = (c: C, raw: string | undefined) => {
    const n = pageNumber(raw)
    if (n === 1 && raw !== undefined) return c.redirect('/diary', 301)
    return cached(
      c,
      async () => {
        const data = await loadDiaryPage(site, n)
        return renderDiaryPage(chromeOf(data.settings), data)
      },
      pagedHref('/diary', n),
    )
  }
  app.get('/diary', (c) => diary(c, c.req.query('page')))
  app.get('/diary/page/:n', (c) => diary(c, c.req.param('n')))

  app.get('/diary/:year{[0-9]{4}}', async (c) => {
    const year = Number(c.req.param('year'))
    return cached(c, async () => {
      const data = await loadYearInReview(site, year)
      return renderYearInReviewPage(chromeOf(data.settings), data)
    })
  })

  app.get('/admin/diary', requireUser, async (c) => {
    const data = await loadDiaryAdmin(site, signedIn(c), pageNumber(c.req.query('page')))
    const notice = getCookie(c, FLASH_COOKIE) ?? null
    if (notice) deleteCookie(c, FLASH_COOKIE, { path: '/admin/diary', secure: cookieOptions(c).secure })
    c.header('Cache-Control', 'no-store')
    return c.html(renderDocument(<DiaryAdminPage chrome={await adminChrome(c)} list={data.list} watchlist={data.watchlist} editable={data.editable} notice={notice} />))
  })

  app.get('/admin/diary/new', requireUser, async (c) => {
    const status = DiaryStatus.safeParse(c.req.query('status'))
    const values: DiaryFormValues = { status: status.success ? status.data : 'finished' }
    return formPage(c, null, values, {}, 200)
  })

  app.post('/admin/diary', requireUser, async (c) => {
    const values = formValues(await c.req.parseBody())
    try {
      await recordDiaryEntry(site, values, signedIn(c).id)
    } catch (err) {
      if (err instanceof InvalidInputError) return formPage(c, null, values, fieldErrors(err), 422)
      throw err
    }
    return done(c, values.status === 'planned' ? 'planned' : 'added')
  })

  app.get('/admin/diary/:id{[0-9]+}', requireUser, async (c) => {
    const entry = await loadDiaryEntryForEditing(site, signedIn(c), Number(c.req.param('id')))
    return formPage(c, entry.id, diaryFormValues(entry), {}, 200, { version: entry.updatedAt, entry })
  })

  app.post('/admin/diary/:id{[0-9]+}', requireUser, async (c) => {
    const id = Number(c.req.param('id'))
    const body = await c.req.parseBody()
    const values = formValues(body)
    // A form without a version cannot show it was loaded at the stored one, so it counts as stale.
    const version = typeof body.version === 'string' ? body.version : ''
    try {
      await updateDiaryEntry(site, signedIn(c), id, values, version)
    } catch (err) {
      // The form keeps the version it was loaded at, so fixing a field does not skip the check.
      if (err instanceof InvalidInputError) return formPage(c, id, values, fieldErrors(err), 422, { version })
      // After a conflict it carries the stored version: saving again keeps these values on purpose.
      if (err instanceof StaleDiaryEntryError) return formPage(c, id, values, {}, 409, { version: err.current.updatedAt, conflict: err.current, entry: err.current })
      throw err
    }
    return done(c, 'saved')
  })

  app.post('/admin/diary/:id{[0-9]+}/delete', requireUser, async (c) => {
    await deleteDiaryEntry(site, signedIn(c), Number(c.req.param('id')))
    return done(c, 'deleted')
  })

  /** Renders the add (id null) or edit form with the given values and errors; `edit.entry` is the stored entry when already read. */
  async function formPage(
    c: C, id: number | null, values: DiaryFormValues, errors: DiaryFormErrors, status: 200 | 409 | 422,
    edit: { version?: string; conflict?: DiaryEntry; entry?: DiaryEntry } = {},
  ) {
    const [entry, choices] = await Promise.all([edit.entry ?? (id === null ? null : loadDiaryEntry(site, id)), loadDiaryFormChoices(site)])
    c.header('Cache-Control', 'no-store')
    const page = (
      <DiaryFormPage
        chrome={await adminChrome(c)} entry={entry} values={values} errors={errors} reviews={choices.reviews} platforms={choices.platforms}
        version={edit.version} conflict={edit.conflict}
      />
    )
    return c.html(renderDocument(page), status)
  }

  return app
}

/** The signed-in user; routes that call this sit behind `requireUser`. */
function signedIn(c: C): SessionUser {
  const user = c.get('user')
  if (!user) throw new Error('diary admin route reached without a signed-in user')
  return user
}

/** After a write: remember what happened for the list page, then go there. */
function done(c: C, what: 'added' | 'planned' | 'saved' | 'deleted') {
  setCookie(c, FLASH_COOKIE, what, { ...cookieOptions(c, 60), path: '/admin/diary' })
  return c.redirect('/admin/diary', 303)
}
