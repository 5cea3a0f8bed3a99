import fc from 'fast-check'
import MarkdownIt from 'markdown-it'
import { describe, expect, it } from 'vitest'
import { mayHoldLink, renderMarkdown } from './markdown-html.ts'

describe('renderMarkdown', () => {
  it('links bare addresses and emails, with rel on web links, and refuses data: links', () => {
    expect(renderMarkdown('See https://wiki.example/Lantern for more.')).toBe(
      '<p>See <a href="https://wiki.example/Lantern" rel="noopener nofollow ugc">https://wiki.example/Lantern</a> for more.</p>\n',
    )
    expect(renderMarkdown('Write to me@mail.example')).toBe('<p>Write to <a href="mailto:me@mail.example">me@mail.example</a></p>\n')
    expect(renderMarkdown('[x](data:text/html,hi)')).toBe('<p>[x](data:text/html,hi)</p>\n')
    expect(renderMarkdown('No address here. None at all.')).toBe('<p>No address here. None at all.</p>\n')
  })

  it('renders a text the same whatever was rendered before it', () => {
    const piece = fc.constantFrom('word', ' ', '. ', '\n\n', '**bold** ', '_it_ ', 'wiki.example', 'https://a.example/x', 'me@mail.example', '[l](https://b.example)', '`code`', '> ')
    const text = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''))
    fc.assert(fc.property(fc.array(text, { minLength: 1, maxLength: 6 }), (texts) => {
      const forward = texts.map(renderMarkdown)
      const twice = texts.flatMap((t) => [renderMarkdown(t), renderMarkdown(t)])
      const backward = [...texts].reverse().map(renderMarkdown).reverse()
      expect(twice).toEqual(forward.flatMap((h) => [h, h]))
      expect(backward).toEqual(forward)
    }), { numRuns: 300 })
  })
})

describe('mayHoldLink', () => {
  const piece = fc.constantFrom('word', ' ', '.', '. ', ',', 'com', 'Com', 'rs', 'рф', 'xn--p1ai', 'www', 'localhost', '127', '0', '1', '@', 'me', ':', '//', '/', 'http', 'mailto', 'ftp', '-', '_', '\n', 'é', '東京')
  const text = fc.array(piece, { maxLength: 14 }).map((p) => p.join(''))

  it('is true for every text in which linkify-it finds a link', () => {
    const linkify = new MarkdownIt({ linkify: true }).linkify
    fc.assert(fc.property(text, (t) => {
      if (linkify.test(t)) expect(mayHoldLink(t)).toBe(true)
    }), { numRuns: 5000 })
    expect(['me@mail.example', 'http://x.example', '//cdn.example/x', 'mailto:me@mail.example'].every(mayHoldLink)).toBe(true)
    expect(mayHoldLink('No link here. Or here: at all, not even www.example.com')).toBe(false)
    // The rule above holds while links without a scheme are off, as they are by default.
    expect(linkify.test('visit www.example.com')).toBe(false)
  })

  it('leaves the HTML as markdown-it makes it', () => {
    const plain = new MarkdownIt({ html: false, linkify: true, typographer: true, breaks: false })
    fc.assert(fc.property(fc.array(fc.oneof(text, fc.constantFrom('**b** ', '\n\n', '[l](https://b.example) ', '> ')), { maxLength: 8 }).map((p) => p.join('')), (t) => {
      expect(renderMarkdown(t).replaceAll(' rel="noopener nofollow ugc"', '')).toBe(t ? plain.render(t) : '')
    }), { numRuns: 2000 })
  })
})
