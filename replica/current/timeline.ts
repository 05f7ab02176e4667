// The current site's timeline: the same five cumulative steps as the legacy site, keyed by
// canonical post URL. See ../README.md for what each step changes.
import type { ChangeKind, PageDropOff, TimelineStep } from '../types.ts'
import { BASE_POSTS, PUBLISHED_AT_STEP1 } from './dataset.ts'
import { escapeHtml, postUrl, slugify, todayAt, type CurrentPost } from './model.ts'
import { CURRENT_LISTINGS, listingOrder, PAGE_SIZE } from './listings.ts'

type State = Map<string, CurrentPost>

interface Op {
  kind: ChangeKind
  slug: string
  /** The post's slug after the op, when it changes it. */
  newSlug?: string
  apply(state: State): void
}

function publish(p: CurrentPost): Op {
  return { kind: 'publish', slug: p.slug, apply: (s) => void s.set(p.slug, p) }
}

function edit(kind: ChangeKind, slug: string, change: (p: CurrentPost) => Partial<CurrentPost>): Op {
  return {
    kind, slug,
    apply: (s) => {
      const p = s.get(slug)
      if (p === undefined) throw new Error(`timeline: no post ${slug}`)
      s.set(slug, { ...p, ...change(p) })
    },
  }
}

/** A retitle that changes the slug (as WordPress does when an editor edits the permalink): the old URL redirects to the new one. */
function reslug(slug: string, title: string): Op {
  const newSlug = slugify(title)
  return {
    kind: 'retitle', slug, newSlug,
    apply: (s) => {
      const p = s.get(slug)
      if (p === undefined) throw new Error(`timeline: no post ${slug}`)
      s.delete(slug)
      s.set(newSlug, { ...p, slug: newSlug, titleHtml: escapeHtml(title), formerSlugs: [...(p.formerSlugs ?? []), slug] })
    },
  }
}

/** The filler post removed at step 4: a News post on page 2 of /latest/ (the first 9 filler posts are there at step 3). */
const REMOVED = BASE_POSTS.filter((p) => p.id < 9000).slice(0, 9).filter((p) => p.categories.includes('News'))[1]?.slug ?? ''

const STEPS: { description: string; ops: Op[] }[] = [
  { description: 'the initial state', ops: [] },
  {
    description: 'three new posts at the top of /latest/ (two in mobility, two in climate): later posts move down, page boundaries shift and two posts drop off page 1 of /topics/mobility/',
    ops: PUBLISHED_AT_STEP1.map(publish),
  },
  {
    description: 'a summary edited; a post re-tagged mobility + culture -> mobility + digital; cosmetic only: an entity and spaces in a summary, a card\'s category order',
    ops: [
      edit('edit-summary', 'bike-lanes-that-stay', () => ({ summaryHtml: 'Pop-up bike lanes from 2020 are now permanent in eleven cities, with 140 km more planned.' })),
      edit('retag', 'night-trains-connect-member-cities', () => ({ topics: ['mobility', 'digital'] })),
      edit('cosmetic', 'affordable-housing-malaga-and-vienna', (p) => ({
        summaryHtml: (p.summaryHtml ?? '').replace('&rsquo;', '&#8217;').replace('twenty years', 'twenty&nbsp;years').replace('learned from', 'learned   from'),
      })),
      edit('cosmetic', 'cities-position-on-the-data-act', (p) => ({ categories: [...p.categories].reverse() })),
    ],
  },
  {
    description: 'a post retitled; WordPress keeps its slug, so its URL (the key) stays. Another retitled with a new slug: a new URL (its old one redirects), the same post id',
    ops: [
      edit('retitle', 'culture-capitals-share-their-legacy', () => ({ titleHtml: 'European capitals of culture: what stays' })),
      reslug('why-cities-need-their-own-climate-budgets', 'Cities need climate budgets of their own'),
    ],
  },
  {
    description: 'a filler post (News, page 2 of /latest/) removed from every listing',
    ops: [{ kind: 'remove', slug: REMOVED, apply: (s) => void s.delete(REMOVED) }],
  },
]

export const LAST_STEP = STEPS.length - 1

/** Page-1 paths of the listings that show a post (detail-page changes show there too). */
function listingsOf(p: CurrentPost | undefined): string[] {
  if (p === undefined) return []
  return CURRENT_LISTINGS.filter((l) => l.shows(p)).map((l) => l.path)
}

/** Posts that left page 1 of a topic between two states while staying in the topic. */
function dropOffs(before: State, after: State, step: number): PageDropOff[] {
  const out: PageDropOff[] = []
  for (const listing of CURRENT_LISTINGS.filter((l) => l.kind === 'topic')) {
    const firstPage = (s: State, today: string) => listingOrder([...s.values()].filter(listing.shows), today).slice(0, PAGE_SIZE)
    const now = new Set(firstPage(after, todayAt(step)).map((p) => p.slug))
    for (const p of firstPage(before, todayAt(step - 1))) {
      const still = after.get(p.slug)
      if (!now.has(p.slug) && still !== undefined && listing.shows(still)) out.push({ key: postUrl(p.slug), listing: listing.path })
    }
  }
  return out
}

const states: State[] = []
const timeline: TimelineStep[] = []

let current: State = new Map(BASE_POSTS.map((p) => [p.slug, p]))
STEPS.forEach(({ description, ops }, step) => {
  const before = current
  current = new Map(current)
  const changes = ops.map((op) => {
    const old = current.get(op.slug)
    op.apply(current)
    const slug = op.newSlug ?? op.slug
    const listings = new Set([...listingsOf(old), ...listingsOf(current.get(slug))])
    return { kind: op.kind, key: postUrl(slug), listings: [...listings] }
  })
  states.push(current)
  timeline.push({ step, description, changes, ...(step > 0 ? { droppedOffPage1: dropOffs(before, current, step) } : {}) })
})

export const currentTimeline: TimelineStep[] = timeline

/** Posts of the site at a step. */
export function postsAt(step: number): ReadonlyMap<string, CurrentPost> {
  const state = states[step]
  if (state === undefined) throw new RangeError(`no step ${step} in the current-site timeline (0..${LAST_STEP})`)
  return state
}
