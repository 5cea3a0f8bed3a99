import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { compileAspectMatcher, compileRubric, formatSectionHeading } from './rubric.ts'
import { DEFAULT_RUBRIC } from './settings.ts'

const matchHeading = compileRubric(DEFAULT_RUBRIC)
const heading = (aspect: string, verdict: string, extra: { score?: number; scoreMax?: number; spoiler?: boolean } = {}) => ({
  aspect, verdict, score: extra.score ?? null, scoreMax: extra.scoreMax ?? null, spoiler: extra.spoiler ?? false,
})

describe('compileRubric headings', () => {
  it.each([
    ['Acting – The Lead Carries Everything', heading('Acting', 'The Lead Carries Everything')],
    ['Acting — The Lead Carries Everything', heading('Acting', 'The Lead Carries Everything')],
    ['Acting - The Lead Carries Everything', heading('Acting', 'The Lead Carries Everything')],
    ['Acting -- The Lead Carries Everything', heading('Acting', 'The Lead Carries Everything')],
    ['Acting: The Lead Carries Everything', heading('Acting', 'The Lead Carries Everything')],
    ['Acting | The Lead', heading('Acting', 'The Lead')],
    ['Acting–The Lead', heading('Acting', 'The Lead')],
    ['Story / Writing – Patient, Then Relentless', heading('Story / Writing', 'Patient, Then Relentless')],
    ['Story/Writing – Tighter Than Season One', heading('Story / Writing', 'Tighter Than Season One')],
    ['STORY - WRITING – x', heading('Story / Writing', 'x')],
    ['story – writing: Fine', heading('Story / Writing', 'Fine')],
    ['  Story  /   Writing   –   Patient  ', heading('Story / Writing', 'Patient')],
    ['VIBES   —   Rain, Neon and Regret', heading('Vibes', 'Rain, Neon and Regret')],
    ['Originality – Borrowed Bones, New Skin', heading('Originality', 'Borrowed Bones, New Skin')],
    ['Impact – Episode 9 – The Lantern', heading('Impact', 'Episode 9 – The Lantern')],
    ['Acting', heading('Acting', '')],
    ['Story / Writing:', heading('Story / Writing', '')],
  ])('reads %j', (line, expected) => {
    expect(matchHeading(line)).toEqual(expected)
  })

  it.each([
    ['Acting – The Lead (8/10)', heading('Acting', 'The Lead', { score: 8, scoreMax: 10 })],
    ['Acting – The Lead [8.5 / 10]', heading('Acting', 'The Lead', { score: 8.5, scoreMax: 10 })],
    ['Impact – The Finale [spoilers]', heading('Impact', 'The Finale', { spoiler: true })],
    ['Impact – The Finale (Spoiler)', heading('Impact', 'The Finale', { spoiler: true })],
    ['Impact – The Finale [SPOILERS] (9/10)', heading('Impact', 'The Finale', { score: 9, scoreMax: 10, spoiler: true })],
    ['Impact – (Spoilers) The Finale (9/10)', heading('Impact', 'The Finale', { score: 9, scoreMax: 10, spoiler: true })],
    ['Vibes – (7/10)', heading('Vibes', '', { score: 7, scoreMax: 10 })],
  ])('reads the score and spoiler marks of %j', (line, expected) => {
    expect(matchHeading(line)).toEqual(expected)
  })

  it.each([
    'The acting – frankly – was superb.',
    'Acting is where this show shines.',
    'Acting-wise, nobody puts a foot wrong.',
    'Vibes were great – rain, neon and regret.',
    'Storytelling – the best part.',
    'Story writing was weak – no question.',
    'My impact – if you can call it that – was minimal.',
    'Acting – honestly it was the weakest part of the whole show and I say that as a long time fan of the lead actor',
    'Acting – the lead is great, the villain is wooden, and the kid steals every scene.',
    'Impact: I still think about the ending every day, which is more than I can say for most shows.',
    '',
  ])('does not take the body line %j for a heading', (line) => {
    expect(matchHeading(line)).toBeNull()
  })

  it('reads headings of any configured rubric, preferring the longer aspect', () => {
    const match = compileRubric(['Music', 'Music Video', 'C++ (Code)', 'Q&A'])
    expect(match('Music Video – Shot In One Take')).toMatchObject({ aspect: 'Music Video', verdict: 'Shot In One Take' })
    expect(match('music – Loud')).toMatchObject({ aspect: 'Music', verdict: 'Loud' })
    expect(match('C++ (Code) – Compiles')).toMatchObject({ aspect: 'C++ (Code)', verdict: 'Compiles' })
    expect(match('Q&A: None')).toMatchObject({ aspect: 'Q&A', verdict: 'None' })
    expect(match('Acting – Fine')).toBeNull()
  })

  it('reads back any heading it formats', () => {
    const verdictWord = fc.constantFrom('The', 'Lead', 'Carries', 'Everything', 'Rain, Neon', '9', 'Two-Hander', '종이등', '🤦', 'Sci-Fi', "Hero's", 'Q&A')
    fc.assert(
      fc.property(fc.constantFrom(...DEFAULT_RUBRIC), fc.array(verdictWord, { maxLength: 10 }), (aspect, words) => {
        const verdict = words.join(' ')
        expect(matchHeading(formatSectionHeading({ aspect, verdict }))).toEqual(heading(aspect, verdict))
      }),
    )
  })
})

describe('compileAspectMatcher', () => {
  const match = compileAspectMatcher(DEFAULT_RUBRIC)

  it('returns the rubric spelling of the aspect and what follows the separator', () => {
    expect(match('story-writing – Long Verdict, With Commas, And More.')).toEqual({
      aspect: 'Story / Writing',
      rest: 'Long Verdict, With Commas, And More.',
    })
    expect(match('Impact')).toEqual({ aspect: 'Impact', rest: '' })
  })

  it('needs a separator after the aspect', () => {
    expect(match('Impactful – x')).toBeNull()
    expect(match('Acting stuff – x')).toBeNull()
    expect(match('Acting-wise, fine')).toBeNull()
  })
})

describe('formatSectionHeading', () => {
  it('writes "Aspect – Verdict", or the aspect alone', () => {
    expect(formatSectionHeading({ aspect: 'Acting', verdict: 'Good' })).toBe('Acting – Good')
    expect(formatSectionHeading({ aspect: 'Acting', verdict: '' })).toBe('Acting')
  })
})
