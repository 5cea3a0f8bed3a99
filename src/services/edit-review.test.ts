import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDataDir } from '../../test/helpers/server.ts'
import { openTestSite } from '../../test/helpers/sites.ts'
import { ReviewDocument } from '../domain/review.ts'
import type { SessionUser } from '../domain/user.ts'
import { findNamedByName } from '../store/browse.ts'
import { findReviewBySlug } from '../store/reviews.ts'
import { addUser } from './accounts.ts'
import { publishScheduled, saveFromEditor } from './edit-review.ts'
import type { Site } from './site.ts'

// Work two app servers do at the same moment. On PostgreSQL the two handles have their own
// connections, as two servers would; SQLite takes one writing process at a time, so there the
// calls race inside one process.
let data: ReturnType<typeof tempDataDir>
let one: Site
let two: Site
let mira: SessionUser

beforeAll(async () => {
  data = tempDataDir()
  one = await openTestSite(data.dir)
  two = one.dialect === 'postgres' ? await openTestSite(data.dir) : one
  const u = await addUser(one, { username: 'mira', displayName: 'Mira', role: 'owner', password: 'correct horse battery' })
  mira = { id: u.id, username: u.username, displayName: u.displayName, role: u.role }
})
afterAll(async () => {
  await one.close()
  if (two !== one) await two.close()
  data.remove()
})

const doc = (title: string, more: Partial<ReviewDocument> = {}) => ReviewDocument.parse({ title, intro: 'Words.', status: 'published', ...more })

describe('at the same time on two servers', () => {
  it('makes a new tag or person once when two saves name it', async () => {
    for (let round = 0; round < 5; round++) {
      const tag = `Brand New Genre ${round}`
      const person = `Newcomer Number ${round}`
      const saves = [one, two].map((site, i) =>
        saveFromEditor(site, mira, { id: null, baseRevision: null, doc: doc(`Twin Show ${round} ${i}`, { tags: [tag], people: [{ name: person, role: 'cast' }] }) }),
      )
      const saved = await Promise.all(saves)
      expect(saved).toHaveLength(2)
      expect(await findNamedByName(one.db, 'tags', tag)).toEqual({ slug: `brand-new-genre-${round}`, name: tag })
      expect(await findNamedByName(one.db, 'people', person)).toEqual({ slug: `newcomer-number-${round}`, name: person })
      for (const s of saved) expect((await findReviewBySlug(one.db, s.slug))!.doc.tags).toEqual([tag])
    }
  })

  it('publishes a scheduled review once when both check for due reviews', async () => {
    const at = '2020-05-05T05:05:00.000Z'
    for (const title of ['Due One', 'Due Two', 'Due Three']) {
      await saveFromEditor(one, mira, { id: null, baseRevision: null, doc: doc(title, { status: 'scheduled', publishedAt: at }) })
    }
    const rounds = await Promise.all([one, two, one, two].map((site) => publishScheduled(site, new Date('2021-01-01T00:00:00Z'))))
    expect(rounds.flat().sort()).toEqual(['due-one', 'due-three', 'due-two'])
    for (const slug of ['due-one', 'due-two', 'due-three']) expect((await findReviewBySlug(two.db, slug))!.doc.status).toBe('published')
  })
})
