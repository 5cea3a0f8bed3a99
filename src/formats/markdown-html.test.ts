import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { renderMarkdown } from './markdown-html.ts'

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
