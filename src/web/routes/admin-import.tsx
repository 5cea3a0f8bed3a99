import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { extname, join, relative } from 'node:path'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { InvalidInputError, type InputIssue } from '../../domain/errors.ts'
import { importFiles, type ImportResult } from '../../services/import-files.ts'
import { IMPORT_EXTENSIONS } from '../../services/import-readers.ts'
import type { Site } from '../../services/site.ts'
import { ImportPage, type ImportChoices, type ImportFailure, type ImportOutcome } from '../../views/admin/import-page.tsx'
import { renderDocument } from '../../views/render.ts'
import { adminChromeFor } from '../admin-chrome.ts'
import { siteTranslator } from '../site-language.ts'
import { requireRole, type AuthEnv } from '../auth.ts'

type C = Context<AuthEnv>

/** The most an import upload may weigh, all files together; larger exports go through `dramalog import`. */
export const IMPORT_MAX_MEGABYTES = 200
const MAX_BYTES = IMPORT_MAX_MEGABYTES * 1024 * 1024

// Only owners and editors import: an import may update any review on the site.
const IMPORTERS = ['owner', 'editor'] as const

const DEFAULT_CHOICES: ImportChoices = { dryRun: false, onConflict: 'update' }

const renderPage = async (site: Site, c: C, props: { choices: ImportChoices; outcome?: ImportOutcome; failure?: ImportFailure }) =>
  renderDocument(
    <ImportPage chrome={await adminChromeFor(site, c)} extensions={IMPORT_EXTENSIONS} maxMegabytes={IMPORT_MAX_MEGABYTES} {...props} />,
  )

/**
 * Refuses an import upload over the size limit with a 413 page, before anything reads the body.
 * Mount it ahead of the CSRF guard, which parses form bodies to find the token.
 */
export function importUploadLimit(site: Site): MiddlewareHandler<AuthEnv> {
  const limit = bodyLimit({
    maxSize: MAX_BYTES,
    onError: async (c: C) => {
      const message = (await siteTranslator(site)).t('import.tooLarge', { size: String(IMPORT_MAX_MEGABYTES), command: '“dramalog import”' })
      const user = c.get('user')
      if (!user || !(IMPORTERS as readonly string[]).includes(user.role)) return c.text(message, 413)
      return c.html(await renderPage(site, c, { choices: DEFAULT_CHOICES, failure: { message } }), 413)
    },
  })
  return async function importUploadLimit(c, next) {
    if (c.req.method !== 'POST') return next()
    return limit(c, next)
  }
}

/**
 * A safe name for an uploaded file inside the upload folder: the base name only (browsers on some
 * systems send a whole path), without characters file systems or messages trip over.
 */
export function uploadName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? ''
  const cleaned = base
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f:*?"<>|]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim()
  if (cleaned.length <= 120) return cleaned
  const ext = extname(cleaned).slice(0, 16)
  return cleaned.slice(0, 120 - ext.length) + ext
}

/** Gives each upload its own name in the folder: a second `review.txt` becomes `review (2).txt`. */
function distinctNames(names: readonly string[]): string[] {
  const taken = new Set<string>()
  return names.map((name) => {
    const ext = extname(name)
    const stem = name.slice(0, name.length - ext.length)
    let candidate = name
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${ext}`
    taken.add(candidate.toLowerCase())
    return candidate
  })
}

/** Messages name files as the editor knows them (`show.txt:3`), not by the upload folder on the server. */
function withoutFolder(dir: string): (text: string) => string {
  const prefixes = [...new Set([join(dir, '/'), join(relative(process.cwd(), dir), '/')])].sort((a, b) => b.length - a.length)
  return (text) => prefixes.reduce((t, p) => t.split(p).join(''), text)
}

function readableOutcome(result: ImportResult, strip: (text: string) => string): ImportOutcome {
  return {
    ...result,
    skipped: result.skipped.map((s) => ({ ...s, at: strip(s.at), what: strip(s.what), reason: strip(s.reason) })),
    warnings: result.warnings.map(strip),
  }
}

function readableIssues(issues: readonly InputIssue[], strip: (text: string) => string): InputIssue[] {
  return issues.map((i) => ({ ...i, file: i.file === undefined ? undefined : strip(i.file), message: strip(i.message) }))
}

/** The admin import page: the same files and the same service as `dramalog import`. */
export function adminImportRoutes(site: Site): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>()
  app.use('/admin/import', requireRole(...IMPORTERS))

  app.get('/admin/import', async (c) => {
    c.header('Cache-Control', 'no-store')
    return c.html(await renderPage(site, c, { choices: DEFAULT_CHOICES }))
  })

  app.post('/admin/import', async (c) => {
    c.header('Cache-Control', 'no-store')
    const body = await c.req.parseBody({ all: true })
    const choices: ImportChoices = {
      dryRun: body.dryRun !== undefined,
      onConflict: body.onConflict === 'skip' ? 'skip' : 'update',
    }
    const fail = async (failure: ImportFailure) => c.html(await renderPage(site, c, { choices, failure }), 422)

    // An empty file input still sends one part, with no name and no bytes.
    const uploads = [body.files ?? []].flat().filter((f): f is File => f instanceof File && (f.name !== '' || f.size > 0))
    if (uploads.length === 0) return fail({ message: 'Choose at least one file to import.' })

    const names = uploads.map((f) => uploadName(f.name))
    const refused: InputIssue[] = []
    names.forEach((name, i) => {
      const ext = extname(name).toLowerCase()
      if (!(IMPORT_EXTENSIONS as readonly string[]).includes(ext)) {
        refused.push({
          file: name || uploads[i]!.name || '(unnamed file)', line: 1, field: '(file)',
          message: `${ext ? `"${ext}" files cannot be imported` : 'a file name without an extension cannot be imported'}; choose ${IMPORT_EXTENSIONS.join(', ')} files`,
        })
      }
    })
    if (refused.length) return fail({ issues: refused, files: uploads.length })

    // Saved with their own names and extensions, so the importer picks each file's reader as the CLI does.
    const dir = await mkdtemp(join(site.dataDir, '.uploads-'))
    const strip = withoutFolder(dir)
    try {
      const paths = distinctNames(names).map((name) => join(dir, name))
      for (const [i, path] of paths.entries()) await writeFile(path, Readable.fromWeb(uploads[i]!.stream() as NodeReadableStream<Uint8Array>), { flag: 'wx' })
      const result = await importFiles(site, paths, { dryRun: choices.dryRun, onConflict: choices.onConflict })
      return c.html(await renderPage(site, c, { choices, outcome: readableOutcome(result, strip) }))
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err
      return fail({ issues: readableIssues(err.issues, strip), files: uploads.length })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  return app
}
