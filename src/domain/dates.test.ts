import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { parseReviewDate, type DateParse } from './dates.ts'

const MONTHS = [
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
]

function ok(value: string): DateParse {
  return { ok: true, value }
}

function reasonOf(result: DateParse): string {
  if (result.ok) throw new Error(`expected a failure, got ${result.value}`)
  return result.reason
}

function ordinal(day: number): string {
  if (day >= 11 && day <= 13) return `${day}th`
  const suffix = ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[day % 10] ?? 'th'
  return `${day}${suffix}`
}

function pad(value: number): string {
  return String(value).padStart(2, '0')
}

describe('parseReviewDate accepted spellings', () => {
  it.each([
    '2025 04 Aug',
    '2025 Aug 04',
    '4 Aug 2025',
    '04 August 2025',
    'Aug 4, 2025',
    'August 4th, 2025',
    '4th of August 2025',
    '2025-08-04',
    '2025/08/04',
    '2025.08.04',
    '04.08.2025',
    '2025-8-4',
    '4 aug 2025',
    'AUGUST 4 2025',
    '4 AuGuSt, 2025',
    'Aug. 4, 2025',
    '4th August 2025',
    'August 4th 2025',
    '  4   Aug   2025  ',
    '4\u00a0Aug\u00a02025',
    '2025-08-04.',
    '4 Aug 2025.',
    'Monday, 4 Aug 2025',
    'Mon 4 Aug 2025',
    'Mon, Aug 4, 2025',
    'monday 2025-08-04',
    'Mon. 04.08.2025',
    '2025 - 08 - 04',
  ])('reads %j as 2025-08-04', (text) => {
    expect(parseReviewDate(text)).toEqual(ok('2025-08-04'))
  })

  it.each([
    ['4 Sept 2025', '2025-09-04'],
    ['4 Sep 2025', '2025-09-04'],
    ['Sept 4th, 2025', '2025-09-04'],
    ['1st March 2024', '2024-03-01'],
    ['2nd of May 2024', '2024-05-02'],
    ['3rd Dec 2024', '2024-12-03'],
    ['Sunday, 3 August 2025', '2025-08-03'],
    ['2025 31 Dec', '2025-12-31'],
    ['29 Feb 2024', '2024-02-29'],
    ['1 Jan 1900', '1900-01-01'],
    ['31 Dec 2100', '2100-12-31'],
  ])('reads %j as %s', (text, expected) => {
    expect(parseReviewDate(text)).toEqual(ok(expected))
  })
})

describe('parseReviewDate day and month order', () => {
  it('reads unambiguous slashed and dashed dates in auto mode', () => {
    expect(parseReviewDate('13/08/2025')).toEqual(ok('2025-08-13'))
    expect(parseReviewDate('08/13/2025')).toEqual(ok('2025-08-13'))
    expect(parseReviewDate('13-08-2025')).toEqual(ok('2025-08-13'))
    expect(parseReviewDate('08-13-2025')).toEqual(ok('2025-08-13'))
  })

  it('reads dates whose day and month are equal in auto mode', () => {
    expect(parseReviewDate('04/04/2025')).toEqual(ok('2025-04-04'))
    expect(parseReviewDate('07-07-2025')).toEqual(ok('2025-07-07'))
  })

  it('reads dotted dates day first in auto mode', () => {
    expect(parseReviewDate('04.08.2025')).toEqual(ok('2025-08-04'))
    expect(parseReviewDate('4.8.2025')).toEqual(ok('2025-08-04'))
  })

  it.each(['04/08/2025', '04-08-2025', '4/8/2025'])(
    'refuses %j in auto mode and points at the date order setting',
    (text) => {
      const reason = reasonOf(parseReviewDate(text))
      expect(reason).toBe(
        `ambiguous date "${text}": set the site's date order to day-month-year or month-day-year`,
      )
    },
  )

  it.each([
    ['04/08/2025', '2025-08-04', '2025-04-08'],
    ['04-08-2025', '2025-08-04', '2025-04-08'],
    ['04.08.2025', '2025-08-04', '2025-04-08'],
    ['04/04/2025', '2025-04-04', '2025-04-04'],
  ])('lets the setting decide %j', (text, dmy, mdy) => {
    expect(parseReviewDate(text, 'dmy')).toEqual(ok(dmy))
    expect(parseReviewDate(text, 'mdy')).toEqual(ok(mdy))
  })

  it('applies the setting even when auto would have guessed', () => {
    expect(parseReviewDate('13/08/2025', 'dmy')).toEqual(ok('2025-08-13'))
    expect(reasonOf(parseReviewDate('13/08/2025', 'mdy'))).toBe('no month 13 in "13/08/2025"')
  })

  it('never applies the setting to year-first or worded dates', () => {
    expect(parseReviewDate('2025-04-08', 'mdy')).toEqual(ok('2025-04-08'))
    expect(parseReviewDate('2025-04-08', 'dmy')).toEqual(ok('2025-04-08'))
    expect(parseReviewDate('4 Aug 2025', 'mdy')).toEqual(ok('2025-08-04'))
    expect(parseReviewDate('Aug 4, 2025', 'dmy')).toEqual(ok('2025-08-04'))
  })
})

describe('parseReviewDate rejections', () => {
  it.each([
    ['31 Feb 2025', 'February 2025 has no day 31'],
    ['29 Feb 2025', 'February 2025 has no day 29'],
    ['29 Feb 1900', 'February 1900 has no day 29'],
    ['31 April 2025', 'April 2025 has no day 31'],
    ['0 Aug 2025', 'August 2025 has no day 0'],
    ['2025-13-01', 'no month 13 in "2025-13-01"'],
    ['2025-00-10', 'no month 0 in "2025-00-10"'],
    ['31/02/2025', 'February 2025 has no day 31'],
    ['02/30/2025', 'February 2025 has no day 30'],
    ['4 Aug 1899', 'year 1899 is not between 1900 and 2100'],
    ['2101-01-01', 'year 2101 is not between 1900 and 2100'],
    ['04/08/25', 'two-digit year in "04/08/25": write the year in full'],
    ['4 Aug 25', 'two-digit year in "4 Aug 25": write the year in full'],
    ['Aug 4, 25', 'two-digit year in "Aug 4, 25": write the year in full'],
    ['next tuesday', 'not a date: "next tuesday"'],
    ['Aug 2025', 'not a date: "Aug 2025"'],
    ['4 Aug', 'not a date: "4 Aug"'],
    ['4 Smarch 2025', 'not a date: "4 Smarch 2025"'],
    ['2025-08', 'not a date: "2025-08"'],
    ['20250804', 'not a date: "20250804"'],
    ['4 Aug 2025 extra', 'not a date: "4 Aug 2025 extra"'],
    ['Aug 4th 5th 2025', 'not a date: "Aug 4th 5th 2025"'],
    ['4 Aug 2025th', 'not a date: "4 Aug 2025th"'],
    ['', 'no date given'],
    ['   ', 'no date given'],
  ])('rejects %j', (text, reason) => {
    expect(parseReviewDate(text)).toEqual({ ok: false, reason })
  })

  it('shortens long input in reasons', () => {
    const reason = reasonOf(parseReviewDate('x'.repeat(200)))
    expect(reason.length).toBeLessThan(60)
    expect(reason).toMatch(/^not a date: "x+…"$/)
  })

  it('writes reasons starting in lower case without a trailing full stop', () => {
    for (const text of ['31 Feb 2025', '04/08/2025', 'nope', '2025-13-01', '04/08/25']) {
      const reason = reasonOf(parseReviewDate(text))
      expect(reason).not.toMatch(/\.$/)
    }
    expect(reasonOf(parseReviewDate('nope'))).toMatch(/^[a-z]/)
  })
})

describe('parseReviewDate properties', () => {
  const anyDay = fc.date({
    min: new Date(Date.UTC(1900, 0, 1)),
    max: new Date(Date.UTC(2100, 11, 31, 23, 59, 59)),
    noInvalidDate: true,
  })

  it('reads common spellings of any date back to the same ISO value', () => {
    fc.assert(
      fc.property(anyDay, (date) => {
        const year = date.getUTCFullYear()
        const month = MONTHS[date.getUTCMonth()] ?? ''
        const day = date.getUTCDate()
        const iso = `${year}-${pad(date.getUTCMonth() + 1)}-${pad(day)}`
        const spellings = [
          iso,
          `${day} ${month.slice(0, 3)} ${year}`,
          `${month} ${ordinal(day)}, ${year}`,
          `${year} ${pad(day)} ${month.slice(0, 3)}`,
        ]
        for (const spelling of spellings) {
          expect(parseReviewDate(spelling)).toEqual(ok(iso))
        }
      }),
    )
  })

  it('never throws on arbitrary strings', () => {
    const orders = fc.constantFrom('auto' as const, 'dmy' as const, 'mdy' as const)
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), orders, (text, order) => {
        const result = parseReviewDate(text, order)
        expect(typeof result.ok).toBe('boolean')
      }),
    )
    // Any UTF-16 code unit, lone surrogates included, since pasted text can be malformed.
    const codeUnit = fc.nat(0xffff).map((code) => String.fromCharCode(code))
    fc.assert(
      fc.property(fc.string({ unit: codeUnit, maxLength: 40 }), (text) => {
        parseReviewDate(text)
      }),
    )
  })

  it('never throws on strings built from date-like pieces', () => {
    const piece = fc.constantFrom(
      '4',
      '04',
      '31',
      '2025',
      '25',
      'Aug',
      'sept',
      'of',
      'th',
      '4th',
      'Sunday',
      ',',
      '.',
      '/',
      '-',
      ' ',
      '\u00a0',
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const result = parseReviewDate(pieces.join(''))
        if (result.ok) expect(result.value).toMatch(/^\d{4}-\d{2}-\d{2}$/)
        else expect(result.reason.length).toBeGreaterThan(0)
      }),
    )
  })
})
