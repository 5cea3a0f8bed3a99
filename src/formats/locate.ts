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
