import { z } from 'zod'
import { findCountry } from './countries.ts'
import type { ReviewSummary } from './records.ts'
import { isSlug } from './slug.ts'

// Lists of shows ("Best thrillers of 2024"): ranked (the order is the ranking, shown as numbers)
// or not (the order is only the order of reading). Each entry is a review of this site, or just a
// title with an optional year and country for a show never reviewed here, and carries a note.

export const LIST_LIMITS = { title: 200, description: 5000, note: 2000, entryTitle: 200, entries: 500 } as const

export const LIST_STATUSES = ['draft', 'published'] as const
export type ListStatus = (typeof LIST_STATUSES)[number]

/** One entry of a list as pages show it. */
export type ListEntry = {
  id: number
  /** 1 for the first entry; the rank of a ranked list. */
  position: number
  /** The entry's own title: the show's name, kept when a linked review is deleted. */
  title: string
  year: number | null
  origin: string | null
  originCode: string | null
  note: string | null
  /** The linked review: slug always; `summary` only while the review is published. */
  review: { slug: string; title: string; published: boolean; summary: ReviewSummary | null } | null
}

/** A list with its entries, in order. */
export type ShowList = {
  id: number
  slug: string
  title: string
  /** Plain text; blank lines separate paragraphs. */
  description: string
  ranked: boolean
  status: ListStatus
  publishedAt: string | null
  createdAt: string
  updatedAt: string
  entries: ListEntry[]
}

/** What the index of lists shows of each. */
export type ListSummary = Omit<ShowList, 'entries'> & { entryCount: number; posters: NonNullable<ReviewSummary['poster']>[] }

const text = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .transform((s) => s.replace(/\r\n?/g, '\n').trim())

const optionalText = (max: number) =>
  z
    .union([z.string(), z.null()])
    .optional()
    .transform((s) => (s ?? '').replace(/\r\n?/g, '\n').trim())
    .pipe(z.string().max(max, `must be at most ${max} characters`))
    .transform((s) => (s === '' ? null : s))

const year = z.union([z.number(), z.string(), z.null()]).optional().transform((v, ctx) => {
  if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '')) return null
  const n = typeof v === 'number' ? v : Number(v.trim())
  if (!Number.isInteger(n) || n < 1900 || n > 2100) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a year between 1900 and 2100` })
    return z.NEVER
  }
  return n
})

const origin = z.union([z.string(), z.null()]).optional().transform((v, ctx) => {
  const s = (v ?? '').trim()
  if (s === '') return null
  const country = findCountry(s)
  if (!country) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a country Dramalog knows` })
    return z.NEVER
  }
  return country.name
})

const reviewRef = z.union([z.string(), z.null()]).optional().transform((v, ctx) => {
  // The form accepts a review's address as well as its slug.
  const s = (v ?? '').trim().replace(/^.*\/reviews\//, '').replace(/[/?#].*$/, '')
  if (s === '') return null
  let slug = s
  try {
    slug = decodeURIComponent(s).normalize('NFC').toLowerCase()
  } catch {
    // Left as typed: the check below names it.
  }
  if (!isSlug(slug)) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a review's slug` })
    return z.NEVER
  }
  return slug
})

const flag = z.union([z.boolean(), z.string(), z.null()]).optional().transform((v) => v === true || v === 'on' || v === 'true' || v === '1')

/** A list's own fields, from the admin form or a document. */
export const ListInput = z.object({
  title: text(LIST_LIMITS.title).pipe(z.string().min(1, 'is required')),
  slug: z.union([z.string(), z.null()]).optional().transform((v, ctx) => {
    const s = (v ?? '').trim()
    if (s === '') return null
    if (!isSlug(s)) {
      ctx.addIssue({ code: 'custom', message: `"${s}" is not a slug (lower-case letters, digits and hyphens)` })
      return z.NEVER
    }
    return s
  }),
  description: optionalText(LIST_LIMITS.description).transform((s) => s ?? ''),
  ranked: flag,
  status: z.enum(LIST_STATUSES, { message: 'must be "draft" or "published"' }).default('draft'),
})
export type ListInput = z.infer<typeof ListInput>

/** One entry: a review (by slug), or a title; a title may go with a review to name it differently. */
export const ListEntryInput = z
  .object({
    review: reviewRef,
    title: optionalText(LIST_LIMITS.entryTitle),
    year,
    origin,
    note: optionalText(LIST_LIMITS.note),
  })
  .superRefine((e, ctx) => {
    if (!e.review && !e.title) ctx.addIssue({ code: 'custom', path: ['title'], message: 'is required when no review is picked' })
  })
export type ListEntryInput = z.infer<typeof ListEntryInput>

/** The form fields of a list and of an entry, as the admin forms name them. */
export const LIST_FIELDS = ['title', 'slug', 'description', 'ranked', 'status'] as const
export const ENTRY_FIELDS = ['review', 'title', 'year', 'origin', 'note'] as const
export type ListField = (typeof LIST_FIELDS)[number]
export type EntryField = (typeof ENTRY_FIELDS)[number]

const lf = (s: string) => s.replace(/\r\n?/g, '\n')

/**
 * A list as an interchange document (the JSON export's items with `"kind": "list"`, and Markdown
 * files whose front matter says `kind: list`): entries name reviews by slug, so a list travels
 * with the reviews it links.
 */
export const ListDocument = z
  .object({
    kind: z.literal('list'),
    slug: z.string().refine(isSlug, 'is not a slug (lower-case letters, digits and hyphens)'),
    title: z.string().min(1, 'is required').max(LIST_LIMITS.title),
    // Line ends are kept as LF, so a list reads back the same from every format.
    description: z.string().max(LIST_LIMITS.description).transform(lf).default(''),
    ranked: z.boolean().default(false),
    status: z.enum(LIST_STATUSES).default('published'),
    publishedAt: z.union([z.iso.datetime({ offset: true }), z.null()]).default(null),
    entries: z
      .array(
        z
          .object({
            review: z.union([z.string().refine(isSlug, 'is not a review slug'), z.null()]).default(null),
            title: z.string().min(1, 'is required').max(LIST_LIMITS.entryTitle),
            year: z.union([z.number().int().min(1900).max(2100), z.null()]).default(null),
            origin: z.union([z.string(), z.null()]).default(null).refine((o) => o === null || !!findCountry(o), 'is not a country Dramalog knows'),
            // A note of blank lines is no note.
            note: z.union([z.string().max(LIST_LIMITS.note).transform((n) => (n.trim() === '' ? null : lf(n))), z.null()]).default(null),
          })
          .strict(),
      )
      .max(LIST_LIMITS.entries, `a list holds at most ${LIST_LIMITS.entries} entries`)
      .default([]),
  })
  .strict()
export type ListDocument = z.infer<typeof ListDocument>

/** The document of a list as stored. */
export function listDocument(list: ShowList): ListDocument {
  return {
    kind: 'list',
    slug: list.slug,
    title: list.title,
    description: list.description,
    ranked: list.ranked,
    status: list.status,
    publishedAt: list.publishedAt,
    entries: list.entries.map((e) => ({ review: e.review?.slug ?? null, title: e.title, year: e.year, origin: e.origin, note: e.note })),
  }
}

/** True for a parsed JSON value or front matter that declares itself a list document. */
export const isListDocument = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && (value as Record<string, unknown>).kind === 'list'

/** Where an entry of `count` entries at `position` goes when moved one step; null when it cannot move. */
export function movedPosition(position: number, count: number, direction: 'up' | 'down'): number | null {
  const to = direction === 'up' ? position - 1 : position + 1
  return to < 1 || to > count ? null : to
}

/** The paragraphs of a description: blank lines separate them, single line breaks stay inside. */
export const paragraphsOf = (description: string): string[] =>
  description.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean)

/** Entries as words: `1 show`, `12 shows`. */
export const showCount = (n: number): string => `${n} show${n === 1 ? '' : 's'}`
