import type { Kysely } from 'kysely'

// The language a review is written in (a BCP 47 tag), null when not said: pages then take the
// review to be in the site's language.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reviews').addColumn('language', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reviews').dropColumn('language').execute()
}
