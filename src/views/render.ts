import type { JSX } from 'hono/jsx/jsx-runtime'

/** Renders a page component to a complete HTML document. Pages are synchronous by design. */
export function renderDocument(page: JSX.Element): string {
  const html: unknown = page.toString()
  if (html instanceof Promise) throw new Error('page components must render synchronously')
  return `<!doctype html>${String(html)}`
}
