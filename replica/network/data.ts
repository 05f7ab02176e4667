// The third, made-up network ("Urban Network Europe"): a small dataset and its timeline.
// Entries are keyed by their absolute link, as the selectors profile reports it.
import type { ChangeKind, TimelineStep } from '../types.ts'

export const NETWORK_HOST = 'https://www.urban-net.example'
export const NETWORK_NEWS = '/urban-net/news/'
export const NETWORK_PAGE_SIZE = 6

export interface NetworkItem {
  id: number
  section: 'news' | 'events'
  slug: string
  title: string
  /** The `datetime` attribute as the site writes it: a date, or a date-time with its offset. */
  datetime: string
  /** Shown text of the date. */
  shown: string
  kind: string | null
  tags: string[]
  teaser: string | null
}

/** The absolute detail link the listing prints (and the key the selectors profile reports). */
export function itemUrl(item: Pick<NetworkItem, 'id' | 'section' | 'slug' | 'datetime'>): string {
  return `${NETWORK_HOST}/urban-net/${item.section}/${item.datetime.slice(0, 4)}/${item.slug}?id=${item.id}`
}

const SUBJECTS = ['Green roofs', 'Night buses', 'School streets', 'Heat shelters', 'Open libraries', 'Repair cafés', 'Tram extensions', 'Rent caps', 'Cycle bridges', 'Urban orchards', 'Data trusts', 'Quiet zones']
const KINDS = ['News', 'Press release', 'News', null] as const
const TAGS = ['Climate', 'Housing', 'Mobility', 'Culture']

// Every fourth date-time is late evening UTC: the next day in Brussels, which the configuration's timeZone must get right.
function generated(i: number): NetworkItem {
  // 28 May 2026, then every other day back to 4 May.
  const d = 28 - 2 * i
  const iso = `2026-05-${String(d).padStart(2, '0')}`
  const subject = SUBJECTS[i % SUBJECTS.length] ?? 'News'
  return {
    id: 400 + i,
    section: 'news',
    slug: subject.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-'),
    title: `${subject} across the network`,
    datetime: i % 4 === 1 ? `${iso}T22:30:00Z` : iso,
    shown: `${d} May 2026`,
    kind: KINDS[i % KINDS.length] ?? null,
    tags: TAGS.filter((_, k) => (i + k) % 3 === 0),
    teaser: i % 5 === 3 ? null : `${subject}: what ${3 + i} member cities are doing, and what they learned.`,
  }
}

const ASSEMBLY: NetworkItem = {
  id: 415, section: 'events', slug: 'general-assembly', title: 'General assembly', datetime: '2026-06-10T09:00:00+02:00',
  shown: '10 June 2026', kind: null, tags: [], teaser: null,
}

const BASE: NetworkItem[] = [ASSEMBLY, ...Array.from({ length: 13 }, (_, i) => generated(i))]

const PUBLISHED: NetworkItem = {
  id: 430, section: 'news', slug: 'members-meet-in-porto', title: 'Members meet in Porto', datetime: '2026-06-12T08:00:00Z',
  shown: '12 June 2026', kind: 'Press release', tags: ['Culture'], teaser: 'Forty delegates from member cities met in Porto.',
}
const EDITED = BASE[3]?.id ?? 0
const REMOVED = BASE[8]?.id ?? 0

type Op = { kind: ChangeKind; item: NetworkItem; apply(items: NetworkItem[]): NetworkItem[] }
const find = (id: number): NetworkItem => BASE.find((i) => i.id === id) ?? PUBLISHED

const STEPS: { description: string; ops: Op[] }[] = [
  { description: 'the initial state', ops: [] },
  { description: 'one item published at the top of /urban-net/news/', ops: [{ kind: 'publish', item: PUBLISHED, apply: (items) => [PUBLISHED, ...items] }] },
  { description: 'nothing changes', ops: [] },
  {
    description: 'one item retitled (its link and id stay)',
    ops: [{ kind: 'retitle', item: find(EDITED), apply: (items) => items.map((i) => (i.id === EDITED ? { ...i, title: `${i.title}: an update` } : i)) }],
  },
  { description: 'one item on page 2 removed', ops: [{ kind: 'remove', item: find(REMOVED), apply: (items) => items.filter((i) => i.id !== REMOVED) }] },
]

const states: NetworkItem[][] = []
let current = BASE
for (const { ops } of STEPS) {
  for (const op of ops) current = op.apply(current)
  // Newest first by the instant in `datetime`.
  states.push([...current].sort((a, b) => Date.parse(b.datetime) - Date.parse(a.datetime)))
}

export const NETWORK_LAST_STEP = STEPS.length - 1

export const networkTimeline: TimelineStep[] = STEPS.map(({ description, ops }, step) => ({
  step,
  description,
  changes: ops.map((op) => ({ kind: op.kind, key: itemUrl(op.item), listings: [NETWORK_NEWS] })),
}))

export function itemsAt(step: number): NetworkItem[] {
  const items = states[step]
  if (items === undefined) throw new RangeError(`no step ${step} in the network timeline (0..${NETWORK_LAST_STEP})`)
  return items
}
