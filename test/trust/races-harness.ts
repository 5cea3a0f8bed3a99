// Races against a real `dramalog serve` process over real HTTP: many editors saving the same
// review from the same revision, many readers commenting at once, and readers while an import
// runs. Shared by test/trust/races.test.ts (short form) and `npm run races` (long form).
import { request } from 'node:http'
import { AdminClient } from '../helpers/admin-client.ts'

/** The fields of a valid review as the editor posts them. */
export function reviewFields(csrf: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    _csrf: csrf, _action: 'save', title: 'Ferry Of Many Hands', headline: 'Everyone Edits At Once', hook: 'Who saved last?', year: '2025',
    origin: 'Japan', season: '1', platform: 'Netflix', firstWatch: 'yes', reviewedOn: '2025-10-02', meter: '1', intro: 'The first version.',
    status: 'published', tags: 'ferries', 'sections.0.aspect': 'Story / Writing', 'sections.0.verdict': 'Slow And Sure',
    'sections.0.body': 'It takes its time.', ...extra,
  }
}

/** What the store holds of a review's history: every saved revision with the intro it saved. */
export type HistoryReader = (reviewId: number) => Promise<{ revision: number; intro: string }[]>

export type RaceFigures = {
  rounds: number
  attempts: number
  /** Saves answered with the redirect of a saved review. */
  accepted: number
  /** Saves answered 409 with the editor's conflict page. */
  conflicts: number
  /** Any other answer (must stay 0). */
  otherAnswers: string[]
  /** Accepted saves missing from the history, and saves in the history nobody was told were accepted (must stay 0). */
  lostUpdates: number
  phantomSaves: number
  /** Rounds that did not have exactly one winner. */
  badRounds: string[]
}

/**
 * Creates a review, then runs `rounds` rounds in which `clients` editors post a save of it from
 * the same revision at the same moment, each with its own text; checks the answers and the
 * history after every round.
 */
export async function raceEditors(owner: AdminClient, history: HistoryReader, rounds: number, clients: number): Promise<RaceFigures> {
  const figures: RaceFigures = { rounds: 0, attempts: 0, accepted: 0, conflicts: 0, otherAnswers: [], lostUpdates: 0, phantomSaves: 0, badRounds: [] }
  const csrf = await owner.csrfFrom('/admin/reviews/new')
  const created = await owner.post('/admin/reviews', reviewFields(csrf, { title: `Ferry Of Many Hands ${Date.now()}` }))
  if (created.status !== 303) throw new Error(`creating the review answered ${created.status}: ${await created.text()}`)
  const id = Number(/\/admin\/reviews\/(\d+)/.exec(created.headers.get('location') ?? '')?.[1])
  const accepted = new Set<string>()
  let revision = 1
  for (let round = 0; round < rounds; round++) {
    const texts = Array.from({ length: clients }, (_, c) => `Round ${round}, editor ${c}: my version.`)
    const answers = await Promise.all(texts.map((intro) => owner.post(`/admin/reviews/${id}`, reviewFields(csrf, { revision: String(revision), intro }))))
    let winners = 0
    for (const [c, res] of answers.entries()) {
      figures.attempts++
      const body = await res.text()
      if (res.status === 303 && res.headers.get('location') === `/admin/reviews/${id}?saved=${revision + 1}`) {
        winners++
        figures.accepted++
        accepted.add(texts[c]!)
      } else if (res.status === 409 && body.includes('Someone saved this review while you were editing')) figures.conflicts++
      else figures.otherAnswers.push(`round ${round} editor ${c}: ${res.status} ${res.headers.get('location') ?? body.slice(0, 200)}`)
    }
    if (winners !== 1) figures.badRounds.push(`round ${round}: ${winners} saves accepted`)
    revision += winners
    figures.rounds++
    // Every accepted save is in the history, and nothing else is (the first revision is the creation).
    const saved = (await history(id)).filter((r) => r.revision > 1)
    const inHistory = new Set(saved.map((r) => r.intro))
    figures.lostUpdates = [...accepted].filter((t) => !inHistory.has(t)).length
    figures.phantomSaves = saved.filter((r) => !accepted.has(r.intro)).length + (saved.length - inHistory.size)
  }
  return figures
}

type Answer = { status: number; location: string | undefined }

/** A POST from a given local address (127.x.y.z all reach the loopback server), as a browser form sends it. */
function postFrom(localAddress: string, url: string, body: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** A GET from a given local address; returns the status and the cookies set. */
function getFrom(localAddress: string, url: string): Promise<{ status: number; cookies: string[] }> {
  return new Promise((resolve, reject) => {
    request(url, { localAddress }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cookies: res.headers['set-cookie'] ?? [] }))
    }).on('error', reject).end()
  })
}

/**
 * `readers` readers, each from an address of its own, open the comment form of `slug` (the
 * form-time cookie), write for the minimum fill time, then all send their comment at once.
 * Returns the answers and the bodies sent.
 */
export async function postCommentsAtOnce(url: string, slug: string, readers: number, tag: string): Promise<{ answers: Answer[]; bodies: string[] }> {
  const address = (i: number) => `127.0.${Math.floor(i / 200) + 1}.${(i % 200) + 2}`
  const cookies = await Promise.all(Array.from({ length: readers }, async (_, i) => {
    const got = await getFrom(address(i), `${url}/reviews/${slug}/comments/time`)
    if (got.status !== 200) throw new Error(`the form-time address answered ${got.status}`)
    return got.cookies.map((c) => c.split(';')[0]).join('; ')
  }))
  await new Promise((r) => setTimeout(r, 3_500))
  const bodies = Array.from({ length: readers }, (_, i) => `${tag}: comment number ${i}, sent with everyone else's.`)
  const answers = await Promise.all(bodies.map((text, i) => postFrom(
    address(i), `${url}/reviews/${slug}/comments`,
    new URLSearchParams({ name: `Reader ${i}`, email: '', website: '', body: text, url: '' }).toString(),
    { cookie: cookies[i]!, origin: url },
  )))
  return { answers, bodies }
}

/** Reads pages as fast as `readers` loops can until `until` settles; returns every answer's status. */
export async function readWhile<T>(url: string, paths: readonly string[], readers: number, until: Promise<T>): Promise<{ result: T; statuses: Map<number, number>; requests: number; errors: string[] }> {
  let done = false
  const statuses = new Map<number, number>()
  const errors: string[] = []
  let requests = 0
  const loop = async (n: number) => {
    for (let i = n; !done; i++) {
      const path = paths[i % paths.length]!
      try {
        const res = await fetch(url + path, { redirect: 'manual' })
        await res.arrayBuffer()
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
        if (res.status >= 500) errors.push(`${path}: ${res.status}`)
      } catch (err) {
        errors.push(`${path}: ${(err as Error).message}`)
      }
      requests++
    }
  }
  const loops = Array.from({ length: readers }, (_, n) => loop(n))
  try {
    const result = await until
    return { result, statuses, requests, errors }
  } finally {
    done = true
    await Promise.all(loops)
  }
}
