import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  canModerateComment, checkFormStamp, COMMENT_RULES, commentCountLabel, commentParagraphs, countLinks, linkify, normalizeWebsite,
  parseCommentForm, rateLimitWait, signFormStamp, trustKey,
} from './comments.ts'

describe('the comment form', () => {
  it('keeps what a person typed, tidied', () => {
    expect(parseCommentForm({ name: '  Ana ', email: ' Ana@Example.ORG ', website: 'ana.example/blog', body: ' Hi\r\nthere \n', parentId: '7' })).toEqual({
      ok: true,
      value: { name: 'Ana', email: 'ana@example.org', website: 'https://ana.example/blog', body: 'Hi\nthere', parentId: 7 },
    })
    expect(parseCommentForm({ name: 'Bo', body: 'Hi', email: '', website: '  ', parentId: '' })).toEqual({
      ok: true, value: { name: 'Bo', email: null, website: null, body: 'Hi', parentId: null },
    })
  })

  it('names every field that is wrong', () => {
    expect(parseCommentForm({ name: ' ', email: 'not-an-email', website: 'javascript:alert(1)', body: '   ' })).toEqual({
      ok: false,
      errors: {
        name: 'Please enter your name.',
        email: 'This email address does not look right.',
        website: 'Use a web address such as https://example.com.',
        body: 'Please write a comment.',
      },
    })
    expect(parseCommentForm({ name: 'Buy http://pills.example', body: 'x' })).toMatchObject({ ok: false, errors: { name: 'Please leave links out of your name.' } })
    expect(parseCommentForm({ name: 'A', body: 'x'.repeat(5001) })).toMatchObject({ ok: false, errors: { body: 'Please keep it under 5,000 characters.' } })
  })

  it('accepts only http(s) websites with a real host', () => {
    expect(normalizeWebsite('https://ana.example')).toBe('https://ana.example/')
    expect(normalizeWebsite('HTTP://Ana.Example/x?y=1')).toBe('http://ana.example/x?y=1')
    for (const bad of ['javascript:alert(1)', 'data:text/html,<b>', 'ftp://ana.example', 'localhost', 'https://user:pw@ana.example', 'http://']) {
      expect(normalizeWebsite(bad), bad).toBeNull()
    }
  })
})

describe('links in comment text', () => {
  it('links http(s) addresses and leaves punctuation outside', () => {
    expect(linkify('See https://a.example/x, or (http://b.example/wiki/Foo_(bar)).')).toEqual([
      { kind: 'text', text: 'See ' },
      { kind: 'link', text: 'https://a.example/x', href: 'https://a.example/x' },
      { kind: 'text', text: ', or (' },
      { kind: 'link', text: 'http://b.example/wiki/Foo_(bar)', href: 'http://b.example/wiki/Foo_(bar)' },
      { kind: 'text', text: ').' },
    ])
  })

  it('never links another scheme and stops before markup characters', () => {
    expect(linkify('javascript:alert(1) data:text/html,x')).toEqual([{ kind: 'text', text: 'javascript:alert(1) data:text/html,x' }])
    expect(linkify('http://evil.example/"><script>')).toEqual([
      { kind: 'link', text: 'http://evil.example/', href: 'http://evil.example/' },
      { kind: 'text', text: '"><script>' },
    ])
  })

  it('only ever makes http(s) hrefs, and loses no text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '.', ':', '/', 'h', 't', 'p', 's', '(', ')', '<', '"', 'x', '\n') }), (text) => {
        const segments = linkify(text)
        expect(segments.map((s) => s.text).join('')).toBe(text)
        for (const s of segments) if (s.kind === 'link') expect(s.href).toMatch(/^https?:\/\/[^\s<>"]+$/)
      }),
    )
  })

  it('keeps paragraphs and line breaks', () => {
    expect(commentParagraphs('One\ntwo\r\n\r\n\nThree')).toEqual([
      [[{ kind: 'text', text: 'One' }], [{ kind: 'text', text: 'two' }]],
      [[{ kind: 'text', text: 'Three' }]],
    ])
  })

  it('counts every way of writing a link', () => {
    expect(countLinks('plain text, e-mail ana@www.example.org')).toBe(0)
    expect(countLinks('http://a.example https://b.example')).toBe(2)
    expect(countLinks('www.pills.example <a href="x">y</a> [url=z]w[/url]')).toBe(3)
  })
})

describe('trusting a commenter', () => {
  it('knows a person by email, else by name and website', () => {
    expect(trustKey({ name: 'Ana', email: 'Ana@Example.org', website: 'https://x.example' })).toBe('email:ana@example.org')
    const key = trustKey({ name: ' Ana  Li ', email: null, website: 'https://www.Ana.example/blog/' })
    expect(key).toBe('name:ana li|ana.example/blog')
    expect(trustKey({ name: 'ana li', email: null, website: 'http://ana.example/blog' })).toBe(key)
    expect(trustKey({ name: 'Ana', email: null, website: null })).toBeNull()
  })
})

describe('who moderates', () => {
  it('lets owners and editors moderate everything, authors only their own reviews', () => {
    expect(canModerateComment({ id: 1, role: 'owner' }, 9)).toBe(true)
    expect(canModerateComment({ id: 1, role: 'editor' }, null)).toBe(true)
    expect(canModerateComment({ id: 3, role: 'author' }, 3)).toBe(true)
    expect(canModerateComment({ id: 3, role: 'author' }, 4)).toBe(false)
    expect(canModerateComment({ id: 3, role: 'author' }, null)).toBe(false)
  })
})

describe('the signed form time', () => {
  const secret = 'test-secret'
  const t0 = new Date('2025-05-01T10:00:00Z')
  const at = (ms: number) => new Date(t0.getTime() + ms)

  it('accepts a form filled in for more than 3 s and less than a day', () => {
    const stamp = signFormStamp(t0, secret)
    expect(checkFormStamp(stamp, secret, at(2_999))).toEqual({ ok: false, reason: 'too_fast' })
    expect(checkFormStamp(stamp, secret, at(COMMENT_RULES.minFillMs))).toEqual({ ok: true })
    expect(checkFormStamp(stamp, secret, at(86_400_000))).toEqual({ ok: true })
    expect(checkFormStamp(stamp, secret, at(86_400_001))).toEqual({ ok: false, reason: 'stale' })
  })

  it('refuses a forged, altered or missing stamp', () => {
    const stamp = signFormStamp(t0, secret)
    expect(checkFormStamp(stamp, 'another-secret', at(10_000))).toEqual({ ok: false, reason: 'invalid' })
    const [, sig] = stamp.split('.')
    expect(checkFormStamp(`${t0.getTime() - 60_000}.${sig}`, secret, at(10_000))).toEqual({ ok: false, reason: 'invalid' })
    expect(checkFormStamp(undefined, secret, at(10_000))).toEqual({ ok: false, reason: 'invalid' })
    expect(checkFormStamp('', secret, at(10_000))).toEqual({ ok: false, reason: 'invalid' })
  })
})

describe('the rate limit', () => {
  const now = new Date('2025-05-01T10:10:00Z')
  const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString()

  it('allows five comments per ten minutes and says when the next one may come', () => {
    expect(rateLimitWait([ago(60), ago(50), ago(40), ago(30)], now)).toBe(0)
    expect(rateLimitWait([ago(60), ago(50), ago(40), ago(30), ago(20)], now)).toBe(600 - 60)
    // Posts older than the window no longer count.
    expect(rateLimitWait([ago(700), ago(650), ago(40), ago(30), ago(20)], now)).toBe(0)
  })
})

it('says how many comments there are', () => {
  expect([0, 1, 3].map(commentCountLabel)).toEqual(['No comments yet', '1 comment', '3 comments'])
})
