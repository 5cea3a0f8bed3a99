import { describe, expect, it } from 'vitest'
import { CATALOGUES, canonicalLanguageTag, isSameLanguage, placeholdersOf, SITE_LANGUAGES, translatorFor, type MessageKey } from './i18n.ts'
import { en } from './messages/en.ts'
import { parseReviewDate } from './dates.ts'
import { parseDiaryEntry } from './diary.ts'
import { ReviewDocument } from './review.ts'
import { DEFAULT_SETTINGS, SiteSettings } from './settings.ts'

const keys = Object.keys(en).sort() as MessageKey[]

describe('message catalogues', () => {
  it.each(['ko', 'ja'] as const)('%s has exactly the keys of the English catalogue', (lang) => {
    expect(Object.keys(CATALOGUES[lang]).sort()).toEqual(keys)
  })

  it.each(['ko', 'ja'] as const)('%s uses the same {placeholders} as English in every message', (lang) => {
    const differing = keys.filter((k) => placeholdersOf(CATALOGUES[lang][k]).join() !== placeholdersOf(en[k]).join())
    expect(differing).toEqual([])
  })

  it.each(SITE_LANGUAGES)('%s gives every plural message the forms its language needs', (lang) => {
    const needed = new Intl.PluralRules(lang).resolvedOptions().pluralCategories
    for (const k of keys) {
      const m = CATALOGUES[lang][k]
      if (typeof m === 'object') for (const category of needed) expect([k, category, category in m || category === 'other' ? 'ok' : 'missing']).toEqual([k, category, 'ok'])
    }
  })

  it('has words in Korean and Japanese, not English left behind', () => {
    // Messages that are the same in every language: placeholders and punctuation only, or names.
    const shared = new Set<MessageKey>(['index.itemCount', 'browse.person', 'search.hintFilters', 'yir.leadJoin', 'staticSearch.comma', 'search.placeholder', 'search.quoted', 'yir.leadSentence', 'import.format.md'])
    for (const lang of ['ko', 'ja'] as const) {
      const untranslated = keys.filter((k) => !shared.has(k) && JSON.stringify(CATALOGUES[lang][k]) === JSON.stringify(en[k]))
      expect([lang, untranslated]).toEqual([lang, []])
    }
  })
})

describe('translatorFor', () => {
  it('fills placeholders and picks plural forms by count', () => {
    const { t } = translatorFor('en')
    expect(t('count.reviews', { count: 1 })).toBe('1 review')
    expect(t('count.reviews', { count: 1234 })).toBe('1,234 reviews')
    expect(translatorFor('ko').t('count.reviews', { count: 3 })).toBe('리뷰 3편')
    expect(translatorFor('ja').t('count.reviews', { count: 1 })).toBe('レビュー1件')
  })

  it('formats dates with Intl in the language of the site', () => {
    expect(translatorFor('en').date('2024-03-17')).toBe('17 March 2024')
    expect(translatorFor('ko').date('2024-03-17')).toBe('2024년 3월 17일')
    expect(translatorFor('ja').date('2024-03-17')).toBe('2024年3月17日')
    expect(translatorFor('ko').monthYear('2025-03-01')).toBe('2025년 3월')
    expect(translatorFor('ja').shortMonth(3)).toBe('3月')
  })

  it('finds the message English text was made from, parameters and all', () => {
    const en = translatorFor('en').t
    const ko = translatorFor('ko')
    expect(ko.fromEnglish(en('form.comment.nameMissing'))).toBe('이름을 입력해 주세요.')
    expect(ko.fromEnglish(en('form.comment.bodyTooLong', { max: 5000 }))).toBe('5,000자 이내로 써 주세요.')
    expect(translatorFor('ja').fromEnglish(en('form.comment.rateLimitedWait', { count: 1 }))).toContain('1分ほど')
    expect(ko.fromEnglish('Some text from nowhere.')).toBe('Some text from nowhere.')
  })

  it('has every field error the review, diary and settings checks write', () => {
    const written = new Set<string>()
    const collect = (r: { success: true } | { success: false; error: { issues: { message: string }[] } }) => {
      if (!r.success) for (const i of r.error.issues) written.add(i.message)
    }
    collect(ReviewDocument.safeParse({
      title: '', slug: 'Not A Slug', year: 1800, season: 100, episodes: 0, language: 'no such tag!', origin: 'Atlantis',
      reviewedOn: '2024-02-30', headline: 'two\nlines', links: [{ site: 'IMDb', url: 'ftp://example.com' }], poster: { src: 'javascript:alert(1)' },
      meter: { value: 6, max: 5 }, tags: Array.from({ length: 51 }, (_, i) => `tag${i}`), publishedAt: 'soon', status: 'gone',
    }))
    collect(ReviewDocument.safeParse({ title: 'x'.repeat(201), reviewedOn: '17 March 2024' }))
    collect(SiteSettings.safeParse({ ...DEFAULT_SETTINGS, name: '', rubric: ['Acting', 'acting'], meter: { ...DEFAULT_SETTINGS.meter, max: 99, unit: '' }, baseUrl: 'not an address', perPage: Number.NaN }))
    collect(SiteSettings.safeParse({ ...DEFAULT_SETTINGS, rubric: [], meter: { ...DEFAULT_SETTINGS.meter, direction: 'sideways' } }))
    const diary = (raw: Record<string, unknown>) => {
      const r = parseDiaryEntry(raw, 5)
      if (!r.ok) for (const i of r.issues) written.add(i.message)
    }
    diary({ title: '', origin: 'Atlantis', startedOn: 'soon', episodesWatched: '-1', episodesTotal: 'many', meter: '1.5', reviewSlug: '!!', note: 'x'.repeat(3000), platform: 'x'.repeat(100) })
    diary({ title: 'x', status: 'finished', startedOn: '2024-05-02', finishedOn: '2024-05-01', episodesWatched: '20', episodesTotal: '16' })
    diary({ title: 'x', status: 'planned', finishedOn: '2024-05-01', episodesWatched: '99999' })
    for (const date of ['', 'soon', '03/04/2024', '1700-01-01', '30 February 2024', '3/4/24', '2024-13-01'])  {
      const r = parseReviewDate(date)
      if (!r.ok) written.add(r.reason)
    }
    // The review form's own checks (src/formats/review-form.ts).
    for (const m of ['must be a whole number', 'must be a number', 'must be a date and time', 'a scheduled review needs the time to publish it', "is over the Facepalm Meter's maximum of 5"]) written.add(m)

    expect(written.size).toBeGreaterThan(30)
    for (const lang of ['ko', 'ja'] as const) {
      const untranslated = [...written].filter((m) => translatorFor(lang).fromEnglish(m) === m)
      expect(untranslated, lang).toEqual([])
    }
    expect(translatorFor('ko').fromEnglish('must be at most 200 characters')).toBe('200자 이하로 입력해 주세요.')
    expect(translatorFor('ja').fromEnglish('Too big: expected number to be <=10')).toBe('10以下にしてください。')
    expect(translatorFor('en').fromEnglish('must be at most 200 characters')).toBe('must be at most 200 characters')
  })
})

describe('language tags', () => {
  it('keeps tags in their canonical spelling and refuses what is not one', () => {
    expect(canonicalLanguageTag('ko-kr')).toBe('ko-KR')
    expect(canonicalLanguageTag('JA')).toBe('ja')
    expect(canonicalLanguageTag('zh-hant-tw')).toBe('zh-Hant-TW')
    expect(canonicalLanguageTag('not a tag')).toBeNull()
    expect(canonicalLanguageTag('')).toBeNull()
  })

  it('compares a tag with the site language by its primary language', () => {
    expect(isSameLanguage('ko-KR', 'ko')).toBe(true)
    expect(isSameLanguage('ja', 'en')).toBe(false)
  })
})
