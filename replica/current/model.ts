// The current (WordPress) site's data model. Titles and summaries are held as the HTML the
// site prints, so a cosmetic edit (an entity, extra spaces) is a byte change the diff must see through.

export const CANONICAL_ORIGIN = 'https://eurocities.eu'

export const CATEGORIES = ['News', 'Spotlight', 'Publications', 'Press release', 'Events', 'Opinion', 'Policy papers'] as const
export type Category = (typeof CATEGORIES)[number]

/** Categories with a listing of their own, by the listing's slug. */
export const CATEGORY_LISTINGS: Record<string, Category> = {
  news: 'News',
  opinion: 'Opinion',
  publications: 'Publications',
  'policy-papers': 'Policy papers',
  events: 'Events',
}

export interface Topic {
  slug: string
  name: string
  description: string
}

export const TOPICS: Topic[] = [
  { slug: 'mobility', name: 'Mobility', description: 'Cities are where most journeys start and end. Our members work together on clean, safe and accessible transport for everyone.' },
  { slug: 'climate', name: 'Climate', description: 'Cities cause most emissions and feel the heat first: our members share how they cut one and adapt to the other.' },
  { slug: 'culture', name: 'Culture', description: 'Culture makes cities worth living in. We help members put it at the heart of their policies.' },
  { slug: 'social-affairs', name: 'Social affairs', description: 'Inclusion, housing and jobs: how cities make sure nobody is left behind.' },
  { slug: 'digital', name: 'Digital', description: 'Data, platforms and public services online, on the terms of the people who use them.' },
]

export interface CurrentPost {
  /** WordPress keeps it when the title changes; the canonical URL (the key) is built from it. */
  slug: string
  /** WordPress post id, used by the feed's guid. */
  id: number
  titleHtml: string
  /** Null: the card has no summary paragraph. */
  summaryHtml: string | null
  /** In the order the card prints them. */
  categories: Category[]
  /** Topic slugs. */
  topics: string[]
  /** ISO date the card shows: the event's date for events. */
  date: string
  /** ISO publication date (feed order and ties). */
  published: string
  readingMinutes: number
  /** Slugs it had before a retitle changed its slug: WordPress redirects them to the current one. */
  formerSlugs?: readonly string[]
}

const AUTHORS = ['Anna Lisa Boni', 'Wilhelm Lappe', 'Julie Bosschaert', 'Thomas Jézéquel']
const TAGS = ['local government', 'EU funding', 'peer learning', 'city network', 'urban agenda', 'citizens']

/** The post's author on its own page, the same at every step. */
export function authorOf(p: Pick<CurrentPost, 'id'>): string {
  return AUTHORS[p.id % AUTHORS.length] ?? ''
}

/** The post's tags on its own page (two, the same at every step), sorted. */
export function tagsOf(p: Pick<CurrentPost, 'id'>): string[] {
  return [TAGS[p.id % TAGS.length] ?? '', TAGS[(p.id * 7 + 1) % TAGS.length] ?? ''].filter((tag, i, all) => all.indexOf(tag) === i).sort()
}

export function postUrl(slug: string): string {
  return `${CANONICAL_ORIGIN}/latest/${slug}/`
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** `2026-06-05` -> `5 June 2026`, or `05 June 2026` (the 2024 theme padded the day). */
export function displayDate(iso: string, padded = false): string {
  const [y = '', m = '', d = ''] = iso.split('-')
  return `${padded ? d : String(Number(d))} ${MONTHS[Number(m) - 1] ?? ''} ${y}`
}

export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

/** The site's "today" at a step: step 0 is 25 June 2026, each step a day later. */
export function todayAt(step: number): string {
  return addDays('2026-06-25', step)
}

/** Plain text to HTML as WordPress prints it (curly quotes as numeric or named entities). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"\u2019]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\u2019': '&rsquo;' })[c] ?? c)
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', rsquo: '\u2019', lsquo: '\u2018', nbsp: '\u00a0', aacute: '\u00e1', hellip: '\u2026' }

/** The HTML we print back to text (for the feed), for the entities this dataset uses. */
export function htmlToText(html: string): string {
  return html.replace(/&(#\d+|[a-z]+);/g, (all, name: string) =>
    name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1))) : (ENTITIES[name] ?? all),
  )
}

export function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}
