import { describe, expect, it } from 'vitest'
import { compileFilter, fold } from '../../domain/subscription.ts'
import { event, snapshot } from '../reports/events.ts'

const mobility = event(1, 'new', snapshot(1, { title: 'Électromobilité à Lyon', type: 'Publication', themes: ['Mobility', 'Climate'], summary: 'Buses go electric.' }))
const business = event(2, 'changed', snapshot(2, { title: 'Business support', type: 'news', themes: ['Economy'], summary: null }))
const onTwo = event(3, 'new', snapshot(3), {
  listing: { source: 'documents', url: 'http://x/documents' },
  seenOn: [{ listing: { source: 'documents', url: 'http://x/documents' }, position: 4 }, { listing: { source: 'social-innovation', url: 'http://x/si' }, position: 2 }],
})

describe('a subscription filter', () => {
  it('admits everything when empty', () => {
    const all = compileFilter({})
    expect([mobility, business, onTwo].every(all)).toBe(true)
  })

  it('matches words case and accents aside, at word boundaries only', () => {
    expect(compileFilter({ words: ['electromobilite'] })(mobility)).toBe(true)
    expect(compileFilter({ words: ['LYON'] })(mobility)).toBe(true)
    expect(compileFilter({ words: ['bus'] })(mobility)).toBe(false)
    expect(compileFilter({ words: ['bus'] })(business)).toBe(false)
    expect(compileFilter({ words: ['buses go'] })(mobility)).toBe(true)
  })

  it('matches patterns over title and summary, case and accents aside', () => {
    expect(compileFilter({ patterns: ['^electro.*lyon$'] })(mobility)).toBe(false)
    expect(compileFilter({ patterns: ['electro\\w+ a lyon'] })(mobility)).toBe(true)
    expect(compileFilter({ patterns: ['go electric\\.$'] })(mobility)).toBe(true)
  })

  it('matches a nested quantifier in linear time: a hostile title completes, with the right answer', () => {
    const hostile = event(4, 'new', snapshot(4, { title: `${'a'.repeat(34)}!`, summary: `${'a'.repeat(100_000)}!` }))
    expect(compileFilter({ patterns: ['(a+)+$'] })(hostile)).toBe(false)
    expect(compileFilter({ patterns: ['(a+)+!$'] })(hostile)).toBe(true)
    expect(compileFilter({ patterns: ['(x+x+)+y'] })(event(5, 'new', snapshot(5, { title: 'x'.repeat(50_000), summary: null })))).toBe(false)
  })

  it('keeps the meaning of upper-case escapes, and finds words in linear time too', () => {
    expect(compileFilter({ patterns: ['^\\D+$'] })(business)).toBe(true)
    expect(compileFilter({ patterns: ['^\\S+$'] })(business)).toBe(false)
    expect(compileFilter({ patterns: ['ŁÓDŹ|STRASSE'] })(event(6, 'new', snapshot(6, { title: 'Łódź', summary: null })))).toBe(true)
    expect(compileFilter({ words: ['a'] })(event(7, 'new', snapshot(7, { title: 'a'.repeat(100_000), summary: null })))).toBe(false)
  })

  it('filters by kind, type and theme (types and themes case aside), every list having to admit', () => {
    expect(compileFilter({ kinds: ['new'] })(business)).toBe(false)
    expect(compileFilter({ types: ['publication'] })(mobility)).toBe(true)
    expect(compileFilter({ themes: ['mobility'] })(mobility)).toBe(true)
    expect(compileFilter({ themes: ['mobility'], kinds: ['changed'] })(mobility)).toBe(false)
    expect(compileFilter({ types: ['publication'] })(onTwo)).toBe(false)
  })

  it('matches a listing the change was seen on, any of them', () => {
    expect(compileFilter({ listings: ['social-innovation'] })(onTwo)).toBe(true)
    expect(compileFilter({ listings: ['documents'] })(onTwo)).toBe(true)
    expect(compileFilter({ listings: ['news'] })(onTwo)).toBe(false)
  })

  it('folds case and diacritics, and compatibility forms', () => {
    expect(fold('Łódź Économie ﬁre Straße Øresund')).toBe('lodz economie fire strasse oresund')
  })
})
