import type { Role, SessionUser } from '../domain/user.ts'
import type { Conn, Tx } from './db.ts'

export type UserRow = SessionUser & { passwordHash: string; createdAt: string }

const COLUMNS = ['id', 'username', 'display_name', 'password_hash', 'role', 'created_at'] as const

function toUser(r: { id: number; username: string; display_name: string; password_hash: string; role: string; created_at: string }): UserRow {
  return { id: r.id, username: r.username, displayName: r.display_name, passwordHash: r.password_hash, role: r.role as Role, createdAt: r.created_at }
}

/** Inserts a user and returns its id. */
export async function insertUser(trx: Tx, u: { username: string; displayName: string; passwordHash: string; role: Role }, now: string): Promise<number> {
  const row = await trx
    .insertInto('users')
    .values({ username: u.username, display_name: u.displayName, password_hash: u.passwordHash, role: u.role, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function countUsers(db: Conn): Promise<number> {
  const { n } = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(n)
}

export async function findUserByUsername(db: Conn, username: string): Promise<UserRow | undefined> {
  const row = await db.selectFrom('users').select(COLUMNS).where('username', '=', username).executeTakeFirst()
  return row && toUser(row)
}

export async function findUserById(db: Conn, id: number): Promise<UserRow | undefined> {
  const row = await db.selectFrom('users').select(COLUMNS).where('id', '=', id).executeTakeFirst()
  return row && toUser(row)
}

export async function listUsers(db: Conn): Promise<UserRow[]> {
  return (await db.selectFrom('users').select(COLUMNS).orderBy('id').execute()).map(toUser)
}

export async function updatePasswordHash(trx: Tx, userId: number, passwordHash: string, now: string): Promise<void> {
  await trx.updateTable('users').set({ password_hash: passwordHash, updated_at: now }).where('id', '=', userId).execute()
}
