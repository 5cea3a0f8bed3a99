import { createHash } from 'node:crypto'
import { EmbeddedActivity, IncomingActivity, IncomingNote, repliedReviewSlug, replyPlainText, type RemoteActor } from '../domain/activitypub.ts'
import { precheckSignedPost, SIGNATURE_PROBLEMS, verifySignature, type SignableRequest, type SignatureProblem } from '../domain/http-signatures.ts'
import { acceptActivity } from '../formats/activitystreams.ts'
import { acceptFollowing, cacheActor, findActorByKey, logInboxActivity, removeFollower, upsertFollower } from '../store/activitypub.ts'
import { postFediverseReply } from './comments.ts'
import { fetchRemoteActor, requireFederation, type Federation } from './fediverse-actor.ts'
import { queueActivityFor } from './fediverse-delivery.ts'
import type { Site } from './site.ts'

/** The largest activity the inbox reads. */
export const MAX_ACTIVITY_BYTES = 256 * 1024

export type InboxResult =
  | { status: 202; outcome: string }
  | { status: 400; message: string }
  | { status: 401; problem: SignatureProblem; message: string }

const refuse = (problem: SignatureProblem): InboxResult => ({ status: 401, problem, message: SIGNATURE_PROBLEMS[problem] })

/**
 * Takes one POST to the inbox. The signature is checked before anything else is read or written:
 * it must cover the target, host, date and digest, be fresh, match the body, and verify with the
 * key of the actor the activity claims to come from (fetched from its server, or kept from an
 * earlier fetch). Anything else is refused with 401 and changes nothing. Then a Follow adds a
 * follower and queues a signed Accept, an Undo of it removes the follower, an Accept confirms a
 * Follow the site sent, and a reply to a review becomes a comment waiting for moderation. Every
 * accepted activity is kept in the inbox log with what was done with it.
 */
export async function receiveActivity(site: Site, request: SignableRequest, body: Uint8Array, now = new Date()): Promise<InboxResult> {
  const fed = await requireFederation(site)
  const pre = precheckSignedPost(request, body, now)
  if (!pre.ok) return refuse(pre.problem)
  const { signature } = pre

  // A key known from before is tried first; when it fails (the actor rotated its key) or is
  // unknown, the actor is fetched again.
  let actor: RemoteActor | undefined = await findActorByKey(site.db, signature.keyId)
  let verified = actor !== undefined && verifySignature(request, signature, actor.publicKeyPem)
  let fetched = false
  if (!verified) {
    try {
      actor = await fetchRemoteActor(site, fed, signature.keyId)
    } catch {
      return refuse('unknown_key')
    }
    if (actor.keyId !== signature.keyId) return refuse('unknown_key')
    verified = verifySignature(request, signature, actor.publicKeyPem)
    fetched = true
  }
  if (!verified || !actor) return refuse('bad_signature')

  let json: unknown
  try {
    json = JSON.parse(new TextDecoder().decode(body))
  } catch {
    return { status: 400, message: 'the body is not JSON' }
  }
  const parsed = IncomingActivity.safeParse(json)
  if (!parsed.success) return { status: 400, message: `not an activity: ${parsed.error.issues[0]?.path.join('.') || '(activity)'}: ${parsed.error.issues[0]?.message}` }
  const activity = parsed.data
  if (activity.actor !== actor.id || actor.keyOwner !== actor.id) return refuse('actor_mismatch')

  if (fetched) await cacheActor(site.db, actor, now.toISOString())
  const outcome = await handle(site, fed, actor, activity, now)
  await logInboxActivity(site.db, {
    activityId: activity.id ?? null, type: activity.type, actorId: actor.id, outcome, body: JSON.stringify(json), receivedAt: now.toISOString(),
  })
  return { status: 202, outcome }
}

async function handle(site: Site, fed: Federation, actor: RemoteActor, activity: IncomingActivity, now: Date): Promise<string> {
  const iso = now.toISOString()
  switch (activity.type) {
    case 'Follow': {
      const target = typeof activity.object === 'string' ? activity.object : EmbeddedActivity.safeParse(activity.object).data?.id
      if (target !== fed.urls.actor) return 'ignored: follows someone else'
      if (!activity.id) return 'ignored: a Follow without an id cannot be accepted'
      const followId = activity.id
      await site.db.transaction().execute((trx) =>
        upsertFollower(trx, {
          actorId: actor.id, inbox: actor.inbox, sharedInbox: actor.sharedInbox, handle: actor.handle, name: actor.name, profileUrl: actor.profileUrl,
          followId, createdAt: iso,
        }),
      )
      const acceptId = `${fed.urls.actor}#accepts/${createHash('sha256').update(followId).digest('hex').slice(0, 24)}`
      await queueActivityFor(site, actor.inbox, acceptActivity(fed.urls, { id: followId, actor: actor.id }, acceptId), `accept:${followId}`, now)
      return 'follower added; Accept queued'
    }
    case 'Undo': {
      const inner = typeof activity.object === 'string' ? null : EmbeddedActivity.safeParse(activity.object).data
      // An Undo naming only an id is taken as undoing this actor's Follow, as Mastodon sends it embedded anyway.
      if (inner && inner.type !== 'Follow') return `ignored: Undo of ${inner.type}`
      const removed = await site.db.transaction().execute((trx) => removeFollower(trx, actor.id))
      return removed ? 'follower removed' : 'ignored: not a follower'
    }
    case 'Accept': {
      const inner = typeof activity.object === 'string' ? { id: activity.object, type: 'Follow' } : EmbeddedActivity.safeParse(activity.object).data
      if (!inner || inner.type !== 'Follow') return 'ignored: Accept of something else'
      const accepted = await site.db.transaction().execute((trx) => acceptFollowing(trx, actor.id, inner.id ?? null, iso))
      return accepted ? 'follow accepted' : 'ignored: no such follow'
    }
    case 'Create': {
      const note = IncomingNote.safeParse(activity.object)
      if (!note.success) {
        const type = (activity.object as { type?: unknown } | null)?.type
        return `kept: Create of ${typeof type === 'string' ? type : 'an object'}`
      }
      if (note.data.attributedTo !== undefined && note.data.attributedTo !== actor.id) return 'ignored: the Note is by someone else'
      const slug = repliedReviewSlug(note.data.inReplyTo, fed.urls)
      if (slug === null) return 'ignored: not a reply to a review'
      const text = replyPlainText(note.data.content)
      const body = note.data.summary ? `${note.data.summary.trim()}\n\n${text}` : text
      const posted = await postFediverseReply(site, slug, { name: actor.name, handle: actor.handle, website: actor.profileUrl, body, sourceId: note.data.id }, now)
      return posted ? `comment ${posted.id} ${posted.status}` : `ignored: no published review "${slug}"`
    }
    case 'Delete': {
      const target = typeof activity.object === 'string' ? activity.object : EmbeddedActivity.safeParse(activity.object).data?.id
      if (target !== actor.id) return 'ignored: Delete of an object'
      const removed = await site.db.transaction().execute((trx) => removeFollower(trx, actor.id))
      return removed ? 'follower removed (account deleted)' : 'ignored: account deleted'
    }
    default:
      return `ignored: ${activity.type}`
  }
}
