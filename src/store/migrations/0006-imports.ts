import type { Kysely } from 'kysely'

// Where imported records came from, so a second import of the same export updates or skips them
// instead of adding copies; and a case-folded key for tag and person names. SQLite's lower() folds
// ASCII only, so "Élise" and "élise" were two people; the key is folded by JavaScript, fully.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reviews').addColumn('source_id', 'text').execute()
  await db.schema.alterTable('reviews').addColumn('source_url', 'text').execute()
  await db.schema.createIndex('reviews_source').unique().on('reviews').column('source_id').execute()
  await db.schema.alterTable('comments').addColumn('source_id', 'text').execute()
  await db.schema.createIndex('comments_source').unique().on('comments').columns(['review_id', 'source_id']).execute()
  await db.schema.alterTable('diary_entries').addColumn('source_id', 'text').execute()
  await db.schema.createIndex('diary_entries_source').unique().on('diary_entries').column('source_id').execute()
  for (const table of ['tags', 'people'] as const) {
    await db.schema.alterTable(table).addColumn('name_key', 'text', (c) => c.notNull().defaultTo('')).execute()
    const rows = await db.selectFrom(table).select(['id', 'name']).execute()
    for (const r of rows) await db.updateTable(table).set({ name_key: nameKey(String(r.name)) }).where('id', '=', r.id).execute()
    await db.schema.createIndex(`${table}_name_key`).on(table).column('name_key').execute()
  }
}

/** The case-folded form names are matched by: the same function saves and finds them. */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['tags', 'people'] as const) {
    await db.schema.dropIndex(`${table}_name_key`).execute()
    await db.schema.alterTable(table).dropColumn('name_key').execute()
  }
  await db.schema.dropIndex('diary_entries_source').execute()
  await db.schema.alterTable('diary_entries').dropColumn('source_id').execute()
  await db.schema.dropIndex('comments_source').execute()
  await db.schema.alterTable('comments').dropColumn('source_id').execute()
  await db.schema.dropIndex('reviews_source').execute()
  await db.schema.alterTable('reviews').dropColumn('source_url').execute()
  await db.schema.alterTable('reviews').dropColumn('source_id').execute()
}
