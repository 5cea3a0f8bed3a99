import { findCountry } from '../domain/countries.ts'
import { parseReviewDate } from '../domain/dates.ts'
import { normalizeTags, ReviewDocument, type Person } from '../domain/review.ts'
import type { SiteSettings } from '../domain/settings.ts'

/** The editor's form as strings, exactly as typed, so a refused save shows the reviewer their own text. */
export type SectionForm = { aspect: string; verdict: string; body: string; score: string; scoreMax: string; spoiler: boolean }
export type LinkForm = { site: string; label: string; url: string }
export type ReviewForm = {
  slug: string; title: string; nativeTitle: string; romanizedTitle: string; language: string; year: string; origin: string; season: string
  episodes: string; platform: string; firstWatch: '' | 'yes' | 'no'; reviewedOn: string; meter: string; hook: string
  headline: string; intro: string; tags: string; people: string; songs: string; status: string; publishAt: string
  posterSrc: string; posterCredit: string; posterAlt: string; author: string
  links: LinkForm[]; sections: SectionForm[]
}

/** Field errors keyed by form field name (`title`, `sections.2.verdict`). */
export type FormErrors = Record<string, string>

const blankSection = (aspect = ''): SectionForm => ({ aspect, verdict: '', body: '', score: '', scoreMax: '', spoiler: false })

/** A new review's form: one empty section per rubric aspect, in rubric order. */
export function emptyForm(settings: SiteSettings): ReviewForm {
  return {
    slug: '', title: '', nativeTitle: '', romanizedTitle: '', language: '', year: '', origin: '', season: '', episodes: '', platform: '',
    firstWatch: '', reviewedOn: '', meter: '', hook: '', headline: '', intro: '', tags: '', people: '', songs: '',
    status: 'draft', publishAt: '', posterSrc: '', posterCredit: '', posterAlt: '', author: '',
    links: [], sections: settings.rubric.map((a) => blankSection(a)),
  }
}

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v))

/** `2026-11-25T18:00:05.000Z` → `2026-11-25T18:00:05` for a datetime-local field (times are UTC). */
export function toLocalInput(iso: string | null): string {
  return iso ? iso.slice(0, 19) : ''
}

function formatPerson(p: Person): string {
  return p.role && p.role !== 'cast' ? `${p.name} (${p.role})` : p.name
}

/** Fills the form from a stored document. */
export function formFromDocument(doc: ReviewDocument): ReviewForm {
  return {
    slug: str(doc.slug), title: doc.title, nativeTitle: str(doc.nativeTitle), romanizedTitle: str(doc.romanizedTitle), language: str(doc.language),
    year: str(doc.year), origin: str(doc.origin), season: str(doc.season), episodes: str(doc.episodes), platform: str(doc.platform),
    firstWatch: doc.firstWatch === null ? '' : doc.firstWatch ? 'yes' : 'no', reviewedOn: str(doc.reviewedOn),
    meter: doc.meter ? String(doc.meter.value) : '', hook: str(doc.hook), headline: str(doc.headline), intro: doc.intro,
    tags: doc.tags.join(', '), people: doc.people.map(formatPerson).join('\n'), songs: doc.songs.join('\n'),
    status: doc.status, publishAt: toLocalInput(doc.publishedAt), posterSrc: str(doc.poster?.src), posterCredit: str(doc.poster?.credit),
    posterAlt: str(doc.poster?.alt), author: str(doc.author),
    links: doc.links.map((l) => ({ site: l.site, label: l.label, url: str(l.url) })),
    sections: doc.sections.map((s) => ({
      aspect: s.aspect, verdict: s.verdict, body: s.body, score: str(s.score), scoreMax: str(s.scoreMax), spoiler: s.spoiler,
    })),
  }
}

type Body = Record<string, string | File | (string | File)[]>

/** Reads the posted form; repeated groups are named `sections.N.field` and `links.N.field`. */
export function formFromBody(body: Body): ReviewForm {
  const one = (k: string) => {
    const v = body[k]
    const first = Array.isArray(v) ? v[0] : v
    return typeof first === 'string' ? first.replace(/\r\n?/g, '\n') : ''
  }
  const groups = <T>(prefix: string, make: (get: (f: string) => string) => T): T[] => {
    const indexes = new Set<number>()
    for (const k of Object.keys(body)) {
      const m = new RegExp(`^${prefix}\\.(\\d{1,3})\\.`).exec(k)
      if (m) indexes.add(Number(m[1]))
    }
    return [...indexes].sort((a, b) => a - b).map((i) => make((f) => one(`${prefix}.${i}.${f}`)))
  }
  const fw = one('firstWatch')
  return {
    slug: one('slug'), title: one('title'), nativeTitle: one('nativeTitle'), romanizedTitle: one('romanizedTitle'), language: one('language'), year: one('year'),
    origin: one('origin'), season: one('season'), episodes: one('episodes'), platform: one('platform'),
    firstWatch: fw === 'yes' || fw === 'no' ? fw : '', reviewedOn: one('reviewedOn'), meter: one('meter'), hook: one('hook'),
    headline: one('headline'), intro: one('intro'), tags: one('tags'), people: one('people'), songs: one('songs'),
    status: one('status') || 'draft', publishAt: one('publishAt'), posterSrc: one('posterSrc'), posterCredit: one('posterCredit'),
    posterAlt: one('posterAlt'), author: one('author'),
    links: groups('links', (g) => ({ site: g('site'), label: g('label'), url: g('url') })).filter((l) => l.site || l.label || l.url),
    sections: groups('sections', (g) => ({
      aspect: g('aspect'), verdict: g('verdict'), body: g('body'), score: g('score'), scoreMax: g('scoreMax'), spoiler: g('spoiler') === 'on' || g('spoiler') === '1',
    })),
  }
}

/** A "move", "remove" or "add" button pressed in the form, applied without saving. */
export function applyFormAction(form: ReviewForm, action: string, settings: SiteSettings): ReviewForm {
  const sections = [...form.sections]
  const m = /^(up|down|remove):(\d+)$/.exec(action)
  if (action === 'add-section') {
    const used = new Set(sections.map((s) => s.aspect))
    sections.push(blankSection(settings.rubric.find((a) => !used.has(a)) ?? settings.rubric[0]))
  } else if (action === 'add-link') {
    return { ...form, links: [...form.links, { site: 'MyDramaList', label: '', url: '' }] }
  } else if (m) {
    const i = Number(m[2])
    const j = m[1] === 'up' ? i - 1 : i + 1
    if (m[1] === 'remove') sections.splice(i, 1)
    else if (i < sections.length && j >= 0 && j < sections.length) [sections[i], sections[j]] = [sections[j]!, sections[i]!]
  }
  return { ...form, sections }
}

function parsePeople(text: string): Person[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const m = /^(.*?)\s*\(([^()]+)\)$/.exec(line)
      return m ? { name: m[1]!, role: m[2]!.trim().toLowerCase() } : { name: line, role: 'cast' }
    })
}

/**
 * Turns the form into a review document, or field errors naming each problem. Dates accept every
 * spelling the importer does; empty fields become null.
 */
export function documentFromForm(form: ReviewForm, settings: SiteSettings): { ok: true; doc: ReviewDocument } | { ok: false; errors: FormErrors } {
  const errors: FormErrors = {}
  const int = (field: string, value: string): number | null => {
    if (!value.trim()) return null
    if (!/^\d+$/.test(value.trim())) {
      errors[field] = 'must be a whole number'
      return null
    }
    return Number(value)
  }
  const num = (field: string, value: string): number | null => {
    if (!value.trim()) return null
    const n = Number(value.trim())
    if (!Number.isFinite(n)) errors[field] = 'must be a number'
    return Number.isFinite(n) ? n : null
  }
  let origin: string | null = null
  if (form.origin.trim()) {
    origin = findCountry(form.origin)?.name ?? null
    if (!origin) errors.origin = `unknown country "${form.origin.trim()}"`
  }
  let reviewedOn: string | null = null
  if (form.reviewedOn.trim()) {
    const d = parseReviewDate(form.reviewedOn, settings.dateOrder)
    if (d.ok) reviewedOn = d.value
    else errors.reviewedOn = d.reason
  }
  let publishedAt: string | null = null
  if (form.publishAt.trim()) {
    const t = Date.parse(/Z|[+-]\d\d:?\d\d$/.test(form.publishAt) ? form.publishAt : `${form.publishAt}Z`)
    if (Number.isNaN(t)) errors.publishAt = 'must be a date and time'
    else publishedAt = new Date(t).toISOString()
  }
  if (form.status === 'scheduled' && !publishedAt && !errors.publishAt) errors.publishAt = 'a scheduled review needs the time to publish it'
  const meter = int('meter', form.meter)
  if (meter !== null && meter > settings.meter.max) errors.meter = `is over the ${settings.meter.name}'s maximum of ${settings.meter.max}`

  const candidate = {
    ...(form.slug.trim() ? { slug: form.slug.trim() } : {}),
    title: form.title,
    nativeTitle: form.nativeTitle.trim() || null,
    romanizedTitle: form.romanizedTitle.trim() || null,
    ...(form.language.trim() ? { language: form.language.trim() } : {}),
    year: int('year', form.year),
    origin,
    season: int('season', form.season),
    episodes: int('episodes', form.episodes),
    platform: form.platform.trim() || null,
    firstWatch: form.firstWatch === '' ? null : form.firstWatch === 'yes',
    reviewedOn,
    links: form.links.map((l) => ({ site: l.site || 'Link', label: l.label, url: l.url.trim() || null })),
    meter: meter === null || errors.meter ? null : { value: meter, max: settings.meter.max },
    hook: form.hook.trim() || null,
    headline: form.headline.trim() || null,
    intro: form.intro,
    sections: form.sections.map((s, i) => ({
      aspect: s.aspect, verdict: s.verdict, body: s.body, score: num(`sections.${i}.score`, s.score),
      scoreMax: int(`sections.${i}.scoreMax`, s.scoreMax), spoiler: s.spoiler,
    })),
    poster: form.posterSrc || form.posterCredit || form.posterAlt
      ? { src: form.posterSrc || null, credit: form.posterCredit.trim() || null, alt: form.posterAlt.trim() || null }
      : null,
    tags: normalizeTags(form.tags.split(',')),
    people: parsePeople(form.people),
    songs: form.songs.split('\n').map((s) => s.trim()).filter(Boolean),
    status: form.status,
    author: form.author.trim() || null,
    publishedAt,
  }
  const parsed = ReviewDocument.safeParse(candidate)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.map(String).join('.') || 'title'
      errors[key] ??= issue.message
    }
  }
  if (Object.keys(errors).length || !parsed.success) return { ok: false, errors }
  return { ok: true, doc: parsed.data }
}
