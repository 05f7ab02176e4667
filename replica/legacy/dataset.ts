// The legacy site at step 0: real, hand-written and generated entries with their listings.
import type { LegacyEntry } from './model.ts'
import { fillerEntries } from './generate.ts'
import { DOCUMENTS, INNOVATION, SMART_CITIES, SOCIAL_INNOVATION } from './listings.ts'
import { REAL_ENTRIES, RELATED_EVENTS } from './real.ts'
import { SHOWCASE_ENTRIES } from './showcase.ts'
import { MIGRATION_ENTRIES } from './migration.ts'

function buildBase(): LegacyEntry[] {
  const social = fillerEntries({ seed: 11, count: 17, newest: '2019-07-10', listings: [SOCIAL_INNOVATION], idPrefix: 'C', idOffset: 0 })
  // As on the real site, some entries are listed in several places.
  social.forEach((e, i) => i % 4 === 0 && e.listings.push(DOCUMENTS))
  const innovation = fillerEntries({ seed: 23, count: 30, newest: '2019-10-12', listings: [INNOVATION], idPrefix: 'C', idOffset: 1000 })
  const smart = fillerEntries({ seed: 37, count: 40, newest: '2019-10-08', listings: [SMART_CITIES], idPrefix: 'C', idOffset: 2000 })
  smart.forEach((e, i) => i % 5 === 0 && e.listings.push(INNOVATION))
  const documents = fillerEntries({ seed: 41, count: 28, newest: '2019-10-05', listings: [DOCUMENTS], idPrefix: 'C', idOffset: 3000 })
  return [...REAL_ENTRIES, ...RELATED_EVENTS, ...SHOWCASE_ENTRIES, ...social, ...innovation, ...smart, ...documents, ...MIGRATION_ENTRIES]
}

/** Step-0 entries in dataset order (ties in posting date keep this order). Do not mutate. */
export const BASE_ENTRIES: readonly LegacyEntry[] = buildBase()

/** The generated social-innovation entry removed at step 4 (position 15 at step 0, page 2). */
export const REMOVED_AT_STEP4 = BASE_ENTRIES.filter((e) => e.id.startsWith('C') && e.listings.includes(SOCIAL_INNOVATION))[4]?.id ?? ''

/** The listing as the site shows it: newest posting date first, ties in dataset order. */
export function listingEntries(entries: Iterable<LegacyEntry>, path: string): LegacyEntry[] {
  return [...entries]
    .filter((e) => e.listings.includes(path))
    .sort((a, b) => (a.posted < b.posted ? 1 : a.posted > b.posted ? -1 : 0))
}
