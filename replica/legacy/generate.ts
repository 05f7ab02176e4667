// Deterministic generated entries: a seeded PRNG, so every run serves the same bytes.
import { addDays, escapeHtml, THEMES, type LegacyEntry, type Section } from './model.ts'

/** mulberry32: tiny, fast, good enough for fake content, and the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SPACE = 36 ** 5
// Odd and not a multiple of 3, so n -> n * MULT mod 36^5 is a bijection: unique ids, no table.
const MULT = 7_654_321
const INVERSE = modInverse(BigInt(MULT), BigInt(SPACE))

/** The n-th id of a family: prefix letter + 5 scrambled base-36 characters. */
export function generatedId(prefix: string, n: number): string {
  return prefix + ((n * MULT) % SPACE).toString(36).toUpperCase().padStart(5, '0')
}

/** Inverse of generatedId, null when the id is not of that family. */
export function generatedIndex(prefix: string, id: string): number | null {
  if (!id.startsWith(prefix) || !/^[A-Z0-9]{5}$/.test(id.slice(1))) return null
  return Number((BigInt(parseInt(id.slice(1), 36)) * INVERSE) % BigInt(SPACE))
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a, m]
  let [oldS, s] = [1n, 0n]
  while (r !== 0n) {
    const q = oldR / r
    ;[oldR, r] = [r, oldR - q * r]
    ;[oldS, s] = [s, oldS - q * s]
  }
  return ((oldS % m) + m) % m
}

const CITIES = [
  'Amsterdam', 'Barcelona', 'Braşov', 'München', 'Liège', 'Göteborg', 'Kraków', 'Malmö', 'Gent', 'Tampere',
  'Utrecht', 'Bologna', 'Nantes', 'Wrocław', 'Düsseldorf', 'Oslo', 'Espoo', 'Sevilla', 'Thessaloniki', 'Ljubljana',
]
const TOPICS = [
  'housing first', 'digital inclusion', 'youth employment', 'urban gardens', 'open data', 'energy poverty',
  'refugee integration', 'participatory budgeting', 'smart mobility', 'circular economy', 'active ageing',
  'social enterprises', 'school meals', 'co-working hubs',
]
const TITLES: ((c: string, t: string) => string)[] = [
  (c, t) => `${t[0]?.toUpperCase()}${t.slice(1)} in ${c}`,
  (c, t) => `${c}’s ${t} programme`,
  (c, t) => `${c}: ${t} & citizen labs`,
  (c, t) => `Cities in action: ${c} ${t}`,
]
const SENTENCES: ((c: string, t: string, n: number) => string)[] = [
  (c, t) => `${c} has launched a new approach to ${t}, bringing together residents, NGOs and local businesses.`,
  (_c, t, n) => `The city’s ‘${t}’ pilot reached more than ${n * 10} households in its first year.`,
  (c, t) => `Lessons from ${c} show how ${t} can cut costs & improve services for the people who need them most.`,
  (c, t) => `Partners from across Europe visited ${c} to learn about its ${t} strategy and the results so far.`,
  (_c, t) => `An evaluation found that ${t} works best when the city shares decisions with the people it affects.`,
  (c) => `In ${c}, the work is led by a small team in the mayor’s office, with a budget set for five years.`,
]

type Pick = <T>(list: readonly T[]) => T

function picker(rand: () => number): Pick {
  return (list) => list[Math.floor(rand() * list.length)] as (typeof list)[number]
}

export interface FillerOptions {
  seed: number
  count: number
  /** Posting date of the newest filler entry. */
  newest: string
  listings: string[]
  idPrefix: string
  idOffset: number
}

/** `count` generated entries, newest first, spaced one to four days apart. */
export function fillerEntries(o: FillerOptions): LegacyEntry[] {
  const rand = seededRandom(o.seed)
  const out: LegacyEntry[] = []
  let posted = o.newest
  for (let i = 0; i < o.count; i++) {
    out.push(generatedEntry(rand, generatedId(o.idPrefix, o.idOffset + i), posted, o.listings))
    posted = addDays(posted, -1 - Math.floor(rand() * 4))
  }
  return out
}

/** One random entry of any type; every field comes from `rand`. */
export function generatedEntry(rand: () => number, id: string, posted: string, listings: string[]): LegacyEntry {
  const pick = picker(rand)
  const city = pick(CITIES)
  const topic = pick(TOPICS)
  const type = pick(['news', 'news', 'publication', 'publication', 'case study', 'case study', 'event'])
  // Distinct sentences: start anywhere in the list and take the next two or three.
  const first = Math.floor(rand() * SENTENCES.length)
  const sentences = [0, 1, 2]
    .slice(0, 2 + Math.floor(rand() * 2))
    .map((k) => SENTENCES[(first + k * 2) % SENTENCES.length]?.(city, topic, 2 + Math.floor(rand() * 90)) ?? '')
  const summary = rand() < 0.1 ? null : sentences.join(' ')
  const themes = THEMES.filter(() => rand() < 0.3)
  const start = addDays(posted, 10 + Math.floor(rand() * 50))
  const sections: Record<string, Section> = {
    news: 'news', publication: rand() < 0.5 ? 'documents' : 'publications', 'case study': 'allcontent', event: 'calendar/events_list',
  }
  return {
    id,
    section: sections[type] ?? 'allcontent',
    titleHtml: escapeHtml(pick(TITLES)(city, topic)),
    summaryHtml: summary === null ? null : escapeHtml(summary),
    type,
    date: type === 'event' ? start : posted,
    endDate: type === 'event' ? addDays(start, Math.floor(rand() * 3)) : null,
    posted,
    themes,
    docType: type === 'publication' && rand() < 0.5 ? pick(['press releases', 'brochure/report', 'policy publication']) : null,
    absoluteHref: false,
    listings: [...listings],
  }
}
