import { describe, expect, it } from 'vitest'
import { actorUrls, isLoopbackAddress, isNonPublicAddress, parseAcct, repliedReviewSlug, replyPlainText } from './activitypub.ts'

describe('fediverse rules', () => {
  it('reads accounts as people write them', () => {
    expect(parseAcct('@mira@example.social')).toEqual({ username: 'mira', host: 'example.social' })
    expect(parseAcct('acct:mira@Example.Social')).toEqual({ username: 'mira', host: 'example.social' })
    expect(parseAcct('reviews@127.0.0.1:4000')).toEqual({ username: 'reviews', host: '127.0.0.1:4000' })
    expect(parseAcct('mira')).toBeNull()
    expect(parseAcct('https://example.social/@mira')).toBeNull()
  })

  it('finds the review a reply answers, by page or Article address, below a sub-path too', () => {
    const urls = actorUrls('https://me.example/blog/', 'reviews')
    expect(urls.handle).toBe('reviews@me.example')
    expect(repliedReviewSlug('https://me.example/blog/reviews/moon-ferry', urls)).toBe('moon-ferry')
    expect(repliedReviewSlug('https://me.example/blog/ap/reviews/%EC%A2%85%EC%9D%B4%EB%93%B1', urls)).toBe('종이등')
    expect(repliedReviewSlug('https://me.example/reviews/moon-ferry', urls)).toBeNull()
    expect(repliedReviewSlug('https://other.example/blog/reviews/moon-ferry', urls)).toBeNull()
    expect(repliedReviewSlug('https://me.example/blog/reviews/moon-ferry/create', urls)).toBeNull()
  })

  it('turns a reply into plain text with only safe links', () => {
    expect(replyPlainText('<p><span class="h-card"><a href="https://m.example/@ana" class="u-url mention">@<span>ana</span></a></span> hi &amp; bye</p><p>two<br>lines</p>')).toBe('@ana hi & bye\n\ntwo\nlines')
    expect(replyPlainText('<a href="https://example.com/a/very/long/path">example.com/a/very/…</a>')).toBe('https://example.com/a/very/long/path')
    expect(replyPlainText('see <a href="https://example.com/x">this</a> and <a href="javascript:alert(1)">that</a>')).toBe('see this (https://example.com/x) and that')
    expect(replyPlainText('<script>alert(1)</script>ok &lt;b&gt; &#128512;')).toBe('ok <b> 😀')
  })

  it('tells public addresses from this machine and private networks', () => {
    for (const ip of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:a00:1']) {
      expect(isNonPublicAddress(ip), ip).toBe(true)
    }
    for (const ip of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '172.32.0.1']) expect(isNonPublicAddress(ip), ip).toBe(false)
    expect(isLoopbackAddress('127.0.0.5')).toBe(true)
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true)
    expect(isLoopbackAddress('10.0.0.1')).toBe(false)
  })
})
