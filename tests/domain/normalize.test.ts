import { describe, it, expect } from 'vitest'
import {
  isTruncatedSummary,
  normalizeOptionalText,
  normalizeText,
  normalizeThemes,
  parseDayMonthYear,
} from '../../domain/normalize.ts'

describe('normalizeText', () => {
  it('collapses whitespace runs, no-break spaces included, and trims', () => {
    expect(normalizeText('  a \t\n b\u00a0\u00a0c\u202fd  ')).toBe('a b c d')
  })

  it('composes to NFC', () => {
    const result = normalizeText('Mu\u0308nchen Bras\u0326ov')
    expect(result).toBe('M\u00fcnchen Bra\u0219ov')
    expect(result).toHaveLength(14)
  })

  it('leaves clean text alone', () => {
    expect(normalizeText('Bristol’s Smart Homes')).toBe('Bristol’s Smart Homes')
  })
})

describe('normalizeOptionalText', () => {
  it('gives null for empty, blank or missing text', () => {
    expect(normalizeOptionalText('')).toBeNull()
    expect(normalizeOptionalText(' \u00a0\n')).toBeNull()
    expect(normalizeOptionalText(null)).toBeNull()
    expect(normalizeOptionalText(undefined)).toBeNull()
  })

  it('normalizes non-empty text', () => {
    expect(normalizeOptionalText('  case\u00a0study ')).toBe('case study')
  })
})

describe('normalizeThemes', () => {
  it('normalizes, drops empties, de-duplicates and sorts', () => {
    expect(normalizeThemes(['mobility', ' culture', '', 'knowledge\u00a0 society', 'culture ', 'cooperation', '  '])).toEqual([
      'cooperation',
      'culture',
      'knowledge society',
      'mobility',
    ])
  })

  it('sorts by code unit, not by locale', () => {
    expect(normalizeThemes(['b', 'Z', 'a', 'é'])).toEqual(['Z', 'a', 'b', 'é'])
  })

  it('treats NFD and NFC spellings as one theme', () => {
    expect(normalizeThemes(['e\u0301conomie', '\u00e9conomie'])).toEqual(['\u00e9conomie'])
  })

  it('does not modify its input', () => {
    const input = ['b', 'a']
    normalizeThemes(input)
    expect(input).toEqual(['b', 'a'])
  })
})

describe('isTruncatedSummary', () => {
  it('is true for "..." and "…" endings', () => {
    expect(isTruncatedSummary('and in...')).toBe(true)
    expect(isTruncatedSummary('and in…')).toBe(true)
    expect(isTruncatedSummary('and in... ')).toBe(true)
  })

  it('is false otherwise', () => {
    expect(isTruncatedSummary('be inspired!')).toBe(false)
    expect(isTruncatedSummary('a.. b.')).toBe(false)
    expect(isTruncatedSummary('...then more')).toBe(false)
    expect(isTruncatedSummary('')).toBe(false)
    expect(isTruncatedSummary(null)).toBe(false)
  })
})

describe('parseDayMonthYear', () => {
  it('turns DD-MM-YYYY into ISO', () => {
    expect(parseDayMonthYear('23-10-2019')).toBe('2019-10-23')
    expect(parseDayMonthYear(' 05-01-2020 ')).toBe('2020-01-05')
    expect(parseDayMonthYear('31-12-1999')).toBe('1999-12-31')
  })

  it('accepts 29 February in leap years only', () => {
    expect(parseDayMonthYear('29-02-2016')).toBe('2016-02-29')
    expect(parseDayMonthYear('29-02-2000')).toBe('2000-02-29')
    expect(parseDayMonthYear('29-02-2019')).toBeNull()
    expect(parseDayMonthYear('29-02-1900')).toBeNull()
  })

  it('gives null for impossible dates', () => {
    expect(parseDayMonthYear('31-02-2019')).toBeNull()
    expect(parseDayMonthYear('31-04-2019')).toBeNull()
    expect(parseDayMonthYear('00-10-2019')).toBeNull()
    expect(parseDayMonthYear('10-13-2019')).toBeNull()
    expect(parseDayMonthYear('10-00-2019')).toBeNull()
  })

  it('gives null for other formats', () => {
    expect(parseDayMonthYear('2019-10-23')).toBeNull()
    expect(parseDayMonthYear('3-10-2019')).toBeNull()
    expect(parseDayMonthYear('23/10/2019')).toBeNull()
    expect(parseDayMonthYear('23-10-2019 extra')).toBeNull()
    expect(parseDayMonthYear('')).toBeNull()
  })
})
