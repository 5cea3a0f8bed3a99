import { countryByCode } from '../domain/countries.ts'
import type { ReviewSummary } from '../domain/records.ts'
import type { ReviewRow } from './schema.ts'

// Its own module: the review store and the search index both map list rows, and import each other.

/** Maps a row holding `SUMMARY_COLUMNS` to what list pages show. */
export function toSummary(r: Pick<ReviewRow, (typeof SUMMARY_COLUMNS)[number]>): ReviewSummary {
  return {
    slug: r.slug,
    title: r.title,
    nativeTitle: r.native_title,
    year: r.year,
    origin: r.origin_code ? (countryByCode(r.origin_code)?.name ?? null) : null,
    originCode: r.origin_code,
    season: r.season,
    platform: r.platform,
    firstWatch: r.first_watch === null ? null : r.first_watch === 1,
    reviewedOn: r.reviewed_on,
    meter: r.meter_value === null || r.meter_max === null ? null : { value: r.meter_value, max: r.meter_max },
    hook: r.hook,
    headline: r.headline,
    language: r.language,
    poster: r.poster_src
      ? {
          src: r.poster_src,
          alt: r.poster_alt,
          image: r.poster_width && r.poster_height ? { width: r.poster_width, height: r.poster_height, color: r.poster_color } : null,
        }
      : null,
  }
}

/** The columns `toSummary` reads. */
export const SUMMARY_COLUMNS = [
  'slug', 'title', 'native_title', 'year', 'origin_code', 'season', 'platform', 'first_watch', 'reviewed_on',
  'meter_value', 'meter_max', 'hook', 'headline', 'language', 'poster_src', 'poster_alt', 'poster_width', 'poster_height', 'poster_color',
] as const
