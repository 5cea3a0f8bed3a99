import MarkdownIt from 'markdown-it'

/**
 * Bump when the output of `renderMarkdown` changes: stored HTML from an older version is
 * re-rendered when the site opens.
 */
export const RENDER_VERSION = 1

// Raw HTML is off: review text is the reviewer's, but imports bring text from anywhere.
const md = new MarkdownIt({ html: false, linkify: true, typographer: true, breaks: false })

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options))
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!
  const href = String(token.attrGet('href') ?? '')
  if (/^https?:\/\//i.test(href)) {
    token.attrSet('rel', 'noopener nofollow ugc')
  }
  return defaultLinkOpen(tokens, idx, options, env, self)
}

// markdown-it asks linkify-it about each paragraph, then about each run of text in it: for a
// paragraph without markup, the same text twice. The answer depends on the text alone, so the last
// one is kept; and text with no sign of a link is not scanned (the scan was a good part of
// rendering long reviews).
const linkifyTest = md.linkify.test.bind(md.linkify)
let lastTested: string | null = null
let lastAnswer = false
md.linkify.test = (text: string) => {
  if (text !== lastTested) {
    lastAnswer = mayHoldLink(text) && linkifyTest(text)
    lastTested = text
  }
  return lastAnswer
}

// Every link linkify-it finds has one of these: `//` after a scheme (http:, https:, ftp:, or none)
// or an email's `@` (mailto: too). Links without a scheme (`fuzzyLink`) are off by default.
const LINK_SIGN = /\/\/|@/

/** False when linkify-it can find no link in `text`. */
export function mayHoldLink(text: string): boolean {
  return LINK_SIGN.test(text)
}

// markdown-it's own validateLink already refuses javascript:, vbscript:, file: and non-image data:.
const defaultValidate = md.validateLink.bind(md)
md.validateLink = (url) => defaultValidate(url) && !/^\s*data:/i.test(url)

/** Renders review Markdown to HTML that is safe to put in a page as is. */
export function renderMarkdown(source: string): string {
  return source ? md.render(source) : ''
}
