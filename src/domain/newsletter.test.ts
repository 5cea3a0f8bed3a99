import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hashToken, isTokenShaped, NEWSLETTER_RETRY_DELAYS_S, parseSubscriberEmail, retryAfterFailure } from './newsletter.ts'

describe('parseSubscriberEmail', () => {
  it('keeps one spelling of an address', () => {
    expect(parseSubscriberEmail('  Mira.Chen+drama@Example.ORG ')).toEqual({ ok: true, email: 'mira.chen+drama@example.org' })
  })

  it('says what is wrong with anything else', () => {
    expect(parseSubscriberEmail('')).toEqual({ ok: false, message: 'Please enter your email address.' })
    expect(parseSubscriberEmail(undefined)).toEqual({ ok: false, message: 'Please enter your email address.' })
    for (const bad of ['mira', 'mira@', '@example.org', 'mira@example', 'a b@example.org', 'mira@example.org>', 'm@x.org\nBcc: y@z.org', '"m"@x.org']) {
      expect(parseSubscriberEmail(bad), JSON.stringify(bad)).toEqual({ ok: false, message: 'This does not look like an email address (name@example.com).' })
    }
    expect(parseSubscriberEmail(`${'m'.repeat(250)}@x.org`)).toEqual({ ok: false, message: 'This email address is too long.' })
  })

  it('never lets through a line break, a bracket or a comma, which could add a header or a recipient', () => {
    fc.assert(fc.property(fc.string(), fc.constantFrom('\r', '\n', '<', '>', ',', ';', '"'), fc.string(), (a, ch, b) => {
      const r = parseSubscriberEmail(`${a}x${ch}y${b}@example.org`)
      if (r.ok) expect(r.email).not.toMatch(/[\r\n<>,;"\s]/)
      expect(parseSubscriberEmail(`x${ch}y@example.org`).ok).toBe(false)
    }))
  })
})

describe('tokens', () => {
  it('are stored hashed, and only the shape links carry is looked up', () => {
    expect(hashToken('a'.repeat(43))).toMatch(/^[\w-]{43}$/)
    expect(hashToken('a'.repeat(43))).not.toBe('a'.repeat(43))
    expect(isTokenShaped('A_b-'.repeat(10) + 'abc')).toBe(true)
    for (const bad of [undefined, '', 'short', 'a'.repeat(44), `${'a'.repeat(42)}=`, ['x']]) expect(isTokenShaped(bad)).toBe(false)
  })
})

describe('retryAfterFailure', () => {
  const now = new Date('2030-01-01T00:00:00Z')
  it('waits longer after each failure, then gives up', () => {
    NEWSLETTER_RETRY_DELAYS_S.forEach((delay, i) => {
      expect(retryAfterFailure(i + 1, false, now)).toEqual({ retryAt: new Date(now.getTime() + delay * 1000).toISOString() })
    })
    expect(retryAfterFailure(NEWSLETTER_RETRY_DELAYS_S.length + 1, false, now)).toEqual({ giveUp: true })
  })
  it('gives up at once on a permanent refusal', () => {
    expect(retryAfterFailure(1, true, now)).toEqual({ giveUp: true })
  })
})
