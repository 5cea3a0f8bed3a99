import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'
import { DramalogError, InvalidInputError, NotFoundError } from '../domain/errors.ts'
import { translatorFor } from '../domain/i18n.ts'
import { lockSeconds, NewUser, Password, THROTTLE, type Role, type SessionUser } from '../domain/user.ts'
import { deleteExpiredSessions, deleteSession, deleteUserSessions, findSession, insertSession } from '../store/sessions.ts'
import { clearThrottle, findThrottle, putThrottle } from '../store/throttle.ts'
import { countUsers, findUserByUsername, insertUser, listUsers, updatePasswordHash, type UserRow } from '../store/users.ts'
import type { Site } from './site.ts'

/** Sessions last two weeks. */
export const SESSION_DAYS = 14

// Messages shown on the sign-in page come from the English catalogue; the page shows them in the site's language.
const EN = translatorFor('en').t

/** Thrown when too many logins failed for an account or an address; says when to try again. */
export class ThrottledError extends DramalogError {
  override name = 'ThrottledError' as const
  constructor(readonly retryAfterSeconds: number, what: 'account' | 'address') {
    const minutes = Math.ceil(retryAfterSeconds / 60)
    super('forbidden', EN(what === 'account' ? 'form.login.throttledAccount' : 'form.login.throttledAddress', { count: minutes }))
  }
}

/** Thrown for a wrong username or password; the message does not say which. */
export class BadCredentialsError extends DramalogError {
  override name = 'BadCredentialsError' as const
  constructor() {
    super('forbidden', EN('form.login.wrong'))
  }
}

function zodToIssues(error: { issues: { path: PropertyKey[]; message: string }[] }) {
  return error.issues.map((i) => ({ line: 0, field: i.path.map(String).join('.') || 'user', message: i.message }))
}

/** Creates an account. The first account of a site is always its owner. */
export async function addUser(site: Site, input: NewUser, now = new Date()): Promise<UserRow> {
  const parsed = NewUser.safeParse(input)
  if (!parsed.success) throw new InvalidInputError(zodToIssues(parsed.error))
  const u = parsed.data
  const passwordHash = await hash(u.password)
  return site.db.transaction().execute(async (trx) => {
    if (await findUserByUsername(trx, u.username)) throw new DramalogError('conflict', `the username "${u.username}" is taken`)
    const role: Role = (await countUsers(trx)) === 0 ? 'owner' : u.role
    const id = await insertUser(trx, { username: u.username, displayName: u.displayName, passwordHash, role }, now.toISOString())
    return { id, username: u.username, displayName: u.displayName, role, passwordHash, createdAt: now.toISOString() }
  })
}

export const listAccounts = (site: Site) => listUsers(site.db)

/** Sets a new password and signs the account out everywhere. */
export async function changePassword(site: Site, username: string, password: string, now = new Date()): Promise<void> {
  const parsed = Password.safeParse(password)
  if (!parsed.success) throw new InvalidInputError(zodToIssues({ issues: parsed.error.issues.map((i) => ({ ...i, path: ['password'] })) }))
  const passwordHash = await hash(password)
  await site.db.transaction().execute(async (trx) => {
    const user = await findUserByUsername(trx, username.trim().toLowerCase())
    if (!user) throw new NotFoundError('user', username)
    await updatePasswordHash(trx, user.id, passwordHash, now.toISOString())
    await deleteUserSessions(trx, user.id)
  })
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex')

// A real hash to verify against when the username does not exist, so timing does not reveal it.
const DUMMY_HASH = hash('dramalog-dummy-password')

/** Checks a key's lock; throws `ThrottledError` while it is locked. */
async function checkThrottle(site: Site, key: string, what: 'account' | 'address', now: Date): Promise<void> {
  const t = await findThrottle(site.db, key)
  if (t?.lockedUntil && t.lockedUntil > now.toISOString()) {
    throw new ThrottledError(Math.ceil((Date.parse(t.lockedUntil) - now.getTime()) / 1000), what)
  }
}

async function recordFailure(site: Site, key: string, now: Date): Promise<void> {
  await site.db.transaction().execute(async (trx) => {
    const t = await findThrottle(trx, key)
    const windowOpen = t && now.getTime() - Date.parse(t.windowStart) < THROTTLE.windowMinutes * 60_000
    const failures = windowOpen || t?.lockedUntil ? t!.failures + 1 : 1
    const lock = lockSeconds(failures)
    await putThrottle(trx, {
      key,
      failures,
      windowStart: windowOpen ? t!.windowStart : now.toISOString(),
      lockedUntil: lock ? new Date(now.getTime() + lock * 1000).toISOString() : null,
    })
  })
}

/**
 * Signs a user in and returns the session cookie's token. Failed attempts are counted per account
 * and per address; after a few, both are locked for a growing while.
 */
export async function login(site: Site, username: string, password: string, ip: string, now = new Date()): Promise<{ token: string; user: SessionUser; expiresAt: Date }> {
  const name = username.trim().toLowerCase()
  const accountKey = `user:${name}`
  const addressKey = `ip:${ip}`
  await checkThrottle(site, addressKey, 'address', now)
  await checkThrottle(site, accountKey, 'account', now)
  const user = await findUserByUsername(site.db, name)
  const ok = await verify(user?.passwordHash ?? (await DUMMY_HASH), password).catch(() => false)
  if (!user || !ok) {
    await recordFailure(site, accountKey, now)
    await recordFailure(site, addressKey, now)
    throw new BadCredentialsError()
  }
  await clearThrottle(site.db, accountKey)
  const token = randomBytes(32).toString('base64url')
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000)
  await insertSession(site.db, {
    id: tokenHash(token), userId: user.id, csrfToken: randomBytes(24).toString('base64url'),
    now: now.toISOString(), expiresAt: expiresAt.toISOString(),
  })
  return { token, user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role }, expiresAt }
}

/** The user and CSRF token of a session cookie's token, if the session is live. */
export async function sessionFor(site: Site, token: string, now = new Date()) {
  return findSession(site.db, tokenHash(token), now.toISOString())
}

/** Deletes sessions past their expiry (they no longer sign anyone in; this only tidies up). */
export async function removeExpiredSessions(site: Site, now = new Date()): Promise<void> {
  await deleteExpiredSessions(site.db, now.toISOString())
}

export async function logout(site: Site, token: string): Promise<void> {
  await deleteSession(site.db, tokenHash(token))
}

/** Compares two secrets in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
