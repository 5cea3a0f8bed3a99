import type { Kysely } from 'kysely'
import { dialectOf } from './dialect.ts'
import { sqliteSearchIndex, type SearchIndex } from './search.ts'
import { postgresSearchIndex } from './search-postgres.ts'

/** The search index of the database a connection or transaction talks to. */
export function searchIndexFor(db: Kysely<any>): SearchIndex {
  return dialectOf(db) === 'postgres' ? postgresSearchIndex : sqliteSearchIndex
}
