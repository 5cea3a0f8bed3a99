/** A section heading found in text: `Acting – The Lead Carries Everything`. */
export type SectionHeading = {
  aspect: string
  verdict: string
  score: number | null
  scoreMax: number | null
  spoiler: boolean
}

const DASHES = '\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212'
const SEPARATOR_INSIDE = new RegExp(`\\s*[/${DASHES}]\\s*`, 'gu')
const MAX_VERDICT_WORDS = 16
// Both start only where a run of spaces does (`(?<!\s)`): trying every space of a long run is quadratic.
const SPOILER_MARK = /(?<!\s)\s*[([]\s*spoilers?\s*[)\]]\s*/iu
const SCORE = /(?<!\s)\s*[([]\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+)\s*[)\]]\s*$/u

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Builds a pattern for an aspect that tolerates case, spacing and any slash or dash inside it. */
function aspectPattern(aspect: string): string {
  return aspect
    .trim()
    .split(SEPARATOR_INSIDE)
    .map((word) => word.split(/\s+/u).map(escapeRegExp).join('\\s+'))
    .join(`\\s*[/${DASHES}]\\s*`)
}

/**
 * Compiles the rubric into a function that finds which aspect a heading starts with and what follows it.
 * Longer aspects win over their prefixes; case, spacing and the dash or slash style do not matter.
 */
export function compileAspectMatcher(rubric: readonly string[]): (heading: string) => { aspect: string; rest: string } | null {
  const matchers = [...rubric]
    .sort((a, b) => b.length - a.length)
    .map((aspect) => ({
      aspect,
      re: new RegExp(`^${aspectPattern(aspect)}(?:(\\s*)([${DASHES}:|]+)(\\s*)(.*)|\\s*(?::\\s*)?)$`, 'isu'),
    }))
  return (heading) => {
    const text = heading.trim()
    for (const { aspect, re } of matchers) {
      const m = re.exec(text)
      // A hyphen glued to both words makes a compound ("Acting-wise, …"), not a separator.
      if (m && m[4] && !m[1] && !m[3] && /^[-\u2010\u2011]+$/u.test(m[2]!)) continue
      if (m) return { aspect, rest: (m[4] ?? '').trim() }
    }
    return null
  }
}

const compiled = new Map<string, (line: string) => SectionHeading | null>()

/** Compiles the rubric into a matcher for heading lines in pasted text (cached per rubric); call it per line. */
export function compileRubric(rubric: readonly string[]): (line: string) => SectionHeading | null {
  const key = rubric.join('\u0000')
  let matcher = compiled.get(key)
  if (!matcher) {
    if (compiled.size > 32) compiled.clear()
    matcher = buildHeadingMatcher(rubric)
    compiled.set(key, matcher)
  }
  return matcher
}

function buildHeadingMatcher(rubric: readonly string[]): (line: string) => SectionHeading | null {
  const matchAspect = compileAspectMatcher(rubric)
  return (line) => {
    const m = matchAspect(line)
    if (!m) return null
    let verdict = m.rest
    const spoiler = SPOILER_MARK.test(verdict)
    verdict = verdict.replace(SPOILER_MARK, ' ').trim()
    let score: number | null = null
    let scoreMax: number | null = null
    const s = SCORE.exec(verdict)
    if (s) {
      score = Number(s[1])
      scoreMax = Number(s[2])
      verdict = verdict.slice(0, s.index).trim()
    }
    // A body sentence can open with an aspect and a dash; a verdict is a short title.
    const words = verdict.split(/\s+/u).length
    if (words > MAX_VERDICT_WORDS || (/[.,;]$/u.test(verdict) && words > 8)) return null
    return { aspect: m.aspect, verdict, score, scoreMax, spoiler }
  }
}

/** Formats a heading the way pasted text writes it. */
export function formatSectionHeading(h: Pick<SectionHeading, 'aspect' | 'verdict'>): string {
  return h.verdict ? `${h.aspect} – ${h.verdict}` : h.aspect
}
