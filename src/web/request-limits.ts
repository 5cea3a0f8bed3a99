import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { Translator } from '../domain/i18n.ts'
import { MAX_UPLOAD_BYTES } from '../media/upload.ts'

const MB = 1024 * 1024

/** The most a form or API request may send: settings, sign-in, diary, moderation. */
export const FORM_MAX_BYTES = 1 * MB
/** The review editor's form: the largest poster, and the longest text a review may hold beside it. */
export const EDITOR_MAX_BYTES = MAX_UPLOAD_BYTES + 10 * MB

const EDITOR_PATH = /^\/admin\/reviews(?:\/[0-9]+)?$/
// The import page has its own, larger limit (see importUploadLimit).
const OWN_LIMIT = new Set(['/admin/import'])
const WITHOUT_BODY = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Refuses a request body over its route's limit with 413, before anything reads it: by its
 * Content-Length when it gives one, else by counting the bytes as they arrive. Without it, one
 * client could make the server hold any amount of memory in a form body it parses. The refusal is
 * in the site's language, from `translator`.
 */
export function requestSizeLimit(translator: () => Promise<Pick<Translator, 't'>>): MiddlewareHandler {
  const refuse = (bytes: number) => async (c: Context) => c.text((await translator()).t('http.tooLarge', { size: String(bytes / MB) }), 413)
  const form = bodyLimit({ maxSize: FORM_MAX_BYTES, onError: refuse(FORM_MAX_BYTES) })
  const editor = bodyLimit({ maxSize: EDITOR_MAX_BYTES, onError: refuse(EDITOR_MAX_BYTES) })
  return async function requestSizeLimit(c, next) {
    if (WITHOUT_BODY.has(c.req.method) || OWN_LIMIT.has(c.req.path)) return next()
    return (EDITOR_PATH.test(c.req.path) ? editor : form)(c, next)
  }
}
