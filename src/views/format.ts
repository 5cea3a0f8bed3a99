import type { Child } from 'hono/jsx'
import type { ReviewSummary } from '../domain/records.ts'

/** The short facts line of a card: `South Korea · 2024 · Netflix`. */
export function factsLine(r: Pick<ReviewSummary, 'origin' | 'year' | 'platform'>): string {
  return [r.origin, r.year, r.platform].filter(Boolean).join(' · ')
}

/**
 * A translated message with markup in it: each `{name}` left in `text` becomes `parts[name]`, so
 * a language can put a link or code where its word order needs it.
 * @example rich(t('home.empty'), { command: <code>dramalog import</code> })
 */
export function rich(text: string, parts: Record<string, Child>): Child[] {
  return text.split(/\{([a-zA-Z][a-zA-Z0-9]*)\}/).map((piece, i) => (i % 2 === 1 ? (parts[piece] ?? `{${piece}}`) : piece))
}
