// The short soak in `npm test`: the real server under mixed load for 25 s, with no error response
// and every kind of request served. `npm run soak` runs the same for 10 minutes.
import { expect, it } from 'vitest'
import { describeSoak, KINDS, runSoak } from './soak.ts'

it('serves reading, searching, commenting and editing at once without one error', async () => {
  const lines: string[] = []
  const summary = await runSoak({ seconds: 25, reviews: 40, log: (l) => lines.push(l) })
  describeSoak(summary, (l) => lines.push(l))
  expect(summary.errorSamples, lines.join('\n')).toEqual([])
  expect(summary.errors).toBe(0)
  for (const kind of KINDS) expect(summary.byKind[kind], `${kind} requests`).toBeGreaterThan(0)
  // Comments are posted (not refused) and edits saved: both count only their expected statuses as success.
  expect(summary.intervals.length).toBeGreaterThanOrEqual(2)
  for (const i of summary.intervals) expect(i.rssMb).toBeGreaterThan(0)
}, 180_000)
