import type { Role, SessionUser } from '../domain/user.ts'
import type { Conn, Tx } from './db.ts'

export async function insertSession(trx: Conn, s: { id: string; userId: number; csrfToken: string; now: string; expiresAt: string }): Promise<void> {
  await trx.insertInto('sessions').values({ id: s.id, user_id: s.userId, csrf_token: s.csrfToken, created_at: s.now, expires_at: s.expiresAt }).execute()
}

/** The live session with this id and its user; expired sessions are not found. */
export async function findSession(db: Conn, id: string, now: string): Promise<{ user: SessionUser; csrfToken: string; expiresAt: string } | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.username', 'users.display_name', 'users.role', 'sessions.csrf_token', 'sessions.expires_at'])
    .where('sessions.id', '=', id)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst()
  if (!row) return undefined
  return {
    user: { id: row.id, username: row.username, displayName: row.display_name, role: row.role as Role },
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at,
  }
}

export async function deleteSession(db: Conn, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute()
}

/** Ends every session of a user (after a password change). */
export async function deleteUserSessions(trx: Tx, userId: number): Promise<void> {
  await trx.deleteFrom('sessions').where('user_id', '=', userId).execute()
}

export async function deleteExpiredSessions(db: Conn, now: string): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute()
}
