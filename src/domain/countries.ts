export type Country = { code: string; name: string; aliases: readonly string[] }

/** Countries known to the site, with ISO 3166-1 alpha-2 codes (upper case) and English short names. */
export const COUNTRIES: readonly Country[] = Object.freeze(
  [
    // East and South-East Asia, where most of the dramas reviewed here come from.
    country('KR', 'South Korea', [
      'Korea',
      'Republic of Korea',
      'Korea, Republic of',
      'S. Korea',
      'ROK',
      'South Korean',
      'Korean',
    ]),
    country('KP', 'North Korea', [
      'DPRK',
      "Democratic People's Republic of Korea",
      "Korea, Democratic People's Republic of",
      'N. Korea',
      'North Korean',
    ]),
    country('JP', 'Japan', ['Japanese', 'Nippon']),
    country('CN', 'China', [
      'PRC',
      'Mainland China',
      "People's Republic of China",
      'Chinese',
      'P.R. China',
    ]),
    country('TW', 'Taiwan', ['Republic of China', 'Taiwanese', 'Chinese Taipei']),
    country('HK', 'Hong Kong', ['Hong Kong SAR', 'Hongkong', 'Hong Kong, China']),
    country('MO', 'Macao', ['Macau', 'Macao SAR', 'Macau SAR']),
    country('MN', 'Mongolia', ['Mongolian']),
    country('TH', 'Thailand', ['Thai']),
    country('PH', 'Philippines', ['The Philippines', 'Filipino', 'Pilipinas']),
    country('VN', 'Vietnam', ['Viet Nam', 'Vietnamese']),
    country('ID', 'Indonesia', ['Indonesian']),
    country('MY', 'Malaysia', ['Malaysian']),
    country('SG', 'Singapore', ['Singaporean']),
    country('MM', 'Myanmar', ['Burma']),
    country('KH', 'Cambodia', ['Cambodian']),
    country('LA', 'Laos', ['Lao PDR', "Lao People's Democratic Republic"]),
    country('BN', 'Brunei', ['Brunei Darussalam']),

    // South and Central Asia.
    country('IN', 'India', ['Indian', 'Bharat']),
    country('PK', 'Pakistan', ['Pakistani']),
    country('BD', 'Bangladesh', ['Bangladeshi']),
    country('LK', 'Sri Lanka', ['Ceylon']),
    country('NP', 'Nepal', []),
    country('BT', 'Bhutan', []),
    country('KZ', 'Kazakhstan', []),
    country('UZ', 'Uzbekistan', []),

    // Middle East and the Caucasus.
    country('TR', 'Turkey', ['Türkiye', 'Turkiye', 'Turkish']),
    country('IL', 'Israel', ['Israeli']),
    country('IR', 'Iran', ['Islamic Republic of Iran', 'Iran, Islamic Republic of', 'Persia']),
    country('IQ', 'Iraq', []),
    country('JO', 'Jordan', []),
    country('LB', 'Lebanon', []),
    country('SY', 'Syria', ['Syrian Arab Republic']),
    country('SA', 'Saudi Arabia', ['KSA', 'Kingdom of Saudi Arabia']),
    country('AE', 'United Arab Emirates', ['UAE', 'U.A.E.', 'Emirates']),
    country('QA', 'Qatar', []),
    country('KW', 'Kuwait', []),
    country('GE', 'Georgia', []),
    country('AM', 'Armenia', []),
    country('AZ', 'Azerbaijan', []),

    // Europe.
    country('GB', 'United Kingdom', [
      'UK',
      'U.K.',
      'Britain',
      'Great Britain',
      'England',
      'Scotland',
      'Wales',
      'Northern Ireland',
      'British',
      'United Kingdom of Great Britain and Northern Ireland',
    ]),
    country('IE', 'Ireland', ['Republic of Ireland', 'Éire', 'Irish']),
    country('FR', 'France', ['French']),
    country('DE', 'Germany', ['Deutschland', 'German']),
    country('ES', 'Spain', ['España', 'Spanish']),
    country('IT', 'Italy', ['Italia', 'Italian']),
    country('PT', 'Portugal', ['Portuguese']),
    country('NL', 'Netherlands', ['The Netherlands', 'Holland', 'Dutch']),
    country('BE', 'Belgium', ['Belgian']),
    country('LU', 'Luxembourg', []),
    country('DK', 'Denmark', ['Danish']),
    country('SE', 'Sweden', ['Swedish']),
    country('NO', 'Norway', ['Norwegian']),
    country('FI', 'Finland', ['Finnish']),
    country('IS', 'Iceland', ['Icelandic']),
    country('PL', 'Poland', ['Polish']),
    country('CZ', 'Czechia', ['Czech Republic', 'Czech']),
    country('SK', 'Slovakia', ['Slovak Republic']),
    country('AT', 'Austria', ['Austrian']),
    country('CH', 'Switzerland', ['Swiss']),
    country('HU', 'Hungary', ['Hungarian']),
    country('GR', 'Greece', ['Hellas', 'Greek']),
    country('RU', 'Russia', ['Russian Federation', 'Russian']),
    country('UA', 'Ukraine', ['Ukrainian']),
    country('BY', 'Belarus', []),
    country('RO', 'Romania', ['Romanian']),
    country('BG', 'Bulgaria', ['Bulgarian']),
    country('RS', 'Serbia', ['Serbian']),
    country('HR', 'Croatia', ['Hrvatska', 'Croatian']),
    country('SI', 'Slovenia', []),
    country('BA', 'Bosnia and Herzegovina', ['Bosnia & Herzegovina', 'Bosnia']),
    country('EE', 'Estonia', []),
    country('LV', 'Latvia', []),
    country('LT', 'Lithuania', []),
    country('CY', 'Cyprus', []),
    country('MT', 'Malta', []),

    // Africa.
    country('EG', 'Egypt', ['Egyptian']),
    country('MA', 'Morocco', []),
    country('DZ', 'Algeria', []),
    country('TN', 'Tunisia', []),
    country('NG', 'Nigeria', ['Nigerian']),
    country('GH', 'Ghana', []),
    country('SN', 'Senegal', []),
    country('CI', "Côte d'Ivoire", ['Ivory Coast']),
    country('ET', 'Ethiopia', []),
    country('KE', 'Kenya', ['Kenyan']),
    country('UG', 'Uganda', []),
    country('TZ', 'Tanzania', ['United Republic of Tanzania']),
    country('ZA', 'South Africa', ['South African', 'RSA']),

    // The Americas.
    country('US', 'United States', [
      'USA',
      'U.S.',
      'U.S.A.',
      'United States of America',
      'America',
      'American',
    ]),
    country('CA', 'Canada', ['Canadian']),
    country('MX', 'Mexico', ['México', 'Mexican']),
    country('CU', 'Cuba', []),
    country('DO', 'Dominican Republic', []),
    country('PR', 'Puerto Rico', []),
    country('BR', 'Brazil', ['Brasil', 'Brazilian']),
    country('AR', 'Argentina', ['Argentine', 'Argentinian']),
    country('CO', 'Colombia', ['Colombian']),
    country('CL', 'Chile', ['Chilean']),
    country('PE', 'Peru', ['Perú', 'Peruvian']),
    country('VE', 'Venezuela', ['Venezuelan']),
    country('EC', 'Ecuador', []),
    country('BO', 'Bolivia', []),
    country('UY', 'Uruguay', []),

    // Oceania.
    country('AU', 'Australia', ['Australian']),
    country('NZ', 'New Zealand', ['Aotearoa']),
    country('FJ', 'Fiji', []),
  ],
)

const BY_CODE: ReadonlyMap<string, Country> = new Map(COUNTRIES.map((entry) => [entry.code, entry]))
const BY_NAME: ReadonlyMap<string, Country> = buildNameLookup()

/** Finds a country by English name, alias or alpha-2 code, ignoring case, accents, punctuation and extra spaces. */
export function findCountry(input: string): Country | undefined {
  const key = lookupKey(input)
  if (key === '') return undefined
  return BY_NAME.get(key) ?? (key.length === 2 ? BY_CODE.get(key.toUpperCase()) : undefined)
}

/** Finds a country by its alpha-2 code in any case. */
export function countryByCode(code: string): Country | undefined {
  return BY_CODE.get(String(code).trim().toUpperCase())
}

function country(code: string, name: string, aliases: readonly string[]): Country {
  return Object.freeze({ code, name, aliases: Object.freeze([...aliases]) })
}

function buildNameLookup(): Map<string, Country> {
  const lookup = new Map<string, Country>()
  for (const entry of COUNTRIES) {
    for (const label of [entry.name, ...entry.aliases]) {
      const key = lookupKey(label)
      // First entry wins so a clash shows up in tests as an alias resolving to the wrong country.
      if (!lookup.has(key)) lookup.set(key, entry)
    }
  }
  return lookup
}

// Spaces are dropped rather than collapsed so "Hong Kong", "Hong-Kong" and "Hongkong" all meet.
function lookupKey(text: string): string {
  return String(text)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .trim()
    .replace(/^the\s+/, '')
    .replace(/[^\p{L}\p{N}]+/gu, '')
}
