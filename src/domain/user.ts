import { z } from 'zod'

export const Role = z.enum(['owner', 'editor', 'author'])
export type Role = z.infer<typeof Role>

export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, 'use 2–32 letters, digits, dots, hyphens or underscores, starting with a letter or digit')

export const Password = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(256, 'must be at most 256 characters')

export const NewUser = z.object({
  username: Username,
  displayName: z.string().trim().min(1).max(120),
  role: Role,
  password: Password,
})
export type NewUser = z.input<typeof NewUser>

/** A signed-in person as the web layer sees them. */
export type SessionUser = { id: number; username: string; displayName: string; role: Role }

/** Owners and editors change everything; authors only what they made (never what nobody made, such as imports). */
function isOwnWorkOrEditor(user: Pick<SessionUser, 'id' | 'role'>, madeBy: number | null): boolean {
  return user.role === 'owner' || user.role === 'editor' || madeBy === user.id
}

/** Owners and editors edit every review; authors only their own (or ones nobody owns yet, which they cannot see). */
export function canEditReview(user: Pick<SessionUser, 'id' | 'role'>, review: { authorId: number | null }): boolean {
  return isOwnWorkOrEditor(user, review.authorId)
}

/** The same rule for diary entries, by who recorded them: imported entries (recorded by nobody) are for owners and editors. */
export function canEditDiaryEntry(user: Pick<SessionUser, 'id' | 'role'>, entry: { createdBy: number | null }): boolean {
  return isOwnWorkOrEditor(user, entry.createdBy)
}

/** Only owners change site settings and accounts. */
export function canManageSite(user: Pick<SessionUser, 'role'>): boolean {
  return user.role === 'owner'
}

/** Failed logins allowed per key (an account or an address) before it is locked for a while. */
export const THROTTLE = { freeFailures: 5, windowMinutes: 15, baseLockSeconds: 60, maxLockSeconds: 15 * 60 } as const

/**
 * How long a key stays locked after `failures` failed attempts: nothing for the first few, then a
 * minute, doubling with each further failure, up to fifteen minutes.
 */
export function lockSeconds(failures: number): number {
  const over = failures - THROTTLE.freeFailures
  if (over < 0) return 0
  return Math.min(THROTTLE.baseLockSeconds * 2 ** over, THROTTLE.maxLockSeconds)
}
