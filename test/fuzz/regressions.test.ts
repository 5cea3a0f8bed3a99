// Inputs the fuzzing campaign found, each kept as a test of what it broke.
import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts'
import { readPastedText } from '../../src/formats/pasted-text.ts'

/** Milliseconds `run` takes. */
function timed(run: () => unknown): number {
  const started = performance.now()
  run()
  return performance.now() - started
}

describe('inputs found by fuzzing', () => {
  it('pasted text: a long run of spaces inside a line is read in linear time', () => {
    // Trailing space was trimmed with /\s+$/, which tries every start in the run: 40,000 spaces
    // took 8 s, the 300,000 here minutes.
    const spaces = ' '.repeat(300_000)
    for (const text of [`${spaces}x`, `Year: 2024\n\nA – B\n\nActing – Fine\n${spaces}x\n`]) {
      let result: ReturnType<typeof readPastedText> | undefined
      expect(timed(() => (result = readPastedText(text, DEFAULT_SETTINGS, 'spaces.txt')))).toBeLessThan(1000)
      expect(result!.ok || result!.issues.every((i) => i.file === 'spaces.txt' && i.line >= 1 && i.line <= text.split('\n').length)).toBe(true)
    }
  })
})
