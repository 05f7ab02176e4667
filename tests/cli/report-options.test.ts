import { describe, expect, it } from 'vitest'
import { useColor } from '../../src/cli/color.ts'
import { parseSiteDate } from '../../domain/site-dates.ts'

// report --since starts at its day's midnight
const parseSince = (text: string) => parseSiteDate(text, 'start')

describe('report --since', () => {
  it('reads a date as midnight in Brussels and a datetime by its own offset', () => {
    expect(parseSince('2026-11-01')?.toISOString()).toBe('2026-10-31T23:00:00.000Z')
    expect(parseSince('2026-07-01')?.toISOString()).toBe('2026-06-30T22:00:00.000Z')
    expect(parseSince('2026-11-01T08:00Z')?.toISOString()).toBe('2026-11-01T08:00:00.000Z')
    expect(parseSince('2026-11-01T08:00:00+02:00')?.toISOString()).toBe('2026-11-01T06:00:00.000Z')
    expect(parseSince('2026-11-01 08:00')?.toISOString()).toBe('2026-11-01T07:00:00.000Z')
  })

  it('refuses what is not a date', () => {
    for (const text of ['yesterday', '2026-13-01', '2026-02-30', '01-11-2026', '2026-11-01Tnonsense', '']) expect(parseSince(text)).toBeNull()
  })
})

describe('useColor', () => {
  it('colours a terminal unless NO_COLOR is set; a flag wins', () => {
    expect(useColor(undefined, { isTTY: true }, undefined)).toBe(true)
    expect(useColor(undefined, { isTTY: true }, '')).toBe(true)
    expect(useColor(undefined, { isTTY: true }, '1')).toBe(false)
    expect(useColor(undefined, {}, undefined)).toBe(false)
    expect(useColor(true, {}, '1')).toBe(true)
    expect(useColor(false, { isTTY: true }, undefined)).toBe(false)
  })
})
