import type { Conn, Tx } from './db.ts'

export type ThrottleRow = { key: string; failures: number; windowStart: string; lockedUntil: string | null }

export async function findThrottle(db: Conn, key: string): Promise<ThrottleRow | undefined> {
  const r = await db.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst()
  return r && { key: r.key, failures: r.failures, windowStart: r.window_start, lockedUntil: r.locked_until }
}

export async function putThrottle(trx: Tx, t: ThrottleRow): Promise<void> {
  const values = { key: t.key, failures: t.failures, window_start: t.windowStart, locked_until: t.lockedUntil }
  await trx
    .insertInto('login_throttle')
    .values(values)
    .onConflict((oc) => oc.column('key').doUpdateSet({ failures: t.failures, window_start: t.windowStart, locked_until: t.lockedUntil }))
    .execute()
}

export async function clearThrottle(trx: Conn, key: string): Promise<void> {
  await trx.deleteFrom('login_throttle').where('key', '=', key).execute()
}
