import { describe, expect, it } from 'vitest'
import { loadConfig } from './config.ts'

describe('the mail settings', () => {
  it('are both set or neither', () => {
    expect(loadConfig({}).mail).toBeNull()
    expect(loadConfig({ SMTP_URL: 'smtp://u:p@mail.example.org:587', NEWSLETTER_FROM: 'Rain <r@example.org>' }).mail).toEqual({ smtpUrl: 'smtp://u:p@mail.example.org:587', from: 'Rain <r@example.org>' })
    expect(() => loadConfig({ SMTP_URL: 'smtp://mail.example.org' })).toThrow(/NEWSLETTER_FROM/)
    expect(() => loadConfig({ NEWSLETTER_FROM: 'r@example.org' })).toThrow(/SMTP_URL/)
  })
  it('refuse what is not an SMTP address or a sender, without echoing a password', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://u:secret@mail.example.org', NEWSLETTER_FROM: 'r@example.org' })).toThrow(/^SMTP_URL must be an smtp:\/\/ or smtps:\/\/ address, got "http:\/\/…@mail\.example\.org"$/)
    expect(() => loadConfig({ SMTP_URL: 'smtp://mail.example.org', NEWSLETTER_FROM: 'nobody' })).toThrow(/NEWSLETTER_FROM must be an address/)
    expect(() => loadConfig({ DRAMALOG_NEWSLETTER_INTERVAL: '0' })).toThrow(/DRAMALOG_NEWSLETTER_INTERVAL must be 1 to 3600 seconds/)
  })
})
