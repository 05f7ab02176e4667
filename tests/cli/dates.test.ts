import { describe, expect, it } from 'vitest'
import { parseSiteDate } from '../../domain/site-dates.ts'

describe('date flags', () => {
  it('reads a day that ends a range (--as-of, --until) to the end of that day in Brussels', () => {
    expect(parseSiteDate('2026-11-01', 'end')?.toISOString()).toBe('2026-11-01T22:59:59.999Z')
    expect(parseSiteDate('2026-07-01', 'end')?.toISOString()).toBe('2026-07-01T21:59:59.999Z')
    expect(parseSiteDate('2026-11-01', 'start')?.toISOString()).toBe('2026-10-31T23:00:00.000Z')
  })

  it('takes a datetime as given, whichever end it is', () => {
    for (const edge of ['start', 'end'] as const) {
      expect(parseSiteDate('2026-11-01T08:00Z', edge)?.toISOString()).toBe('2026-11-01T08:00:00.000Z')
      expect(parseSiteDate('2026-11-01T08:00:00.123+02:00', edge)?.toISOString()).toBe('2026-11-01T06:00:00.123Z')
    }
    expect(parseSiteDate('2026-02-30', 'end')).toBeNull()
  })
})
