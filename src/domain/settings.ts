import { z } from 'zod'
import { SITE_LANGUAGES, translatorFor } from './i18n.ts'

export const MeterDirection = z.enum(['lower-is-better', 'higher-is-better'])
export type MeterDirection = z.infer<typeof MeterDirection>

/** The site's signature rating scale, e.g. the Facepalm Meter. */
export const MeterSettings = z.object({
  name: z.string().trim().min(1).max(60),
  symbol: z.string().trim().min(1).max(32),
  max: z.number().int().min(1).max(10),
  direction: MeterDirection,
  /** Plural unit used in accessible text: "2 of 5 facepalms". */
  unit: z.string().trim().min(1).max(40),
})
export type MeterSettings = z.infer<typeof MeterSettings>

export const DateOrderSetting = z.enum(['auto', 'dmy', 'mdy'])

export const SiteSettings = z.object({
  name: z.string().trim().min(1).max(120),
  description: z.string().max(500),
  /** Ordered rubric aspects; a section heading reads `Aspect – Verdict`. */
  rubric: z
    .array(z.string().trim().min(1).max(80))
    .min(1)
    .max(20)
    .refine((a) => new Set(a.map((s) => s.toLowerCase())).size === a.length, 'rubric aspects must be unique'),
  meter: MeterSettings,
  /**
   * How ambiguous numeric dates are read on import (`03/04/2024`). It has no part in how dates
   * are shown: pages format them with `Intl` in the site's language.
   */
  dateOrder: DateOrderSetting,
  /** The language of the site's interface: menus, labels, dates and numbers. */
  language: z.enum(SITE_LANGUAGES),
  baseUrl: z.string().url().nullable(),
  author: z.string().trim().max(120),
  perPage: z.number().int().min(1).max(100),
  /** The username of the site on the fediverse: `@reviews@example.com`. */
  fediverseName: z.string().trim().toLowerCase().regex(/^[a-z0-9_]{1,30}$/, translatorFor('en').t('form.settings.fediverseName')),
})
export type SiteSettings = z.infer<typeof SiteSettings>

export const DEFAULT_RUBRIC = ['Story / Writing', 'Acting', 'Originality', 'Vibes', 'Impact'] as const

/** A new site's settings: the house format, so a pasted review imports with no setup. */
export const DEFAULT_SETTINGS: SiteSettings = Object.freeze({
  name: 'Dramalog',
  description: 'Reviews of TV dramas from everywhere, one facepalm at a time.',
  rubric: [...DEFAULT_RUBRIC],
  meter: { name: 'Facepalm Meter', symbol: '🤦', max: 5, direction: 'lower-is-better', unit: 'facepalms' },
  dateOrder: 'auto',
  language: 'en',
  baseUrl: null,
  author: 'The Dramalog reviewer',
  perPage: 12,
  fediverseName: 'reviews',
}) as SiteSettings
