import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { basePathOf, outputFile, withBasePath } from './paths.ts'

describe('outputFile', () => {
  it('puts pages in folders and keeps files with an extension as they are', () => {
    expect(outputFile('/')).toBe('index.html')
    expect(outputFile('/reviews/paper-lanterns')).toBe('reviews/paper-lanterns/index.html')
    expect(outputFile('/tag/slow-burn/sort/title/page/2')).toBe('tag/slow-burn/sort/title/page/2/index.html')
    expect(outputFile('/feed.xml')).toBe('feed.xml')
    expect(outputFile('/tag/thriller/feed.xml')).toBe('tag/thriller/feed.xml')
    expect(outputFile('/404.html')).toBe('404.html')
  })

  it('decodes escaped names, as static hosts do before looking for the file', () => {
    expect(outputFile(`/tag/${encodeURIComponent('스릴러')}`)).toBe('tag/스릴러/index.html')
  })
})

describe('basePathOf', () => {
  it('is the path of the public address with a slash at each end', () => {
    expect(basePathOf(null)).toBe('/')
    expect(basePathOf('https://example.com')).toBe('/')
    expect(basePathOf('https://me.github.io/blog')).toBe('/blog/')
    expect(basePathOf('https://me.github.io/blog/')).toBe('/blog/')
  })
})

describe('withBasePath', () => {
  const page = '<a href="/">Home</a><a href="/tag/x">x</a><a href="https://other.example/a">o</a><a href="//cdn.example/x">c</a><a href="#top">t</a>' +
    '<img src="/media/p.jpg" srcset="/media/p.w300.jpg 300w, /media/p.w600.jpg 600w"/><form action="/search"></form>' +
    '<div data-index="/search/"></div><p>Write href=&quot;/x&quot; to link</p><form style="--t: url(&quot;/reviews/x/time&quot;)"></form>'

  it('moves site-absolute addresses below the base path and leaves the rest', () => {
    expect(withBasePath(page, '/blog/')).toBe(
      '<a href="/blog/">Home</a><a href="/blog/tag/x">x</a><a href="https://other.example/a">o</a><a href="//cdn.example/x">c</a><a href="#top">t</a>' +
        '<img src="/blog/media/p.jpg" srcset="/blog/media/p.w300.jpg 300w, /blog/media/p.w600.jpg 600w"/><form action="/blog/search"></form>' +
        '<div data-index="/blog/search/"></div><p>Write href=&quot;/x&quot; to link</p><form style="--t: url(&quot;/blog/reviews/x/time&quot;)"></form>',
    )
  })

  it('prefixes any site-absolute address in any attribute that holds one, and only those', () => {
    const segment = fc.stringMatching(/^[a-z0-9-]{1,12}$/)
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 4 }), fc.constantFrom('href', 'src', 'action', 'data-index'), fc.boolean(), (parts, attr, external) => {
        const path = external ? `https://x.example/${parts.join('/')}` : `/${parts.join('/')}`
        const expected = external ? path : `/blog${path}`
        expect(withBasePath(`<a ${attr}="${path}">/${parts[0] ?? ''}</a>`, '/blog/')).toBe(`<a ${attr}="${expected}">/${parts[0] ?? ''}</a>`)
      }),
    )
  })
})
