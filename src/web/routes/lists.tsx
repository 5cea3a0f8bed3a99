import { Hono, type Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { ENTRY_FIELDS, LIST_FIELDS } from '../../domain/lists.ts'
import { InvalidInputError, NotFoundError } from '../../domain/errors.ts'
import {
  addListEntry, createList, deleteList, loadListForEditing, loadListPage, loadListsAdmin, loadListsIndex, loadReviewChoices, moveListEntry,
  removeListEntry, reorderListEntries, updateList, updateListEntry,
} from '../../services/lists.ts'
import type { Site } from '../../services/site.ts'
import {
  listFormValues, ListEditorPage, listNotice, ListsAdminPage, NewListPage, type EntryFormErrors, type EntryFormValues,
  type ListFormErrors, type ListFormValues,
} from '../../views/admin/lists-admin.tsx'
import { renderDocument } from '../../views/render.ts'
import { cookieOptions, requireUser, type AuthEnv } from '../auth.ts'
import type { PageResponder } from '../page-response.ts'
import { chromeFor, renderListPage, renderListsIndexPage } from '../../pages/public-pages.tsx'
import { adminChromeFor } from '../admin-chrome.ts'

type C = Context<AuthEnv>

// What the last admin write did, shown once on the page it redirects to.
const FLASH_COOKIE = 'dramalog_lists_flash'

/** The named fields of a form body as strings; files and unknown keys are dropped. */
function pick<F extends string>(body: Record<string, unknown>, fields: readonly F[]): Partial<Record<F, string>> {
  const out: Partial<Record<F, string>> = {}
  for (const f of fields) if (typeof body[f] === 'string') out[f] = body[f] as string
  return out
}

/** A refused input's issues by field; anything else under `general`. */
function errorsOf<F extends string, G extends string>(err: InvalidInputError, fields: readonly F[], general: G): Partial<Record<F | G, string>> {
  const out: Partial<Record<F | G, string>> = {}
  for (const i of err.issues) {
    const f = ((fields as readonly string[]).includes(i.field) ? i.field : general) as F | G
    out[f] ??= i.message
  }
  return out
}

const listId = (c: C) => Number(c.req.param('id'))
const entryId = (c: C) => Number(c.req.param('entry'))

/** The public lists (`/lists`, `/lists/:slug`) and their admin screens. */
export function listRoutes(site: Site, cached: PageResponder): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>()

  app.get('/lists', (c) =>
    cached(c, async () => {
      const data = await loadListsIndex(site)
      return renderListsIndexPage(chromeFor(site, data.settings), data)
    }),
  )

  app.get('/lists/:slug', (c) => {
    const slug = c.req.param('slug')
    if (slug.includes('%')) throw new NotFoundError('list', slug)
    const lower = slug.normalize('NFC').toLowerCase()
    if (lower !== slug) return c.redirect(`/lists/${encodeURIComponent(lower)}`, 301)
    return cached(c, async () => {
      const data = await loadListPage(site, slug)
      return renderListPage(chromeFor(site, data.settings), data)
    })
  })

  app.get('/admin/lists', requireUser, async (c) => {
    const lists = await loadListsAdmin(site)
    c.header('Cache-Control', 'no-store')
    return c.html(renderDocument(<ListsAdminPage chrome={await adminChromeFor(site, c)} lists={lists} notice={listNotice(takeFlash(c))} />))
  })

  app.get('/admin/lists/new', requireUser, async (c) => newPage(c, { ranked: 'on' }, {}, 200))

  app.post('/admin/lists', requireUser, async (c) => {
    const values = pick(await c.req.parseBody(), LIST_FIELDS)
    try {
      const { id } = await createList(site, values, c.get('user')!.id)
      return done(c, id, 'created')
    } catch (err) {
      if (err instanceof InvalidInputError) return newPage(c, values, errorsOf(err, LIST_FIELDS, 'list'), 422)
      throw err
    }
  })

  app.get('/admin/lists/:id{[0-9]+}', requireUser, async (c) => {
    const list = await loadListForEditing(site, listId(c))
    return editor(c, { values: listFormValues(list), errors: {} }, 200, takeFlash(c))
  })

  app.post('/admin/lists/:id{[0-9]+}', requireUser, async (c) => {
    const values = pick(await c.req.parseBody(), LIST_FIELDS)
    try {
      await updateList(site, listId(c), values)
    } catch (err) {
      if (err instanceof InvalidInputError) return editor(c, { values, errors: errorsOf(err, LIST_FIELDS, 'list') }, 422)
      throw err
    }
    return done(c, listId(c), 'saved')
  })

  app.post('/admin/lists/:id{[0-9]+}/delete', requireUser, async (c) => {
    await deleteList(site, listId(c))
    setCookie(c, FLASH_COOKIE, 'deleted', { ...cookieOptions(c, 60), path: '/admin/lists' })
    return c.redirect('/admin/lists', 303)
  })

  app.post('/admin/lists/:id{[0-9]+}/entries', requireUser, async (c) => {
    const values = pick(await c.req.parseBody(), ENTRY_FIELDS)
    try {
      await addListEntry(site, listId(c), values)
    } catch (err) {
      if (err instanceof InvalidInputError) return editor(c, { adding: { values, errors: errorsOf(err, ENTRY_FIELDS, 'entry') } }, 422)
      throw err
    }
    return done(c, listId(c), 'added', '#add-h')
  })

  app.post('/admin/lists/:id{[0-9]+}/entries/:entry{[0-9]+}', requireUser, async (c) => {
    const values = pick(await c.req.parseBody(), ENTRY_FIELDS)
    try {
      await updateListEntry(site, listId(c), entryId(c), values)
    } catch (err) {
      if (err instanceof InvalidInputError) return editor(c, { editing: { id: entryId(c), values, errors: errorsOf(err, ENTRY_FIELDS, 'entry') } }, 422)
      throw err
    }
    return done(c, listId(c), 'entry', `#entry-${entryId(c)}`)
  })

  app.post('/admin/lists/:id{[0-9]+}/entries/:entry{[0-9]+}/delete', requireUser, async (c) => {
    await removeListEntry(site, listId(c), entryId(c))
    return done(c, listId(c), 'removed', '#entries-h')
  })

  // Move buttons post `direction` (up or down) or `position` (1 is the top): no JavaScript needed.
  app.post('/admin/lists/:id{[0-9]+}/entries/:entry{[0-9]+}/move', requireUser, async (c) => {
    const body = await c.req.parseBody()
    const direction = body.direction === 'up' || body.direction === 'down' ? body.direction : null
    const position = typeof body.position === 'string' && /^\d+$/.test(body.position) ? Number(body.position) : null
    if (direction === null && position === null) return c.text('Say where to move the entry: direction=up|down or position=N.', 422)
    await moveListEntry(site, listId(c), entryId(c), direction ?? position!)
    return done(c, listId(c), 'moved', `#entry-${entryId(c)}`)
  })

  // The drag-and-drop enhancement posts the whole new order: `order` is the entry ids, comma-separated.
  app.post('/admin/lists/:id{[0-9]+}/order', requireUser, async (c) => {
    const body = await c.req.parseBody()
    const order = typeof body.order === 'string' && /^\d+(,\d+)*$/.test(body.order) ? body.order.split(',').map(Number) : null
    if (!order) return c.text('order must be the entry ids, comma-separated.', 422)
    await reorderListEntries(site, listId(c), order)
    if (!c.req.header('accept')?.includes('application/json')) return done(c, listId(c), 'moved', '#entries-h')
    // The script reloads the editor itself, which then shows the notice.
    setCookie(c, FLASH_COOKIE, 'moved', { ...cookieOptions(c, 60), path: '/admin/lists' })
    return c.json({ ok: true })
  })

  async function newPage(c: C, values: ListFormValues, errors: ListFormErrors, status: 200 | 422) {
    c.header('Cache-Control', 'no-store')
    return c.html(renderDocument(<NewListPage chrome={await adminChromeFor(site, c)} values={values} errors={errors} />), status)
  }

  /** The editor, with what a refused form held. */
  async function editor(
    c: C,
    state: {
      values?: ListFormValues
      errors?: ListFormErrors
      adding?: { values: EntryFormValues; errors: EntryFormErrors }
      editing?: { id: number; values: EntryFormValues; errors: EntryFormErrors }
    },
    status: 200 | 422,
    flash: string | null = null,
  ) {
    const [list, reviews, chrome] = await Promise.all([loadListForEditing(site, listId(c)), loadReviewChoices(site), adminChromeFor(site, c)])
    c.header('Cache-Control', 'no-store')
    const page = (
      <ListEditorPage
        chrome={chrome}
        list={list}
        values={state.values ?? listFormValues(list)}
        errors={state.errors ?? {}}
        reviews={reviews}
        adding={state.adding}
        editing={state.editing}
        notice={listNotice(flash)}
      />
    )
    return c.html(renderDocument(page), status)
  }

  return app
}

/** The flash left by the last write, read once. */
function takeFlash(c: C): string | null {
  const flash = getCookie(c, FLASH_COOKIE) ?? null
  if (flash) deleteCookie(c, FLASH_COOKIE, { path: '/admin/lists', secure: cookieOptions(c).secure })
  return flash
}

/** After a write: remember what happened for the editor, then go back to it. */
function done(c: C, id: number, what: string, anchor = '') {
  setCookie(c, FLASH_COOKIE, what, { ...cookieOptions(c, 60), path: '/admin/lists' })
  return c.redirect(`/admin/lists/${id}${anchor}`, 303)
}

