// Dates on the command line: `YYYY-MM-DD` in the site's zone (Europe/Brussels) unless a
// datetime carries its own offset. A day that starts a range (--since) starts at midnight; a
// day that ends one (--until, --as-of) lasts to its end: "as of 2026-11-01" includes that day.
import { DateTime } from 'luxon'
import { z } from 'zod'
import { SITE_TIME_ZONE } from '../../domain/site-zone.ts'

export type DayEdge = 'start' | 'end'

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** A date or an ISO datetime; null when it is neither. A bare date is taken at its start or its end. */
export function parseDateFlag(text: string, edge: DayEdge): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}([T ].+)?$/.test(text)) return null
  const parsed = DateTime.fromISO(text.replace(' ', 'T'), { zone: SITE_TIME_ZONE })
  if (!parsed.isValid) return null
  return (edge === 'end' && DAY.test(text) ? parsed.endOf('day') : parsed).toJSDate()
}

export interface DateFlag {
  at: Date
  /** As given, for headings and scopes. */
  text: string
}

/** A zod schema for a date flag: one line naming what it expected when the value is no date. */
export function dateFlag(edge: DayEdge) {
  return z.string().transform((text, ctx): DateFlag => {
    const at = parseDateFlag(text, edge)
    if (at !== null) return { at, text }
    ctx.addIssue({ code: 'custom', message: `not a date: "${text}" (expected YYYY-MM-DD or an ISO datetime such as 2026-11-01T08:00Z)` })
    return z.NEVER
  })
}
