import { en } from './messages/en.ts'
import { ja } from './messages/ja.ts'
import { ko } from './messages/ko.ts'

/** The languages a site's interface comes in; English is the source of every message. */
export const SITE_LANGUAGES = ['en', 'ko', 'ja'] as const
export type SiteLanguage = (typeof SITE_LANGUAGES)[number]

/** Each language's own name, as its speakers write it (the settings page lists them). */
export const LANGUAGE_NAMES: Record<SiteLanguage, string> = { en: 'English', ko: '한국어', ja: '日本語' }

/**
 * A message whose words depend on a count: one text per plural category of the language
 * (`Intl.PluralRules`), chosen by the `count` parameter. `other` is always there.
 */
export type PluralMessage = { readonly other: string } & Partial<Record<Exclude<Intl.LDMLPluralRule, 'other'>, string>>
export type Message = string | PluralMessage

export type MessageKey = keyof typeof en
/** A catalogue in another language: every key of the English one, nothing else. */
export type Catalogue = { readonly [K in MessageKey]: Message }
export type MessageParams = Readonly<Record<string, string | number>>

export const CATALOGUES: Readonly<Record<SiteLanguage, Catalogue>> = { en, ko, ja }

/** Tags for Intl by site language; English dates keep the day-month-year order of the house style. */
const DATE_LOCALES: Record<SiteLanguage, string> = { en: 'en-GB', ko: 'ko-KR', ja: 'ja-JP' }

/** The interface of a site in one language: messages, numbers and dates. */
export type Translator = {
  readonly lang: SiteLanguage
  /** The message `key` with its `{placeholders}` filled; a `count` picks the plural form. Numbers are formatted for the language. */
  t: (key: MessageKey, params?: MessageParams) => string
  /** `1234` → `1,234`. */
  number: (n: number) => string
  /** `2024-03-17` → `17 March 2024`, `2024년 3월 17일`, `2024年3月17日`. */
  date: (iso: string) => string
  /** `2024-03-17` → `17 March`, `3월 17일`, `3月17日`. */
  dayMonth: (iso: string) => string
  /** `2024-03` or a full date → `March 2024`. */
  monthYear: (iso: string) => string
  /** Month 1–12 → `Mar`, `3월`, `3月`. */
  shortMonth: (month: number) => string
  /** Month 1–12 → `March`, `3월`, `3月`. */
  longMonth: (month: number) => string
  /**
   * Text that the lower layers wrote in English from the English catalogue's `form.` messages (a form error, say), in
   * this language: the English message it was made from is found, with its parameters, and this
   * language's message filled with them. Text from no message comes back as it is.
   */
  fromEnglish: (text: string) => string
}

const PLACEHOLDER = /\{([a-zA-Z][a-zA-Z0-9]*)\}/g

/** The names of the `{placeholders}` of a message, over all its plural forms, sorted. */
export function placeholdersOf(message: Message): string[] {
  const texts = typeof message === 'string' ? [message] : Object.values(message)
  return [...new Set(texts.flatMap((t) => [...t.matchAll(PLACEHOLDER)].map((m) => m[1]!)))].sort()
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

// Each English text of a `form.` message (the messages other layers write for readers and
// editors) as a pattern that gives back its parameters, made on first use.
let englishPatterns: { key: MessageKey; pattern: RegExp; names: string[] }[] | null = null
function matchEnglish(text: string): { key: MessageKey; params: Record<string, string> } | null {
  englishPatterns ??= (Object.keys(en) as MessageKey[]).filter((key) => key.startsWith('form.')).flatMap((key) => {
    const message: Message = en[key]
    return (typeof message === 'string' ? [message] : Object.values(message)).map((form) => {
      const names: string[] = []
      const source = form.split(PLACEHOLDER).map((piece, i) => {
        if (i % 2 === 0) return escapeRegExp(piece)
        names.push(piece)
        return '(.+?)'
      })
      return { key, pattern: new RegExp(`^${source.join('')}$`, 's'), names }
    })
  })
  for (const { key, pattern, names } of englishPatterns) {
    const m = pattern.exec(text)
    if (m) return { key, params: Object.fromEntries(names.map((n, i) => [n, m[i + 1]!])) }
  }
  return null
}

const utc = (iso: string) => new Date(`${iso.slice(0, 10).padEnd(10, '-01').slice(0, 10)}T00:00:00Z`)

function makeTranslator(lang: SiteLanguage): Translator {
  const catalogue = CATALOGUES[lang]
  const plurals = new Intl.PluralRules(lang)
  const numbers = new Intl.NumberFormat(lang)
  const locale = DATE_LOCALES[lang]
  const long = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
  const dayMonth = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', timeZone: 'UTC' })
  const monthYear = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' })
  const shortMonth = new Intl.DateTimeFormat(locale, { month: 'short', timeZone: 'UTC' })
  const longMonth = new Intl.DateTimeFormat(locale, { month: 'long', timeZone: 'UTC' })
  // Dates repeat across list pages; formatting one costs microseconds, so keep them (bounded).
  const dates = new Map<string, string>()
  const month = (f: Intl.DateTimeFormat, m: number) => f.format(new Date(Date.UTC(2000, m - 1, 1)))
  const t = (key: MessageKey, params: MessageParams = {}): string => {
    const message: Message = catalogue[key]
    let text: string
    if (typeof message === 'string') text = message
    else {
      const count = params.count
      const category = typeof count === 'number' ? plurals.select(count) : 'other'
      text = message[category] ?? message.other
    }
    return text.replace(PLACEHOLDER, (whole, name: string) => {
      const value = params[name]
      if (value === undefined) return whole
      return typeof value === 'number' ? numbers.format(value) : value
    })
  }
  return {
    lang,
    t,
    number: (n) => numbers.format(n),
    date: (iso) => {
      let text = dates.get(iso)
      if (text === undefined) {
        text = long.format(utc(iso))
        if (dates.size >= 20_000) dates.clear()
        dates.set(iso, text)
      }
      return text
    },
    dayMonth: (iso) => dayMonth.format(utc(iso)),
    monthYear: (iso) => monthYear.format(utc(iso)),
    shortMonth: (m) => month(shortMonth, m),
    longMonth: (m) => month(longMonth, m),
    fromEnglish: (text) => {
      if (lang === 'en') return text
      const found = matchEnglish(text)
      if (!found) return text
      // A count written out in English comes back as a number, so the plural form is chosen by it.
      const count = found.params.count
      const params = count !== undefined && /^[\d,]+$/.test(count) ? { ...found.params, count: Number(count.replace(/,/g, '')) } : found.params
      return t(found.key, params)
    },
  }
}

const translators = new Map<SiteLanguage, Translator>()

/** The translator of a language (one per language, made on first use). */
export function translatorFor(lang: SiteLanguage | undefined): Translator {
  const l = lang ?? 'en'
  let tr = translators.get(l)
  if (!tr) translators.set(l, (tr = makeTranslator(l)))
  return tr
}

/** Whether `key` names a message (text that may be a key or already words, such as a stored error). */
export const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(en, key)

/**
 * A BCP 47 language tag in its canonical spelling (`ko-kr` → `ko-KR`), or null when it is not one.
 * @example canonicalLanguageTag('JA') // 'ja'
 */
export function canonicalLanguageTag(tag: string): string | null {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag.trim())
    return canonical ?? null
  } catch {
    return null
  }
}

/** Whether text in language `tag` is in the site's language (`ko-KR` on a Korean site is). */
export function isSameLanguage(tag: string, site: SiteLanguage): boolean {
  return tag.split('-')[0]!.toLowerCase() === site
}
