import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDataDir } from '../../test/helpers/server.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import type { CommentFormValues } from '../domain/comments.ts'
import { DramalogError, NotFoundError } from '../domain/errors.ts'
import type { SessionUser } from '../domain/user.ts'
import { listApprovedComments } from '../store/comments.ts'
import { getContentVersion } from '../store/settings.ts'
import { addUser } from './accounts.ts'
import {
  COMMENT_SECRET_KEY, CommentRefusedError, commentSecret, countPendingComments, issueFormStamp, loadModerationQueue, moderateComment,
  postComment, replyAsAuthor,
} from './comments.ts'
import { importFiles } from './import-files.ts'
import { loadReviewPage } from './pages.ts'
import type { Site } from './site.ts'

// Real SQLite file per test; time is passed in, so nothing sleeps.
let data: ReturnType<typeof tempDataDir>
let site: Site
let owner: SessionUser
let slug: string

const T0 = new Date('2025-06-01T12:00:00Z')
const later = (ms: number) => new Date(T0.getTime() + ms)
const IP = { ip: '203.0.113.7' }

beforeEach(async () => {
  data = tempDataDir()
  site = await openTestSite(data.dir)
  owner = await user('mira', 'owner')
  slug = await addReview('Paper Lanterns')
})
afterEach(async () => {
  await site.close()
  data.remove()
})

async function user(username: string, role: 'owner' | 'editor' | 'author'): Promise<SessionUser> {
  const u = await addUser(site, { username, displayName: username[0]!.toUpperCase() + username.slice(1), role, password: 'correct horse battery' })
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role }
}

/** Imports one small review and returns its slug; `authorId` makes it that user's own. */
async function addReview(title: string, options: { status?: 'published' | 'draft'; authorId?: number } = {}): Promise<string> {
  const file = join(data.dir, `${title}.json`)
  writeFileSync(file, JSON.stringify({ title, year: 2025, status: options.status ?? 'published', intro: 'Intro.', sections: [] }))
  const created = (await importFiles(site, [file])).created[0]!
  if (options.authorId !== undefined) await site.db.updateTable('reviews').set({ author_id: options.authorId }).where('slug', '=', created).execute()
  return created
}

/** A filled-in form served at T0, as a browser would send it. */
async function form(over: CommentFormValues = {}): Promise<CommentFormValues> {
  return { name: 'Ana', email: 'ana@example.org', website: '', body: 'Loved the rain scenes.', url: '', stamp: await issueFormStamp(site, T0), ...over }
}

/** Posts at T0 + 5 s (a person's pace) unless told otherwise. */
const post = async (over: CommentFormValues = {}, at = later(5_000), from = IP, to = slug) => postComment(site, to, await form(over), from, at)

async function refusal(p: Promise<unknown>): Promise<CommentRefusedError> {
  const err = await p.then(() => null, (e: unknown) => e)
  expect(err).toBeInstanceOf(CommentRefusedError)
  return err as CommentRefusedError
}

const reviewId = async (s = slug) => (await site.db.selectFrom('reviews').select('id').where('slug', '=', s).executeTakeFirstOrThrow()).id
const shown = async (s = slug) => listApprovedComments(site.db, await reviewId(s))
const stored = () => site.db.selectFrom('comments').selectAll().execute()

describe('posting a comment', () => {
  it('puts a new comment in the queue; approving it shows it and bumps the content version', async () => {
    const v0 = await getContentVersion(site.db)
    const { id, status } = await post()
    expect(status).toBe('pending')
    expect(await getContentVersion(site.db)).toBe(v0)
    expect(await shown()).toEqual({ items: [], count: 0 })
    expect(await countPendingComments(site, owner)).toBe(1)

    await moderateComment(site, owner, id, 'approve', later(60_000))
    expect(await getContentVersion(site.db)).toBe(v0 + 1)
    expect((await loadReviewPage(site, slug)).comments).toEqual({
      count: 1,
      items: [{ id, name: 'Ana', website: null, body: 'Loved the rain scenes.', createdAt: later(5_000).toISOString(), byAuthor: false, replies: [] }],
    })
    expect(await countPendingComments(site, owner)).toBe(0)
  })

  it('keeps the site secret in the settings table and reuses it', async () => {
    const secret = await commentSecret(site)
    const row = await site.db.selectFrom('settings').select('value').where('key', '=', COMMENT_SECRET_KEY).executeTakeFirstOrThrow()
    expect(row.value).toBe(secret)
    expect(secret).toMatch(/^[\w-]{43}$/)
    const reopened = await openTestSite(data.dir)
    try {
      expect(await commentSecret(reopened)).toBe(secret)
    } finally {
      await reopened.close()
    }
  })

  it('refuses the honeypot, a form sent too fast, a stale form and a forged stamp, storing nothing', async () => {
    expect((await refusal(post({ url: 'http://spam.example' }))).reason).toBe('honeypot')
    expect((await refusal(post({}, later(2_000)))).errors.form).toBe('That was quick! Please read your comment over for a moment, then send it again.')
    expect((await refusal(post({}, later(86_400_000 + 1)))).reason).toBe('stale')
    expect((await refusal(post({ stamp: `${T0.getTime()}.${'x'.repeat(32)}` }))).reason).toBe('invalid_stamp')
    expect((await refusal(post({ stamp: '' }))).reason).toBe('invalid_stamp')
    expect(await stored()).toEqual([])
  })

  it('refuses more than two links and bad fields with a message per field', async () => {
    const links = await refusal(post({ body: 'https://a.example https://b.example www.c.example' }))
    expect(links.reason).toBe('too_many_links')
    expect(links.errors).toEqual({ body: 'Please include at most 2 links.' })
    expect((await post({ body: 'Two are fine: https://a.example and https://b.example' })).status).toBe('pending')
    const bad = await refusal(post({ name: '', email: 'nope', body: '' }))
    expect(bad.reason).toBe('invalid')
    expect(Object.keys(bad.errors).sort()).toEqual(['body', 'email', 'name'])
  })

  it('is not found on a draft or missing review', async () => {
    const draft = await addReview('Hidden Draft', { status: 'draft' })
    await expect(post({}, later(5_000), IP, draft)).rejects.toBeInstanceOf(NotFoundError)
    await expect(post({}, later(5_000), IP, 'no-such-review')).rejects.toBeInstanceOf(NotFoundError)
  })

  it('treats the same text sent twice as one comment', async () => {
    const a = await post()
    const b = await post({}, later(6_000))
    expect(b).toEqual(a)
    expect(await stored()).toHaveLength(1)
  })
})

describe('the rate limit', () => {
  it('allows five comments per address in ten minutes, shared through the database', async () => {
    for (let i = 0; i < 5; i++) await post({ body: `Comment ${i}` }, later(5_000 + i * 1000))
    const err = await refusal(post({ body: 'One more' }, later(10_000)))
    expect(err.reason).toBe('rate_limited')
    expect(err.retryAfterSeconds).toBe(600 - 5)
    expect(err.errors.form).toBe('You have sent several comments in a short while. Please wait 10 minutes and try again.')
    // Another address is not affected, and a second process on the same file sees the same count.
    expect((await post({ body: 'From elsewhere' }, later(10_000), { ip: '198.51.100.1' })).status).toBe('pending')
    const other = await openTestSite(data.dir)
    try {
      const again = await postComment(other, slug, await form({ body: 'Via another server' }), IP, later(11_000)).catch((e: unknown) => e)
      expect(again).toBeInstanceOf(CommentRefusedError)
    } finally {
      await other.close()
    }
    // Once the first comment leaves the window, one more may come.
    expect((await post({ body: 'Later on' }, later(5_000 + 600_001))).status).toBe('pending')
  })
})

describe('trusted commenters', () => {
  it('approves future comments from a trusted email at once', async () => {
    const first = await post()
    await moderateComment(site, owner, first.id, 'trust', later(10_000))
    const v = await getContentVersion(site.db)
    const second = await post({ body: 'Back again!', email: 'ANA@example.org' }, later(20_000))
    expect(second.status).toBe('approved')
    expect(await getContentVersion(site.db)).toBe(v + 1)
    expect((await shown()).count).toBe(2)
    // Someone else is still queued.
    expect((await post({ name: 'Bo', email: 'bo@example.org', body: 'Hi' }, later(20_000), { ip: '198.51.100.9' })).status).toBe('pending')
  })

  it('knows a person without email by name and website, and refuses to trust a bare name', async () => {
    const first = await post({ email: '', website: 'https://ana.example/' })
    await moderateComment(site, owner, first.id, 'trust', later(10_000))
    expect((await post({ email: '', website: 'ana.example', body: 'Second' }, later(20_000))).status).toBe('approved')
    expect((await post({ email: '', website: 'https://impostor.example', body: 'Third' }, later(20_000))).status).toBe('pending')
    const bare = await post({ email: '', website: '', body: 'No contact' }, later(20_000))
    await expect(moderateComment(site, owner, bare.id, 'trust')).rejects.toThrow('neither an email nor a website')
  })
})

describe('replies', () => {
  it('nests replies one level under approved comments and refuses replies to replies', async () => {
    const top = await post()
    await expect(post({ parentId: String(top.id), body: 'Too early' }, later(6_000))).rejects.toBeInstanceOf(CommentRefusedError)
    await moderateComment(site, owner, top.id, 'approve', later(7_000))
    const reply = await post({ name: 'Bo', email: 'bo@example.org', parentId: String(top.id), body: 'Agreed.' }, later(8_000))
    await moderateComment(site, owner, reply.id, 'approve', later(9_000))
    expect((await refusal(post({ parentId: String(reply.id), body: 'Deeper' }, later(10_000)))).reason).toBe('reply_refused')
    const other = await addReview('Moon Ferry')
    expect((await refusal(post({ parentId: String(top.id), body: 'Wrong review' }, later(10_000), IP, other))).reason).toBe('reply_refused')
    const list = await shown()
    expect(list.count).toBe(2)
    expect(list.items.map((c) => [c.name, c.replies.map((r) => r.name)])).toEqual([['Ana', ['Bo']]])
  })

  it('publishes the site’s own reply at once, approving the comment it answers', async () => {
    const top = await post()
    const v = await getContentVersion(site.db)
    const replyId = await replyAsAuthor(site, owner, top.id, '  Thank you!\n\nGlad you liked it. ', later(10_000))
    expect(await getContentVersion(site.db)).toBe(v + 1)
    const [c] = (await shown()).items
    expect(c!.id).toBe(top.id)
    expect(c!.replies).toEqual([{ id: replyId, name: 'Mira', website: null, body: 'Thank you!\n\nGlad you liked it.', createdAt: later(10_000).toISOString(), byAuthor: true, replies: [] }])
    await expect(replyAsAuthor(site, owner, replyId, 'Nested')).rejects.toThrow('Replies go under a comment, not under another reply.')
    await expect(replyAsAuthor(site, owner, top.id, '   ')).rejects.toThrow('Please write a comment.')
  })
})

describe('moderation', () => {
  it('lets authors moderate only comments on their own reviews; owners and editors everything', async () => {
    const author = await user('kim', 'author')
    const editor = await user('lee', 'editor')
    const own = await addReview('Moon Ferry', { authorId: author.id })
    const onOwn = await post({ body: 'On Kim’s review' }, later(5_000), IP, own)
    const onOther = await post({ body: 'On the imported review' })

    const queue = await loadModerationQueue(site, author, 'pending', 1)
    expect(queue.items.map((c) => c.id)).toEqual([onOwn.id])
    expect(queue.counts).toEqual({ pending: 1, approved: 0, spam: 0 })
    expect(await countPendingComments(site, author)).toBe(1)
    expect((await loadModerationQueue(site, editor, 'pending', 1)).items.map((c) => c.id).sort()).toEqual([onOwn.id, onOther.id].sort())

    const forbidden = await moderateComment(site, author, onOther.id, 'approve').catch((e: unknown) => e)
    expect(forbidden).toBeInstanceOf(DramalogError)
    expect((forbidden as DramalogError).code).toBe('forbidden')
    await expect(replyAsAuthor(site, author, onOther.id, 'Hi')).rejects.toThrow('only the comments on your own reviews')
    await moderateComment(site, author, onOwn.id, 'approve')
    await moderateComment(site, editor, onOther.id, 'spam')
    await expect(moderateComment(site, editor, 999, 'approve')).rejects.toBeInstanceOf(NotFoundError)
  })

  it('bumps the content version only when what readers see changes', async () => {
    const a = await post()
    const b = await post({ body: 'Second' }, later(6_000))
    const v = await getContentVersion(site.db)
    await moderateComment(site, owner, b.id, 'spam')
    await moderateComment(site, owner, b.id, 'delete')
    expect(await getContentVersion(site.db)).toBe(v)
    await moderateComment(site, owner, a.id, 'approve')
    await moderateComment(site, owner, a.id, 'approve')
    expect(await getContentVersion(site.db)).toBe(v + 1)
    await moderateComment(site, owner, a.id, 'spam')
    expect(await getContentVersion(site.db)).toBe(v + 2)
    expect((await loadModerationQueue(site, owner, 'spam', 1)).items.map((c) => [c.id, c.email, c.trustable])).toEqual([[a.id, 'ana@example.org', true]])
    await moderateComment(site, owner, a.id, 'approve')
    await moderateComment(site, owner, a.id, 'delete')
    expect(await getContentVersion(site.db)).toBe(v + 4)
    expect(await stored()).toEqual([])
  })

  it('deletes a comment’s replies with it', async () => {
    const top = await post()
    await replyAsAuthor(site, owner, top.id, 'Thanks!')
    await moderateComment(site, owner, top.id, 'delete')
    expect(await stored()).toEqual([])
  })
})
