import type { ReviewDocument } from '../../src/domain/review.ts'
import { formFromDocument } from '../../src/formats/review-form.ts'

/** What the browser posts for the editor's form: fields named as the form names them. */
export function formBodyOf(doc: ReviewDocument): Record<string, string> {
  const form = formFromDocument(doc)
  const body: Record<string, string> = {}
  for (const [key, value] of Object.entries(form)) if (typeof value === 'string') body[key] = value
  form.links.forEach((l, i) => Object.assign(body, { [`links.${i}.site`]: l.site, [`links.${i}.label`]: l.label, [`links.${i}.url`]: l.url }))
  form.sections.forEach((s, i) => {
    for (const [k, v] of Object.entries(s)) if (k !== 'spoiler') body[`sections.${i}.${k}`] = String(v)
    if (s.spoiler) body[`sections.${i}.spoiler`] = 'on'
  })
  return body
}

