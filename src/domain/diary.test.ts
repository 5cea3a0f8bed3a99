import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  DIARY_STATUSES, diaryDate, diaryFormValues, episodeProgress, nextDiaryStamp, parseDiaryEntry, summarizeYear, type DiaryEntry,
} from './diary.ts'
import { canEditDiaryEntry, type Role } from './user.ts'

const fields = (issues: { field: string }[]) => issues.map((i) => i.field)

function entry(over: Partial<DiaryEntry> = {}): DiaryEntry {
  return {
    id: 1, title: 'Paper Lanterns', origin: null, originCode: null, platform: null, startedOn: null, finishedOn: null,
    episodesWatched: null, episodesTotal: null, rewatch: false, meter: null, note: null, status: 'finished', review: null,
    createdBy: null, createdAt: '2025-01-01T10:00:00.000Z', updatedAt: '2025-01-01T10:00:00.000Z', ...over,
  }
}

describe('parseDiaryEntry', () => {
  it('reads a submitted form into typed values', () => {
    const r = parseDiaryEntry(
      {
        title: '  Paper Lanterns ', origin: 'korea', platform: 'Netflix', startedOn: '2025-03-03', finishedOn: '2025 20 Mar',
        episodesWatched: '16', episodesTotal: '16', rewatch: 'on', meter: '2', note: ' Slow, then wonderful. ',
        status: 'finished', reviewSlug: 'https://example.com/reviews/Paper-Lanterns-Season-1/',
      },
      5,
    )
    expect(r).toEqual({
      ok: true,
      value: {
        title: 'Paper Lanterns', origin: 'South Korea', platform: 'Netflix', startedOn: '2025-03-03', finishedOn: '2025-03-20',
        episodesWatched: 16, episodesTotal: 16, rewatch: true, meter: 2, note: 'Slow, then wonderful.', status: 'finished',
        reviewSlug: 'paper-lanterns-season-1',
      },
    })
  })

  it('treats empty fields as not given and infers the status from the dates', () => {
    const blank = { origin: '', platform: ' ', startedOn: '', finishedOn: '', episodesWatched: '', episodesTotal: '', meter: '', note: '', reviewSlug: '' }
    const planned = parseDiaryEntry({ title: 'Next', ...blank }, 5)
    expect(planned).toMatchObject({
      ok: true,
      value: { origin: null, platform: null, startedOn: null, finishedOn: null, episodesWatched: null, meter: null, note: null, rewatch: false, reviewSlug: null, status: 'planned' },
    })
    expect(parseDiaryEntry({ title: 'Now', ...blank, startedOn: '2025-01-02' }, 5)).toMatchObject({ ok: true, value: { status: 'watching' } })
    expect(parseDiaryEntry({ title: 'Done', ...blank, finishedOn: '2025-01-02' }, 5)).toMatchObject({ ok: true, value: { status: 'finished' } })
    expect(parseDiaryEntry({ title: 'JSON', rewatch: true }, 5)).toMatchObject({ ok: true, value: { rewatch: true } })
  })

  it('points at every bad field, once each', () => {
    const r = parseDiaryEntry(
      {
        title: '', origin: 'Atlantis', startedOn: '2025-02-30', episodesWatched: '-1', episodesTotal: '2.5', meter: '9',
        note: 'x'.repeat(2001), status: 'binged', reviewSlug: 'not a slug!',
      },
      5,
    )
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(fields(r.issues).sort()).toEqual(
      ['episodesTotal', 'episodesWatched', 'meter', 'note', 'origin', 'reviewSlug', 'startedOn', 'status', 'title'].sort(),
    )
    expect(r.issues.find((i) => i.field === 'origin')?.message).toBe('"Atlantis" is not a country this site knows')
    expect(r.issues.find((i) => i.field === 'startedOn')?.message).toBe('February 2025 has no day 30')
    expect(r.issues.find((i) => i.field === 'meter')?.message).toBe('must be between 0 and 5')
  })

  it('keeps the title to 200 characters', () => {
    expect(parseDiaryEntry({ title: 'x'.repeat(200) }, 5).ok).toBe(true)
    expect(parseDiaryEntry({ title: 'x'.repeat(201) }, 5)).toMatchObject({ ok: false, issues: [{ field: 'title' }] })
  })

  it('refuses a finish before the start and more episodes than there are', () => {
    const r = parseDiaryEntry({ title: 'T', startedOn: '2025-03-10', finishedOn: '2025-03-09', episodesWatched: '17', episodesTotal: '16' }, 5)
    expect(r).toEqual({
      ok: false,
      issues: [
        { field: 'finishedOn', message: 'cannot be before the start date' },
        { field: 'episodesWatched', message: 'cannot be more than the 16 episodes in total' },
      ],
    })
    expect(parseDiaryEntry({ title: 'T', startedOn: '2025-03-10', finishedOn: '2025-03-10', episodesWatched: '16', episodesTotal: '16' }, 5).ok).toBe(true)
  })

  it('reports the rules between fields even when other fields are bad', () => {
    const r = parseDiaryEntry({ title: '', origin: 'Atlantis', startedOn: '2025-05-10', finishedOn: '2025-05-01', episodesWatched: '20', episodesTotal: '16' }, 5)
    expect(r.ok ? [] : fields(r.issues)).toEqual(['title', 'origin', 'finishedOn', 'episodesWatched'])
    expect(parseDiaryEntry('title', 5)).toEqual({ ok: false, issues: [{ field: 'entry', message: 'expected the fields of a diary entry' }] })
  })

  it('checks the meter against the site maximum', () => {
    expect(parseDiaryEntry({ title: 'T', meter: '0' }, 3)).toMatchObject({ ok: true, value: { meter: 0 } })
    expect(parseDiaryEntry({ title: 'T', meter: '3' }, 3)).toMatchObject({ ok: true, value: { meter: 3 } })
    expect(parseDiaryEntry({ title: 'T', meter: '4' }, 3)).toMatchObject({ ok: false, issues: [{ field: 'meter' }] })
    expect(parseDiaryEntry({ title: 'T', meter: 'lots' }, 3)).toMatchObject({ ok: false, issues: [{ field: 'meter', message: 'must be a whole number' }] })
  })

  it('gives a planned watch no finish date', () => {
    expect(parseDiaryEntry({ title: 'T', status: 'planned', finishedOn: '2025-01-01' }, 5)).toMatchObject({ ok: false, issues: [{ field: 'finishedOn' }] })
  })

  it('round-trips a stored entry through the form values', () => {
    const stored = entry({
      origin: 'Japan', originCode: 'JP', platform: 'Viki', startedOn: '2025-01-02', finishedOn: '2025-02-03', episodesWatched: 10,
      episodesTotal: 10, rewatch: true, meter: { value: 1, max: 5 }, note: 'Lovely', review: { slug: 'a-b', title: 'A', published: true },
    })
    expect(parseDiaryEntry(diaryFormValues(stored), 5)).toEqual({
      ok: true,
      value: {
        title: 'Paper Lanterns', origin: 'Japan', platform: 'Viki', startedOn: '2025-01-02', finishedOn: '2025-02-03', episodesWatched: 10,
        episodesTotal: 10, rewatch: true, meter: 1, note: 'Lovely', status: 'finished', reviewSlug: 'a-b',
      },
    })
  })
})

describe('diary dates and progress', () => {
  it('files an entry under its finish, else start, else recording date', () => {
    expect(diaryDate(entry({ startedOn: '2025-01-02', finishedOn: '2025-02-03' }))).toBe('2025-02-03')
    expect(diaryDate(entry({ startedOn: '2025-01-02' }))).toBe('2025-01-02')
    expect(diaryDate(entry())).toBe('2025-01-01')
  })

  it('counts a finished watch with only a total as complete', () => {
    expect(episodeProgress(entry({ episodesTotal: 16 }))).toBe(1)
    expect(episodeProgress(entry({ status: 'watching', episodesWatched: 4, episodesTotal: 16 }))).toBe(0.25)
    expect(episodeProgress(entry({ status: 'watching', episodesWatched: 4 }))).toBeNull()
  })
})

describe('summarizeYear', () => {
  const entries: DiaryEntry[] = [
    entry({ id: 1, finishedOn: '2025-03-20', originCode: 'KR', origin: 'South Korea', platform: 'Netflix', meter: { value: 2, max: 5 }, episodesTotal: 16 }),
    entry({ id: 2, finishedOn: '2025-03-02', originCode: 'JP', origin: 'Japan', platform: 'netflix', meter: { value: 4, max: 5 }, rewatch: true, episodesWatched: 11 }),
    entry({ id: 3, startedOn: '2025-11-30', status: 'watching', originCode: 'KR', origin: 'South Korea', platform: 'Viki', episodesWatched: 3, episodesTotal: 12 }),
    entry({ id: 4, startedOn: '2025-06-01', finishedOn: '2025-06-04', status: 'dropped', platform: 'Disney+' }),
    entry({ id: 5, status: 'planned', originCode: 'TH', origin: 'Thailand', createdAt: '2025-05-05T00:00:00.000Z' }),
    entry({ id: 6, finishedOn: '2024-12-31', originCode: 'CN', origin: 'China' }),
  ]

  it('counts by month, country and platform and averages the meter', () => {
    const s = summarizeYear(entries, 2025)
    expect(s.total).toBe(4)
    expect(s.byStatus).toEqual({ finished: 2, watching: 1, dropped: 1 })
    expect(s.rewatches).toBe(1)
    expect(s.episodes).toBe(16 + 11 + 3)
    expect(s.byMonth).toEqual([0, 0, 2, 0, 0, 1, 0, 0, 0, 0, 1, 0])
    expect(s.byCountry).toEqual([
      { key: 'kr', label: 'South Korea', count: 2 },
      { key: 'jp', label: 'Japan', count: 1 },
      { key: '', label: 'Unknown', count: 1 },
    ])
    expect(s.byPlatform).toEqual([
      { key: 'netflix', label: 'Netflix', count: 2 },
      { key: 'disney', label: 'Disney+', count: 1 },
      { key: 'viki', label: 'Viki', count: 1 },
    ])
    expect(s.averageMeter).toEqual({ value: 3, max: 5, rated: 2 })
    expect(s.meterSpread).toEqual([0, 0, 1, 0, 1, 0])
  })

  it('names a platform the way it is written most, capitals winning a tie', () => {
    const spelled = ['netflix', 'NETFLIX', 'NETFLIX', 'viki', 'Viki'].map((platform, i) => entry({ id: i, finishedOn: '2025-01-01', platform }))
    expect(summarizeYear(spelled, 2025).byPlatform).toEqual([
      { key: 'netflix', label: 'NETFLIX', count: 3 },
      { key: 'viki', label: 'Viki', count: 2 },
    ])
  })

  it('has no average when nothing was rated, and nothing at all for an empty year', () => {
    expect(summarizeYear(entries, 2024).averageMeter).toBeNull()
    const empty = summarizeYear(entries, 2023)
    expect(empty).toMatchObject({ total: 0, byCountry: [], byPlatform: [], averageMeter: null, meterSpread: [] })
    expect(empty.byMonth).toEqual(Array(12).fill(0))
  })

  it('rescales meters recorded on another scale', () => {
    const mixed = [entry({ finishedOn: '2025-01-01', meter: { value: 5, max: 10 } }), entry({ finishedOn: '2025-01-02', meter: { value: 1, max: 5 } })]
    expect(summarizeYear(mixed, 2025, 5).averageMeter).toEqual({ value: 1.8, max: 5, rated: 2 })
    expect(summarizeYear(mixed, 2025).averageMeter).toEqual({ value: 3.5, max: 10, rated: 2 })
  })

  it('accounts for every watch of the year exactly once in each breakdown', () => {
    const date = fc.date({ min: new Date('2023-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
    const arb = fc.record({
      finishedOn: fc.option(date),
      startedOn: fc.option(date),
      status: fc.constantFrom(...DIARY_STATUSES),
      originCode: fc.option(fc.constantFrom('KR', 'JP', 'TH')),
      platform: fc.option(fc.constantFrom('Netflix', 'NETFLIX', 'Viki', 'iQIYI')),
      meter: fc.option(fc.integer({ min: 0, max: 5 }).map((value) => ({ value, max: 5 }))),
    })
    fc.assert(
      fc.property(fc.array(arb, { maxLength: 40 }), fc.integer({ min: 2023, max: 2026 }), (rows, year) => {
        const list = rows.map((r, i) => entry({ id: i + 1, ...r }))
        const s = summarizeYear(list, year)
        const expected = list.filter((e) => e.status !== 'planned' && diaryDate(e).startsWith(`${year}-`)).length
        const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
        expect(s.total).toBe(expected)
        expect(sum(s.byMonth)).toBe(expected)
        expect(sum(s.byCountry.map((b) => b.count))).toBe(expected)
        expect(sum(s.byPlatform.map((b) => b.count))).toBe(expected)
        expect(sum(s.meterSpread)).toBe(s.averageMeter?.rated ?? 0)
        if (s.averageMeter) expect(s.averageMeter.value).toBeGreaterThanOrEqual(0)
        if (s.averageMeter) expect(s.averageMeter.value).toBeLessThanOrEqual(5)
      }),
    )
  })
})

describe('nextDiaryStamp', () => {
  const instant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })

  it('is the time of the save when the clock moved on', () => {
    expect(nextDiaryStamp('2025-03-21T08:00:00.000Z', new Date('2025-03-21T08:00:00.005Z'))).toBe('2025-03-21T08:00:00.005Z')
  })

  it('moves a millisecond on within the same millisecond or when the clock stepped back', () => {
    expect(nextDiaryStamp('2025-03-21T08:00:00.000Z', new Date('2025-03-21T08:00:00.000Z'))).toBe('2025-03-21T08:00:00.001Z')
    expect(nextDiaryStamp('2025-03-21T08:00:00.000Z', new Date('2025-03-20T08:00:00.000Z'))).toBe('2025-03-21T08:00:00.001Z')
  })

  it('never gives back the stamp before it, and comes later than it', () => fc.assert(fc.property(instant, instant, (previous, now) => {
    const before = previous.toISOString()
    const next = nextDiaryStamp(before, now)
    expect(next).not.toBe(before)
    expect(next > before).toBe(true)
  })))

  it('differs from any stamp it follows, even one in another spelling', () => fc.assert(fc.property(fc.string(), instant, (previous, now) => {
    expect(nextDiaryStamp(previous, now)).not.toBe(previous)
  })))
})

describe('canEditDiaryEntry', () => {
  const user = (role: Role) => ({ id: 7, role })

  it('lets owners and editors change every entry, authors only the ones they recorded', () => {
    for (const createdBy of [7, 8, null]) {
      expect(canEditDiaryEntry(user('owner'), { createdBy })).toBe(true)
      expect(canEditDiaryEntry(user('editor'), { createdBy })).toBe(true)
      expect(canEditDiaryEntry(user('author'), { createdBy })).toBe(createdBy === 7)
    }
  })
})
