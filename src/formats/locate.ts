import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml'

/**
 * Parses YAML (or JSON, which YAML reads too) keeping positions, so problems found later by
 * schema validation can point at the line of the offending key.
 */
export function locateYaml(text: string, firstLine = 1) {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true })
  const lineAt = (offset: number) => lineCounter.linePos(offset).line + firstLine - 1
  return {
    doc,
    // The parser's own "at line N, column M" counts from the start of `text`, not of the file: drop it.
    errors: doc.errors.map((e) => ({
      line: lineAt(e.pos[0]),
      message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
    })),
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
