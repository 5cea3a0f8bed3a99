/**
 * A small, strict XML 1.0 reader for tests of what Dramalog writes (feeds, sitemaps). It throws on
 * anything that is not well-formed: mismatched or unclosed tags, a second root, `<` or an unknown
 * entity in an attribute, `]]>` in text, characters XML forbids, duplicate attributes. It skips
 * DTDs (we write none) and keeps namespace prefixes as part of names (`content:encoded`).
 */
export type XmlElement = { name: string; attributes: Record<string, string>; children: XmlElement[]; text: string }

const NAME = /^[A-Za-z_][\w.:-]*/
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function decode(raw: string, where: string): string {
  return raw.replace(/&([^;]*);|&/g, (whole, name: string | undefined) => {
    if (name === undefined) throw new Error(`bare "&" in ${where}`)
    if (name in ENTITIES) return ENTITIES[name]!
    const num = /^#(?:x([\da-f]+)|(\d+))$/i.exec(name)
    if (num) return String.fromCodePoint(num[1] ? parseInt(num[1], 16) : Number(num[2]))
    throw new Error(`unknown entity "${whole}" in ${where}`)
  })
}

/** Parses a whole document and returns its root element. */
export function parseXml(xml: string): XmlElement {
  const bad = FORBIDDEN.exec(xml)
  if (bad) throw new Error(`character U+${bad[0].codePointAt(0)!.toString(16)} is not allowed in XML at ${bad.index}`)
  let i = 0
  const fail = (msg: string): never => {
    throw new Error(`${msg} at offset ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`)
  }
  const skipSpace = () => {
    while (i < xml.length && /\s/.test(xml[i]!)) i++
  }
  const skipMisc = () => {
    for (;;) {
      skipSpace()
      if (xml.startsWith('<?', i)) {
        const end = xml.indexOf('?>', i)
        if (end < 0) fail('unclosed processing instruction')
        i = end + 2
      } else if (xml.startsWith('<!--', i)) {
        const end = xml.indexOf('-->', i)
        if (end < 0) fail('unclosed comment')
        i = end + 3
      } else return
    }
  }
  const readName = () => {
    const m = NAME.exec(xml.slice(i, i + 200))
    if (!m) fail('expected a name')
    i += m![0].length
    return m![0]
  }
  const readElement = (): XmlElement => {
    if (xml[i] !== '<') fail('expected "<"')
    i++
    const el: XmlElement = { name: readName(), attributes: {}, children: [], text: '' }
    for (;;) {
      const before = i
      skipSpace()
      if (xml.startsWith('/>', i)) {
        i += 2
        return el
      }
      if (xml[i] === '>') {
        i++
        break
      }
      if (i === before) fail('expected space between attributes')
      const attr = readName()
      skipSpace()
      if (xml[i] !== '=') fail('expected "="')
      i++
      skipSpace()
      const quote = xml[i]
      if (quote !== '"' && quote !== "'") fail('expected a quoted attribute value')
      const end = xml.indexOf(quote!, i + 1)
      if (end < 0) fail('unclosed attribute value')
      const raw = xml.slice(i + 1, end)
      if (raw.includes('<')) fail(`"<" in attribute ${attr}`)
      if (attr in el.attributes) fail(`duplicate attribute ${attr}`)
      el.attributes[attr] = decode(raw, `attribute ${attr}`)
      i = end + 1
    }
    for (;;) {
      if (i >= xml.length) fail(`unclosed element <${el.name}>`)
      if (xml.startsWith('</', i)) {
        i += 2
        const name = readName()
        if (name !== el.name) fail(`</${name}> closes <${el.name}>`)
        skipSpace()
        if (xml[i] !== '>') fail('expected ">"')
        i++
        return el
      }
      if (xml.startsWith('<![CDATA[', i)) {
        const end = xml.indexOf(']]>', i)
        if (end < 0) fail('unclosed CDATA section')
        el.text += xml.slice(i + 9, end)
        i = end + 3
      } else if (xml.startsWith('<!--', i) || xml.startsWith('<?', i)) {
        skipMisc()
      } else if (xml[i] === '<') {
        el.children.push(readElement())
      } else {
        const end = xml.indexOf('<', i)
        const raw = xml.slice(i, end < 0 ? xml.length : end)
        if (raw.includes(']]>')) fail('"]]>" in text')
        el.text += decode(raw, `<${el.name}>`)
        i += raw.length
      }
    }
  }
  skipMisc()
  if (xml.startsWith('<!DOCTYPE', i)) fail('unexpected DOCTYPE')
  const root = readElement()
  skipMisc()
  if (i !== xml.length) fail('content after the root element')
  return root
}

/** The child elements with a name. */
export const childrenNamed = (el: XmlElement, name: string): XmlElement[] => el.children.filter((c) => c.name === name)

/** The one child element with a name; throws when there is none or several. */
export function child(el: XmlElement, name: string): XmlElement {
  const found = childrenNamed(el, name)
  if (found.length !== 1) throw new Error(`<${el.name}> has ${found.length} <${name}> children, expected 1`)
  return found[0]!
}

/** The text of the one child element with a name, trimmed of the writer's indentation. */
export const childText = (el: XmlElement, name: string): string => child(el, name).text.trim()
