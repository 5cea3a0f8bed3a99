import { generateKeyPairSync } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { digestHeader, parseSignatureHeader, precheckSignedPost, signRequest, verifySignature } from './http-signatures.ts'

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } })
const NOW = new Date('2030-03-01T10:00:00Z')
const URL_ = 'https://reviews.example.com/ap/inbox?x=1'
const sign = (body: string, now = NOW) => signRequest({ method: 'POST', url: URL_, body, keyId: 'https://a.example/actor#main-key', privateKeyPem: privateKey, now })
const request = (headers: Record<string, string>) => ({ method: 'POST', path: '/ap/inbox?x=1', headers })

describe('HTTP signatures', () => {
  it('signs (request-target) host date digest, and the receiver verifies any body', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (body) => {
        const headers = sign(body)
        expect(headers).toMatchObject({ host: 'reviews.example.com', date: 'Fri, 01 Mar 2030 10:00:00 GMT', digest: digestHeader(body) })
        const pre = precheckSignedPost(request(headers), body, NOW)
        expect(pre.ok).toBe(true)
        if (pre.ok) expect(verifySignature(request(headers), pre.signature, publicKey)).toBe(true)
      }),
      { numRuns: 25 },
    )
  })

  it('reads a Signature header as Mastodon writes it', () => {
    expect(parseSignatureHeader('keyId="https://m.example/users/a#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest content-type",signature="c2ln"')).toEqual({
      keyId: 'https://m.example/users/a#main-key', algorithm: 'rsa-sha256', headers: ['(request-target)', 'host', 'date', 'digest', 'content-type'], signature: 'c2ln',
    })
    expect(parseSignatureHeader('nonsense')).toBeNull()
  })

  it('names what is wrong: missing, partial, stale, tampered', () => {
    const body = '{"type":"Follow"}'
    const headers = sign(body)
    expect(precheckSignedPost(request({ ...headers, signature: '' }), body, NOW)).toEqual({ ok: false, problem: 'missing_signature' })
    expect(precheckSignedPost(request({ ...headers, signature: headers.signature!.replace(' digest', '') }), body, NOW)).toEqual({ ok: false, problem: 'unsigned_headers' })
    expect(precheckSignedPost(request(headers), body, new Date(NOW.getTime() + 6 * 60_000))).toEqual({ ok: false, problem: 'stale_date' })
    expect(precheckSignedPost(request(headers), body.replace('Follow', 'Undo'), NOW)).toEqual({ ok: false, problem: 'bad_digest' })
    const pre = precheckSignedPost(request(headers), body, NOW)
    if (!pre.ok) throw new Error('expected a good signature')
    // Another path, another host or another key: the signature no longer matches.
    expect(verifySignature({ ...request(headers), path: '/ap/inbox' }, pre.signature, publicKey)).toBe(false)
    expect(verifySignature(request({ ...headers, host: 'evil.example' }), pre.signature, publicKey)).toBe(false)
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }) as string
    expect(verifySignature(request(headers), pre.signature, other)).toBe(false)
    expect(verifySignature(request(headers), pre.signature, 'not a key')).toBe(false)
  })
})
