import { describe, expect, it } from 'vitest'
import { MAX_WORD_EDITS, wordDiff } from '../../src/reports/word-diff.ts'

describe('wordDiff', () => {
  it('marks replaced and inserted words', () => {
    expect(wordDiff('The city of Ghent launched a plan.', 'The city of Antwerp launched a new plan today.')).toEqual([
      { kind: 'same', text: 'The city of ' },
      { kind: 'removed', text: 'Ghent' },
      { kind: 'added', text: 'Antwerp' },
      { kind: 'same', text: ' launched a ' },
      { kind: 'added', text: 'new ' },
      { kind: 'same', text: 'plan ' },
      { kind: 'added', text: 'today' },
      { kind: 'same', text: '.' },
    ])
  })

  it('treats null as empty text', () => {
    expect(wordDiff(null, 'Now there is one.')).toEqual([{ kind: 'added', text: 'Now there is one.' }])
    expect(wordDiff('Gone.', null)).toEqual([{ kind: 'removed', text: 'Gone.' }])
    expect(wordDiff('Same.', 'Same.')).toEqual([{ kind: 'same', text: 'Same.' }])
  })

  it('shows a rewrite (more edits than MAX_WORD_EDITS) as the old text removed and the new added, not words it shares by chance', () => {
    // every other word changed: a word diff would interleave the shared words with the rest
    const words = Array.from({ length: MAX_WORD_EDITS }, (_, index) => `w${index}`)
    const before = words.map((word) => `${word} old${word}`).join(' ')
    const after = words.map((word) => `${word} new${word}`).join(' ')
    expect(wordDiff(before, after)).toEqual([
      { kind: 'removed', text: before },
      { kind: 'added', text: after },
    ])
    expect(wordDiff(null, after)).toEqual([{ kind: 'added', text: after }])
  })
})
