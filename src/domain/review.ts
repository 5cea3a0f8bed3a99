import { z } from 'zod'
import { findCountry } from './countries.ts'
import { canonicalLanguageTag } from './i18n.ts'
import { isSlug } from './slug.ts'

/** External databases a review can link to; other sites are kept under their own name. */
export const KNOWN_LINK_SITES = ['AsianWiki', 'MyDramaList', 'IMDb', 'TMDB', 'Wikipedia'] as const

/** Canonical spelling of a link site name (`mydramalist` → `MyDramaList`), or the name as given. */
export function canonicalLinkSite(name: string): string {
  const key = name.toLowerCase().replace(/[^a-z]/g, '')
  const aliases: Record<string, string> = { mdl: 'MyDramaList', wiki: 'Wikipedia', themoviedb: 'TMDB' }
  // hasOwn: a site called "constructor" must not find Object.prototype's.
  return KNOWN_LINK_SITES.find((s) => s.toLowerCase() === key) ?? (Object.hasOwn(aliases, key) ? aliases[key] : undefined) ?? name.trim()
}

/** True for URLs a page may link to: absolute http(s) only, so `javascript:` and `data:` never reach a page. */
export function isSafeUrl(url: string): boolean {
  try {
    const u = new URL(url)
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname.length > 0
  } catch {
    return false
  }
}

const text = (max: number) => z.string().trim().max(max).regex(/^[^\r\n]*$/, 'must be a single line')
// Markdown keeps its leading indentation (a code block) but not blank lines around it. Line ends
// are LF, as every reader produces, so a document reads back the same from any format.
const markdown = z
  .string()
  .max(200_000)
  .transform((s) => (s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s).replace(/^(?:[ \t]*\n)+/, '').trimEnd())
const optionalText = (max: number) => text(max).nullable().default(null)

const SafeUrl = z.string().trim().refine(isSafeUrl, 'must be an http(s) URL')
const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date as YYYY-MM-DD', abort: true })
  .refine((s) => {
    // An impossible month or day makes an Invalid Date, whose toISOString() throws.
    const date = new Date(`${s}T00:00:00Z`)
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(s)
  }, 'is not a real calendar date')

export const Link = z.object({
  site: text(60).min(1).transform(canonicalLinkSite),
  label: text(200).default(''),
  url: SafeUrl.nullable().default(null),
})
export type Link = z.output<typeof Link>

export const Section = z.object({
  aspect: text(80).min(1),
  verdict: text(200).default(''),
  body: markdown.default(''),
  score: z.number().min(0).max(1000).nullable().default(null),
  scoreMax: z.number().int().min(1).max(1000).nullable().default(null),
  spoiler: z.boolean().default(false),
})
  // A scale without a score says nothing, and no format can carry it alone: drop it.
  .transform((s) => (s.score === null && s.scoreMax !== null ? { ...s, scoreMax: null } : s))
export type Section = z.output<typeof Section>

export const Poster = z.object({
  /** Site-relative (`/media/…`) or absolute http(s) address; null when only the credit survived an import. */
  src: z
    .string()
    .trim()
    .refine((s) => /^\/media\/[\w./-]+$/.test(s) && !s.includes('..') || isSafeUrl(s), 'must be a /media/ path or an http(s) URL')
    .nullable()
    .default(null),
  credit: optionalText(500),
  alt: optionalText(300),
})
export type Poster = z.output<typeof Poster>

export const Person = z.object({
  name: text(120).min(1),
  /** `cast`, `director`, `writer`… free text so reviewers can name any role. */
  role: optionalText(60),
})
export type Person = z.output<typeof Person>

export const MeterValue = z
  .object({ value: z.number().int().min(0), max: z.number().int().min(1).max(10) })
  .refine((m) => m.value <= m.max, { message: 'value is over the maximum', path: ['value'] })

/**
 * Where an imported review came from: `id` is stable across exports of the old site (a WordPress
 * post's GUID, a Letterboxd URI) and matches the review on a second import; `url` is its old address.
 */
export const Source = z.object({
  id: text(500).min(1),
  url: SafeUrl.nullable().default(null),
})

/** The language a review is written in: a BCP 47 tag, kept in its canonical spelling (`ko-kr` → `ko-KR`). */
export const LanguageTag = z
  .string()
  .trim()
  .max(35)
  .transform((tag, ctx) => {
    const canonical = canonicalLanguageTag(tag)
    if (!canonical) {
      ctx.addIssue({ code: 'custom', message: `"${tag}" is not a language tag such as en, ko or ja-JP` })
      return z.NEVER
    }
    return canonical
  })

export const ReviewStatus = z.enum(['draft', 'scheduled', 'published', 'unpublished'])
export type ReviewStatus = z.infer<typeof ReviewStatus>

/** The review document (DESIGN §2): what JSON and Markdown files carry and the read API returns. */
export const ReviewDocument = z.object({
  slug: z.string().refine(isSlug, 'must be a lower-case slug').optional(),
  title: text(200).min(1),
  nativeTitle: optionalText(200),
  romanizedTitle: optionalText(200),
  year: z.number().int().min(1900).max(2100).nullable().default(null),
  origin: z
    .string()
    .trim()
    .transform((name, ctx) => {
      const country = findCountry(name)
      if (!country) {
        ctx.addIssue({ code: 'custom', message: `unknown country "${name}"` })
        return z.NEVER
      }
      return country.name
    })
    .nullable()
    .default(null),
  season: z.number().int().min(0).max(99).nullable().default(null),
  episodes: z.number().int().min(1).max(10_000).nullable().default(null),
  platform: optionalText(80),
  firstWatch: z.boolean().nullable().default(null),
  reviewedOn: IsoDate.nullable().default(null),
  links: z.array(Link).max(50).default([]),
  meter: MeterValue.nullable().default(null),
  hook: optionalText(500),
  headline: optionalText(300),
  intro: markdown.default(''),
  sections: z.array(Section).max(50).default([]),
  poster: Poster.nullable().default(null),
  tags: z.array(text(60).min(1)).max(50).default([]),
  people: z.array(Person).max(200).default([]),
  songs: z.array(text(200).min(1)).max(100).default([]),
  status: ReviewStatus.default('published'),
  author: optionalText(120),
  /** Absent when not said; pages then take the review to be in the site's language. */
  language: LanguageTag.optional(),
  publishedAt: z.iso.datetime({ offset: true }).nullable().default(null),
  source: Source.nullable().default(null),
})
export type ReviewDocument = z.output<typeof ReviewDocument>
export type ReviewDocumentInput = z.input<typeof ReviewDocument>

/** Keys in the order documents are written, so exports are stable and diffable. */
export const DOCUMENT_KEYS = Object.keys(ReviewDocument.shape) as (keyof ReviewDocument)[]

/** Dedupes tags case-insensitively, keeping the first spelling. */
export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const raw of tags) {
    const tag = raw.trim().replace(/^#/, '').replace(/\s+/g, ' ')
    if (tag && !seen.has(tag.toLowerCase())) {
      seen.add(tag.toLowerCase())
      out.push(tag)
    }
  }
  return out
}
