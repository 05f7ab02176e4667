// Dates as people give them, on the command line and in the web's query strings: `YYYY-MM-DD` in
// the site's zone (Europe/Brussels) unless a datetime carries its own offset. A day that starts a
// range (--since) starts at midnight; a day that ends one (--until, as of) lasts to its end: "as of
// 2026-11-01" includes that day.
import { DateTime } from 'luxon'
import { SITE_TIME_ZONE } from './site-zone.ts'

export type DayEdge = 'start' | 'end'

export const DAY = /^\d{4}-\d{2}-\d{2}$/

/** A date or an ISO datetime; null when it is neither. A bare date is taken at its start or its end. */
export function parseSiteDate(text: string, edge: DayEdge): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}([T ].+)?$/.test(text)) return null
  const parsed = DateTime.fromISO(text.replace(' ', 'T'), { zone: SITE_TIME_ZONE })
  if (!parsed.isValid) return null
  return (edge === 'end' && DAY.test(text) ? parsed.endOf('day') : parsed).toJSDate()
}

/** The day a moment falls on in the site's zone, as a date input shows it. */
export function siteDay(at: Date): string {
  return DateTime.fromJSDate(at, { zone: SITE_TIME_ZONE }).toISODate() ?? at.toISOString().slice(0, 10)
}
