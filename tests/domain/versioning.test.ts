import { describe, expect, it } from 'vitest'
import { decideVersion, type VersionFields } from '../../domain/versioning.ts'

const stored: VersionFields = {
  url: 'http://www.eurocities.eu/eurocities/documents/Top-city-actions-WSPO-BH2KQ7',
  title: 'Top city actions',
  type: 'publication',
  date: '2019-10-23',
  endDate: null,
  themes: ['economy', 'culture'],
  summary: 'Eleven more cities have made financial commitments to fight poverty.',
  summaryTruncated: false,
  documentType: null,
}

describe('decideVersion', () => {
  it('creates the first version, normalized', () => {
    const decision = decideVersion(null, { ...stored, title: ' Top  city\u00a0actions ', themes: ['economy', 'culture', 'economy'] })
    expect(decision).toEqual({ kind: 'first', next: { ...stored, themes: ['culture', 'economy'] } })
  })

  it('ignores whitespace, Unicode form and theme order', () => {
    const nfd = 'Caf\u0065\u0301 society'
    const base = { ...stored, title: 'Caf\u00e9 society' }
    expect(decideVersion(base, { ...base, title: nfd })).toEqual({ kind: 'same' })
    expect(decideVersion(stored, { ...stored, summary: `  ${stored.summary}\n` })).toEqual({ kind: 'same' })
    expect(decideVersion(stored, { ...stored, themes: ['culture', ' economy'] })).toEqual({ kind: 'same' })
    expect(decideVersion(stored, { ...stored, type: '' })).toEqual({ kind: 'changed', changed: ['type'], next: { ...stored, type: null, themes: ['culture', 'economy'] } })
  })

  it('reports each changed field', () => {
    const decision = decideVersion(stored, { ...stored, url: `${stored.url}x`, themes: ['culture'], summary: 'Another text.' })
    expect(decision.kind).toBe('changed')
    expect(decision.kind === 'changed' && decision.changed).toEqual(['url', 'themes', 'summary'])
  })

  it('does not version a cut summary against the full text it starts', () => {
    const cut = { ...stored, summary: 'Eleven more cities have made financial...', summaryTruncated: true }
    expect(decideVersion(stored, cut)).toEqual({ kind: 'same' })
    expect(decideVersion(stored, { ...cut, summary: 'Eleven more cities have made …' })).toEqual({ kind: 'same' })
    expect(decideVersion(stored, { ...cut, summary: 'Twelve more cities...' })).toMatchObject({ kind: 'changed', changed: ['summary'] })
  })

  it('keeps the stored full summary when other fields change next to a cut one', () => {
    const cut = { ...stored, title: 'New title', summary: 'Eleven more...', summaryTruncated: true }
    expect(decideVersion(stored, cut)).toEqual({ kind: 'changed', changed: ['title'], next: { ...stored, title: 'New title', themes: ['culture', 'economy'] } })
  })

  it('stores the full text seen after a cut one as a completed version', () => {
    const cut = { ...stored, summary: 'Eleven more cities...', summaryTruncated: true }
    expect(decideVersion(cut, stored)).toEqual({ kind: 'completed', next: { ...stored, themes: ['culture', 'economy'] } })
    expect(decideVersion(cut, { ...cut, summary: 'Eleven more cities have...' })).toMatchObject({ kind: 'completed' })
    expect(decideVersion(cut, { ...stored, summary: 'Twelve more cities.' })).toMatchObject({ kind: 'changed', changed: ['summary'] })
  })

  it('treats a null summary against a text as a change', () => {
    expect(decideVersion(stored, { ...stored, summary: null })).toMatchObject({ kind: 'changed', changed: ['summary'] })
    expect(decideVersion({ ...stored, summary: null }, stored)).toMatchObject({ kind: 'changed', changed: ['summary'] })
  })
})
