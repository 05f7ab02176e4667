// The current site's listings: which posts each shows, in which order, and how it pages.
import { CATEGORY_LISTINGS, TOPICS, type CurrentPost } from './model.ts'

export const PAGE_SIZE = 10
export const LATEST = '/latest/'

export interface CurrentListing {
  /** Page-1 path. */
  path: string
  kind: 'latest' | 'category' | 'topic'
  title: string
  /** Which theme's markup it prints: the 2024 list (h2 titles, padded dates) or the 2026 one. */
  variant: 2024 | 2026
  shows(post: CurrentPost): boolean
}

function categoryListing(slug: string, variant: 2024 | 2026): CurrentListing {
  const category = CATEGORY_LISTINGS[slug]
  if (category === undefined) throw new Error(`no category listing ${slug}`)
  return { path: `/latest_categories/${slug}/`, kind: 'category', title: category, variant, shows: (p) => p.categories.includes(category) }
}

export function topicListing(slug: string): CurrentListing | undefined {
  const topic = TOPICS.find((t) => t.slug === slug)
  return topic && { path: `/topics/${slug}/`, kind: 'topic', title: topic.name, variant: 2026, shows: (p) => p.topics.includes(slug) }
}

/** `/latest/` filtered by a focus area (`?_focus_area=<topic>`), rendered by the server. */
export function focusListing(slug: string): CurrentListing | undefined {
  const topic = TOPICS.find((t) => t.slug === slug)
  return topic && { path: LATEST, kind: 'latest', title: `Latest: ${topic.name}`, variant: 2026, shows: (p) => p.topics.includes(slug) }
}

export const CURRENT_LISTINGS: CurrentListing[] = [
  { path: LATEST, kind: 'latest', title: 'Latest', variant: 2026, shows: () => true },
  categoryListing('news', 2026),
  categoryListing('opinion', 2026),
  // Publications kept the 2024 theme's list markup, as the real archive pages did.
  categoryListing('publications', 2024),
  categoryListing('policy-papers', 2026),
  categoryListing('events', 2026),
  ...TOPICS.map((t) => topicListing(t.slug)).filter((l) => l !== undefined),
]

/** Newest first by the date the card shows; events with future dates after all the dated posts. */
export function listingOrder(posts: Iterable<CurrentPost>, today: string): CurrentPost[] {
  const byDate = (a: CurrentPost, b: CurrentPost) => (a.date < b.date ? 1 : a.date > b.date ? -1 : b.id - a.id)
  const upcoming = (p: CurrentPost) => p.categories.includes('Events') && p.date > today
  const all = [...posts]
  return [...all.filter((p) => !upcoming(p)).sort(byDate), ...all.filter(upcoming).sort(byDate)]
}

export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / PAGE_SIZE))
}

/** Page path: `/latest/` -> `/latest/page/3/`. */
export function pagePath(listingPath: string, page: number): string {
  return page === 1 ? listingPath : `${listingPath}page/${page}/`
}

/** The listing and page number a path asks for, or null (not a listing path). */
export function matchListing(path: string): { listing: CurrentListing; page: number } | null {
  for (const listing of CURRENT_LISTINGS) {
    if (path === listing.path) return { listing, page: 1 }
    // Topic pages are filled by script and have no /page/N/ of their own.
    const m = listing.kind === 'topic' ? null : /^page\/([1-9]\d*)\/$/.exec(path.slice(listing.path.length))
    if (path.startsWith(listing.path) && m) return { listing, page: Number(m[1]) }
  }
  return null
}
