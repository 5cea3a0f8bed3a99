// Work queues several app servers share: the newsletter's sends and ActivityPub's deliveries. A
// row waits as `pending` until its `next_attempt_at`; a server takes it for a while by setting
// `lease_until`, and afterwards records it as done, to be tried again later, or given up. A lease
// that runs out (its server stopped) makes the row due again.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely'
import type { Conn } from './db.ts'

/** The queue tables and how each names a row that is done. */
const QUEUES = {
  newsletter_sends: { done: 'sent', doneAt: 'sent_at' },
  ap_deliveries: { done: 'delivered', doneAt: 'delivered_at' },
} as const

export type QueueTable = keyof typeof QUEUES

/** How a claimed row went: done, to be tried again at `nextAttemptAt`, or given up. */
export type LeaseOutcome = { status: 'done'; now: string } | { status: 'pending'; nextAttemptAt: string; error: string } | { status: 'failed'; error: string }

/**
 * Rows that are due at `now`: pending, their time come, and not leased (or their lease run out).
 * `alias` names the queue table in a query that joins others.
 */
export function isDue(eb: ExpressionBuilder<any, any>, now: string, alias?: string): Expression<SqlBool> {
  const col = (name: string) => (alias ? `${alias}.${name}` : name)
  return eb.and([eb(col('status'), '=', 'pending'), eb(col('next_attempt_at'), '<=', now), eb.or([eb(col('lease_until'), 'is', null), eb(col('lease_until'), '<', now)])])
}

/**
 * Takes a due row for this app server until `leaseUntil`, counting the attempt. One UPDATE that
 * re-checks the row's state, so when several servers race for it exactly one gets it.
 */
export async function claimLeased(db: Conn, table: QueueTable, id: number, now: string, leaseUntil: string): Promise<boolean> {
  const r = await db
    .updateTable(table as 'ap_deliveries')
    .set((eb) => ({ lease_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where((eb) => isDue(eb, now))
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Records how a claimed row went, and lets go of its lease. */
export async function finishLeased(db: Conn, table: QueueTable, id: number, outcome: LeaseOutcome): Promise<void> {
  const { done, doneAt } = QUEUES[table]
  const set =
    outcome.status === 'done'
      ? { status: done, [doneAt]: outcome.now, lease_until: null, last_error: null }
      : outcome.status === 'pending'
        ? { status: 'pending', next_attempt_at: outcome.nextAttemptAt, lease_until: null, last_error: outcome.error }
        : { status: 'failed', lease_until: null, last_error: outcome.error }
  await db.updateTable(table as 'ap_deliveries').set(set).where('id', '=', id).execute()
}
