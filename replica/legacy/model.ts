// The legacy site's data model: entries hold their title and summary as the HTML the
// site printed, so a cosmetic edit (an entity, a no-break space) is a byte change here
// and the diff must see through it.

export type Section = 'documents' | 'news' | 'allcontent' | 'calendar/events_list' | 'publications'

export interface LegacyEntry {
  /** The 6 characters after `WSPO-`. */
  id: string
  section: Section
  /** Null: the site printed an empty link. */
  titleHtml: string | null
  /** Null: no `.newsabstract`. */
  summaryHtml: string | null
  /** Empty string: the site printed an empty `.newstype`. */
  type: string
  /** ISO publication date; for events the start date. */
  date: string
  /** ISO end date of an event. */
  endDate: string | null
  /** Hidden posting date (ISO) that orders listings, newest first. */
  posted: string
  themes: string[]
  docType: string | null
  /** The reference page links one entry with an absolute www.eurocities.eu URL; kept for fidelity. */
  absoluteHref: boolean
  /** Page-1 paths of the listings that show the entry. */
  listings: string[]
}

export const THEMES = ['cooperation', 'culture', 'economy', 'environment', 'knowledge society', 'mobility']

export const LEGACY_ORIGIN = 'http://www.eurocities.eu'

/** Detail path of an entry: the slug is derived from the title, the id never changes. */
export function detailPath(entry: Pick<LegacyEntry, 'id' | 'section' | 'titleHtml'>): string {
  return `/eurocities/${entry.section}/${slugOf(entry.titleHtml)}-WSPO-${entry.id}`
}

/** `Bristol&rsquo;s Smart Homes` -> `Bristol-s-Smart-Homes`; `München` -> `Munchen`. */
export function slugOf(titleHtml: string | null): string {
  if (titleHtml === null) return ''
  return titleHtml
    .replace(/&[#a-zA-Z0-9]+;/g, '-')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\u2018': '&lsquo;',
  '\u2019': '&rsquo;',
}

/** Plain text to the HTML the site printed (curly quotes as named entities, like the reference). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"\u2018\u2019]/g, (c) => ENTITIES[c] ?? c)
}

/** ISO `2019-10-23` to the site's `23-10-2019`. */
export function displayDate(iso: string): string {
  const [y, m, d] = iso.split('-')
  return `${d}-${m}-${y}`
}

export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}
