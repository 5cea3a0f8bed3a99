export type DateOrder = 'auto' | 'dmy' | 'mdy'
export type DateParse = { ok: true; value: string } | { ok: false; reason: string }

const MIN_YEAR = 1900
const MAX_YEAR = 2100
const MAX_QUOTED_LENGTH = 40

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const

const MONTHS: ReadonlyMap<string, number> = buildMonthLookup()

// Longer spellings come first so the alternation never stops at a prefix.
const LEADING_WEEKDAY =
  /^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tues|thurs|thur|weds|mon|tue|wed|thu|fri|sat|sun)\.?(?: ?, ?| )/

const NUMERIC = /^(\d+)([-/.])(\d+)\2(\d+)$/
const NUMBER_WORD = /^(\d+)(st|nd|rd|th)?$/

type Ymd = { year: number; month: number; day: number }
type NumberWord = { kind: 'number'; digits: string; ordinal: boolean }
type MonthWord = { kind: 'month'; month: number }
type Word = NumberWord | MonthWord
type Reading = { kind: 'date'; date: Ymd } | { kind: 'short-year' } | { kind: 'unknown' }

/** Parses a review date as bloggers write it into an ISO `YYYY-MM-DD` string. */
export function parseReviewDate(text: string, order: DateOrder = 'auto'): DateParse {
  const shown = String(text).replace(/[\s\u200b]+/g, ' ').trim()
  const quoted = quote(shown)
  if (shown === '') return fail('no date given')

  const cleaned = shown
    .toLowerCase()
    .replace(/\.$/, '')
    .trim()
    .replace(LEADING_WEEKDAY, '')
    .replace(/(\d) ?([-/.]) ?(?=\d)/g, '$1$2')

  const numeric = NUMERIC.exec(cleaned)
  if (numeric) return fromNumbers(numeric, order, quoted)

  const reading = fromWords(cleaned)
  if (reading.kind === 'date') return checked(reading.date, quoted)
  if (reading.kind === 'short-year') return shortYear(quoted)
  return fail(`not a date: ${quoted}`)
}

function fromNumbers(match: RegExpExecArray, order: DateOrder, quoted: string): DateParse {
  const [, first = '', separator = '', second = '', third = ''] = match
  const a = Number(first)
  const b = Number(second)
  const c = Number(third)

  if (first.length === 4 && second.length <= 2 && third.length <= 2) {
    return checked({ year: a, month: b, day: c }, quoted)
  }
  if (first.length > 2 || second.length > 2) return fail(`not a date: ${quoted}`)
  if (third.length === 2) return shortYear(quoted)
  if (third.length !== 4) return fail(`not a date: ${quoted}`)

  const dayFirst: Ymd = { year: c, month: b, day: a }
  const monthFirst: Ymd = { year: c, month: a, day: b }
  if (order === 'dmy') return checked(dayFirst, quoted)
  if (order === 'mdy') return checked(monthFirst, quoted)

  // Dots are the European habit, so a dotted date is read day first even when both parts could be months.
  if (a === b || separator === '.') return checked(dayFirst, quoted)
  const dayFirstFits = plausible(dayFirst)
  const monthFirstFits = plausible(monthFirst)
  if (dayFirstFits && monthFirstFits) {
    return fail(
      `ambiguous date ${quoted}: set the site's date order to day-month-year or month-day-year`,
    )
  }
  return checked(monthFirstFits ? monthFirst : dayFirst, quoted)
}

function fromWords(text: string): Reading {
  const unknown: Reading = { kind: 'unknown' }
  const parts = text
    .split(/[ ,/-]+/)
    .map((part) => part.replace(/\.$/, ''))
    .filter((part) => part !== '' && part !== 'of')
  if (parts.length !== 3) return unknown

  const words: Word[] = []
  for (const part of parts) {
    const word = readWord(part)
    if (!word) return unknown
    words.push(word)
  }

  const monthAt = words.findIndex((word) => word.kind === 'month')
  const month = words[monthAt]
  const numbers = words.filter((word): word is NumberWord => word.kind === 'number')
  const [first, second] = numbers
  if (!month || month.kind !== 'month' || !first || !second || numbers.length !== 2) return unknown

  let year: NumberWord
  let day: NumberWord
  if (monthAt === 0) [day, year] = [first, second]
  else if (monthAt === 2) [year, day] = [first, second]
  else [year, day] = first.digits.length === 4 ? [first, second] : [second, first]

  if (day.digits.length > 2 || year.ordinal) return unknown
  if (year.digits.length === 2) return { kind: 'short-year' }
  if (year.digits.length !== 4) return unknown
  return {
    kind: 'date',
    date: { year: Number(year.digits), month: month.month, day: Number(day.digits) },
  }
}

function readWord(part: string): Word | undefined {
  const month = MONTHS.get(part)
  if (month !== undefined) return { kind: 'month', month }
  const number = NUMBER_WORD.exec(part)
  if (!number || number[1] === undefined) return undefined
  return { kind: 'number', digits: number[1], ordinal: number[2] !== undefined }
}

function checked(date: Ymd, quoted: string): DateParse {
  const { year, month, day } = date
  if (year < MIN_YEAR || year > MAX_YEAR) {
    return fail(`year ${year} is not between ${MIN_YEAR} and ${MAX_YEAR}`)
  }
  const monthName = MONTH_NAMES[month - 1]
  if (monthName === undefined) return fail(`no month ${month} in ${quoted}`)
  if (day < 1 || day > daysInMonth(year, month)) {
    return fail(`${monthName} ${year} has no day ${day}`)
  }
  return { ok: true, value: `${year}-${pad(month)}-${pad(day)}` }
}

function plausible(date: Ymd): boolean {
  return date.month >= 1 && date.month <= 12 && date.day >= 1 && date.day <= 31
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

function buildMonthLookup(): Map<string, number> {
  const lookup = new Map<string, number>()
  MONTH_NAMES.forEach((name, index) => {
    lookup.set(name.toLowerCase(), index + 1)
    lookup.set(name.slice(0, 3).toLowerCase(), index + 1)
  })
  lookup.set('sept', 9)
  return lookup
}

function shortYear(quoted: string): DateParse {
  return fail(`two-digit year in ${quoted}: write the year in full`)
}

function quote(text: string): string {
  const clipped = text.length > MAX_QUOTED_LENGTH ? `${text.slice(0, MAX_QUOTED_LENGTH)}…` : text
  return `"${clipped}"`
}

function pad(value: number): string {
  return String(value).padStart(2, '0')
}

function fail(reason: string): DateParse {
  return { ok: false, reason }
}
