/** The EUROCITIES sites' time zone: dates without an offset, and schedules, are read in it. */
export const SITE_TIME_ZONE = 'Europe/Brussels'
