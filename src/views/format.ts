import type { ReviewSummary } from '../domain/records.ts'

const LONG_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })

// Formatting a date costs microseconds and lists repeat dates: keep what was formatted (bounded).
const formatted = new Map<string, string>()

/** `2024-03-17` → `17 March 2024`. */
export function formatDate(iso: string): string {
  let text = formatted.get(iso)
  if (text === undefined) {
    text = LONG_DATE.format(new Date(`${iso}T00:00:00Z`))
    if (formatted.size >= 20_000) formatted.clear()
    formatted.set(iso, text)
  }
  return text
}

/** The short facts line of a card: `South Korea · 2024 · Netflix`. */
export function factsLine(r: Pick<ReviewSummary, 'origin' | 'year' | 'platform'>): string {
  return [r.origin, r.year, r.platform].filter(Boolean).join(' · ')
}
