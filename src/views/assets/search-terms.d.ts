export function searchTerms(text: string): string[]
export function isPrefixTerm(term: string): boolean
export function shardOf(term: string): string
export function shardsFor(term: string, shards: string[]): string[]
export function docsChunkOf(id: number): number
