import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml'

/** Deepest nesting handed to the YAML parser; no review, manifest or front matter comes near it. */
export const MAX_YAML_DEPTH = 64

/**
 * The first line nesting deeper than `max` levels, or null. Brackets outside quotes count as flow
 * levels, indentation and `- `/`? `/`: ` markers as block levels; an estimate on the high side is
 * enough, since the limit is far above anything real. The YAML parser recurses per level, slows
 * down with every one, and with thousands of them makes V8 abort the whole process.
 */
export function tooDeepAt(text: string, max = MAX_YAML_DEPTH): number | null {
  const lead = /[ \t]*(?:[-?:][ \t]+)*/y
  let flow = 0
  let line = 1
  let quote: string | null = null
  let lineStart = true
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (lineStart) {
      lineStart = false
      lead.lastIndex = i
      lead.test(text)
      const indent = lead.lastIndex - i
      if (indent > max * 4) return line
    }
    if (ch === '\n') {
      // A quote left open at the end of a line stops hiding brackets: erring on the deep side.
      line++
      lineStart = true
      quote = null
    } else if (quote) {
      if (ch === '\\' && quote === '"') i++
      else if (ch === quote) quote = null
    } else if ((ch === '"' || ch === "'") && /^$|[\s[{,:-]/.test(text[i - 1] ?? '')) quote = ch
    else if (ch === '[' || ch === '{') {
      if (++flow > max) return line
    } else if ((ch === ']' || ch === '}') && flow > 0) flow--
  }
  return null
}

/**
 * Parses YAML (or JSON, which YAML reads too) keeping positions, so problems found later by
 * schema validation can point at the line of the offending key.
 */
export function locateYaml(text: string, firstLine = 1) {
  const lineCounter = new LineCounter()
  const deep = tooDeepAt(text)
  // Too deep to parse safely: an empty document and the one problem, located.
  const doc = parseDocument(deep === null ? text : '', { lineCounter, uniqueKeys: true })
  const lineAt = (offset: number) => lineCounter.linePos(offset).line + firstLine - 1
  const errors = doc.errors.map((e) => ({
    line: lineAt(e.pos[0]),
    // The parser's own "at line N, column M" counts from the start of `text`, not of the file: drop it.
    message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
  }))
  if (deep !== null) errors.push({ line: deep + firstLine - 1, message: `nests deeper than ${MAX_YAML_DEPTH} levels` })
  return {
    doc,
    errors,
    /** The line of the deepest node on `path` that exists. */
    lineOf(path: readonly PropertyKey[]): number {
      let node: unknown = doc.contents
      let line = node && (node as Node).range ? lineAt((node as Node).range![0]) : firstLine
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value) === String(key))
          if (!pair) break
          const keyNode = pair.key as Node | null
          if (keyNode?.range) line = lineAt(keyNode.range[0])
          node = pair.value
        } else if (isSeq(node)) {
          const item = node.items[Number(key)] as Node | undefined
          if (!item) break
          if (item.range) line = lineAt(item.range[0])
          node = item
        } else break
      }
      return line
    },
  }
}

const JSON_STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y
const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y
const JSON_WORD = /true|false|null/y
/** Paths deeper than this are not remembered: schema problems sit far shallower. */
const JSON_PATH_DEPTH = 8

/**
 * Scans JSON for where things are, in one pass without recursion (so any nesting is fine) and in
 * time linear in the text: `errorOffset` is where the syntax first goes wrong (null when it does
 * not), `lineOf` the line of the deepest node on a path that exists. V8's messages give no
 * position for some errors, and a YAML parser both accepts what JSON does not and slows down
 * badly on large maps, so neither can say which line to report.
 */
export function locateJson(text: string) {
  const lines = new Map<string, number>()
  let i = text.startsWith('\ufeff') ? 1 : 0
  let line = 1
  const space = () => {
    for (;;) {
      const ch = text.charCodeAt(i)
      if (ch === 0x0a || (ch === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) line++
      else if (ch !== 0x20 && ch !== 0x09 && ch !== 0x0d) return
      i++
    }
  }
  const eat = (re: RegExp): string | null => {
    re.lastIndex = i
    if (!re.test(text)) return null
    const token = text.slice(i, re.lastIndex)
    i = re.lastIndex
    return token
  }
  // A path is remembered by a key built as the scan goes: "" for the top, then "/s<key>" per
  // member and "/n<index>" per item, so nothing is copied per value.
  const remember = (key: string | null) => {
    if (key !== null && !lines.has(key)) lines.set(key, line)
  }
  type Frame = { close: '}' | ']'; key: string | null; depth: number; count: number }
  const stack: Frame[] = []
  const child = (frame: Frame, part: string) => (frame.key !== null && frame.depth < JSON_PATH_DEPTH ? `${frame.key}/${part}` : null)
  /** Reads an object's key and colon; the key of the value that follows, or false. */
  const member = (frame: Frame): string | null | false => {
    space()
    const token = eat(JSON_STRING)
    if (token === null) return false
    const name = token.includes('\\') ? (JSON.parse(token) as string) : token.slice(1, -1)
    const key = child(frame, `s${name}`)
    remember(key)
    space()
    if (text[i] !== ':') return false
    i++
    return key
  }

  let errorOffset: number | null = null
  let path: string | null | false = ''
  scan: for (;;) {
    // A value at `path`.
    space()
    remember(path)
    const open = text[i]
    if (open === '{' || open === '[') {
      i++
      const frame: Frame = { close: open === '{' ? '}' : ']', key: path, depth: stack.length + 1, count: 0 }
      space()
      if (text[i] === frame.close) i++
      else {
        stack.push(frame)
        path = open === '{' ? member(frame) : child(frame, 'n0')
        if (path === false) {
          errorOffset = i
          break
        }
        continue
      }
    } else if (eat(JSON_STRING) === null && eat(JSON_NUMBER) === null && eat(JSON_WORD) === null) {
      errorOffset = i
      break
    }
    // After a value: the next item, the end of its container, or the end of the text.
    for (;;) {
      space()
      const frame = stack.at(-1)
      if (!frame) {
        if (i !== text.length) errorOffset = i
        break scan
      }
      if (text[i] === frame.close) {
        i++
        stack.pop()
        continue
      }
      if (text[i] !== ',') {
        errorOffset = i
        break scan
      }
      i++
      frame.count++
      path = frame.close === '}' ? member(frame) : child(frame, `n${frame.count}`)
      if (path === false) {
        errorOffset = i
        break scan
      }
      continue scan
    }
  }
  return {
    errorOffset,
    /** The line where the syntax goes wrong, or null. */
    errorLine: errorOffset === null ? null : line,
    /** The line of the deepest node on `path` that exists. */
    lineOf(path: readonly PropertyKey[]): number {
      const keys = ['']
      for (const part of path.slice(0, JSON_PATH_DEPTH)) keys.push(`${keys.at(-1)}/${typeof part === 'number' ? 'n' : 's'}${String(part)}`)
      for (const key of keys.reverse()) {
        const found = lines.get(key)
        if (found !== undefined) return found
      }
      return 1
    },
  }
}
