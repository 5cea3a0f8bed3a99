import { describe, it, expect } from 'vitest'
import { COUNTRIES, countryByCode, findCountry } from './countries.ts'

describe('findCountry', () => {
  it.each([
    ['South Korea', 'KR'],
    ['Korea', 'KR'],
    ['Republic of Korea', 'KR'],
    ['S. Korea', 'KR'],
    ['ROK', 'KR'],
    ['South Korean', 'KR'],
    ['Korean', 'KR'],
    ['North Korea', 'KP'],
    ['DPRK', 'KP'],
    ['Japan', 'JP'],
    ['Japanese', 'JP'],
    ['China', 'CN'],
    ['PRC', 'CN'],
    ['Mainland China', 'CN'],
    ["People's Republic of China", 'CN'],
    ['Chinese', 'CN'],
    ['Taiwan', 'TW'],
    ['Republic of China', 'TW'],
    ['Taiwanese', 'TW'],
    ['Hong Kong', 'HK'],
    ['Macau', 'MO'],
    ['Macao', 'MO'],
    ['Thailand', 'TH'],
    ['Thai', 'TH'],
    ['Philippines', 'PH'],
    ['The Philippines', 'PH'],
    ['Filipino', 'PH'],
    ['Vietnam', 'VN'],
    ['Viet Nam', 'VN'],
    ['Turkey', 'TR'],
    ['Türkiye', 'TR'],
    ['turkiye', 'TR'],
    ['Turkish', 'TR'],
    ['United States', 'US'],
    ['USA', 'US'],
    ['United States of America', 'US'],
    ['America', 'US'],
    ['U.S.', 'US'],
    ['United Kingdom', 'GB'],
    ['UK', 'GB'],
    ['U.K.', 'GB'],
    ['Britain', 'GB'],
    ['Great Britain', 'GB'],
    ['England', 'GB'],
    ['Scotland', 'GB'],
    ['Wales', 'GB'],
    ['Ireland', 'IE'],
    ['Czech Republic', 'CZ'],
    ['Czechia', 'CZ'],
    ['UAE', 'AE'],
    ['United Arab Emirates', 'AE'],
    ['Mexico', 'MX'],
    ['México', 'MX'],
    ['Cote dIvoire', 'CI'],
  ])('finds %j as %s', (input, code) => {
    expect(findCountry(input)?.code).toBe(code)
  })

  it('ignores case, accents, punctuation and extra spaces', () => {
    expect(findCountry(' south   KOREA ')?.code).toBe('KR')
    expect(findCountry('south-korea')?.code).toBe('KR')
    expect(findCountry('SOUTH\u00a0KOREA')?.code).toBe('KR')
    expect(findCountry('TÜRKIYE')?.code).toBe('TR')
    expect(findCountry('u.s.a')?.code).toBe('US')
    expect(findCountry('  hong kong  ')?.code).toBe('HK')
    expect(findCountry('Hongkong')?.code).toBe('HK')
    expect(findCountry('the netherlands')?.code).toBe('NL')
    expect(findCountry('peoples republic of china')?.code).toBe('CN')
  })

  it.each(['kr', 'KR', 'Kr', ' jp ', 'tw', 'US', 'gb', 'tr'])('finds the code %j', (input) => {
    expect(findCountry(input)?.code).toBe(input.trim().toUpperCase())
  })

  it.each(['', '   ', 'Atlantis', 'Korea Republic People', 'XX', 'zz', '...', 'Koreaa'])(
    'returns undefined for %j',
    (input) => {
      expect(findCountry(input)).toBeUndefined()
    },
  )
})

describe('countryByCode', () => {
  it('finds codes in any case', () => {
    expect(countryByCode('KR')?.name).toBe('South Korea')
    expect(countryByCode('kr')?.name).toBe('South Korea')
    expect(countryByCode('jP')?.name).toBe('Japan')
    expect(countryByCode(' gb ')?.name).toBe('United Kingdom')
  })

  it('returns undefined for unknown codes and for names', () => {
    expect(countryByCode('XX')).toBeUndefined()
    expect(countryByCode('UK')).toBeUndefined()
    expect(countryByCode('')).toBeUndefined()
    expect(countryByCode('Korea')).toBeUndefined()
  })
})

describe('COUNTRIES', () => {
  it('covers at least 70 countries', () => {
    expect(COUNTRIES.length).toBeGreaterThanOrEqual(70)
  })

  it('uses unique upper-case alpha-2 codes', () => {
    const codes = COUNTRIES.map((country) => country.code)
    for (const code of codes) expect(code).toMatch(/^[A-Z]{2}$/)
    expect(new Set(codes).size).toBe(codes.length)
  })

  it('has unique names', () => {
    const names = COUNTRIES.map((country) => country.name)
    expect(new Set(names).size).toBe(names.length)
  })

  it('resolves every name, alias and code to its own country', () => {
    for (const country of COUNTRIES) {
      for (const label of [country.name, ...country.aliases, country.code]) {
        expect(findCountry(label), `${label} should be ${country.code}`).toBe(country)
        expect(findCountry(label.toLowerCase()), `${label} should be ${country.code}`).toBe(country)
      }
      expect(countryByCode(country.code)).toBe(country)
    }
  })

  it('cannot be changed by callers', () => {
    expect(Object.isFrozen(COUNTRIES)).toBe(true)
    for (const country of COUNTRIES) {
      expect(Object.isFrozen(country)).toBe(true)
      expect(Object.isFrozen(country.aliases)).toBe(true)
    }
  })
})
