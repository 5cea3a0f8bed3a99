export function searchTerms(text: string): string[]
export function isPrefixTerm(term: string): boolean
export function shardOf(term: string): string
