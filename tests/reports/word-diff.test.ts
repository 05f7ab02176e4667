import { describe, expect, it } from 'vitest'
import { wordDiff } from '../../src/reports/word-diff.ts'

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
})
