// The report model: change events of one or more runs grouped by listing, then by kind. Pure.
import type { ChangeEvent, ChangeKind, HealthEvent } from './change.ts'
import type { RunStatus } from './run-status.ts'

/** The order kinds appear in within a listing, and in totals. */
export const KIND_ORDER: readonly ChangeKind[] = ['new', 'changed', 'moved', 'removed', 'reappeared']

export type ReportScope = { runIds: number[] } | { since: string }

export interface ReportRun {
  id: number
  status: RunStatus
  startedAt: Date
  finishedAt: Date | null
  /** Listings this run crawled incrementally (read up to a page with nothing new), with their last full crawl. */
  incremental?: { source: string; lastFullAt: Date | null }[]
}

export type ListingRef = { source: string; url: string }

export interface ReportGroup {
  /** null gathers the events that belong to no listing. */
  listing: ListingRef | null
  /** Only kinds with events, in KIND_ORDER. */
  kinds: { kind: ChangeKind; events: ChangeEvent[] }[]
}

export interface ChangeReport {
  generatedAt: Date
  scope: ReportScope
  runs: ReportRun[]
  groups: ReportGroup[]
  health: HealthEvent[]
  /** Every change once, however many listings showed it; baseline entries not counted. */
  counts: Record<ChangeKind, number>
  /** Entries recorded by listings' first complete crawls: where watching starts, not news. */
  baseline: { entries: number; listings: string[] }
}

/**
 * Groups events by listing (ordered by source name, listing-less events last), then by kind. An
 * event seen on several listings appears under each; within a kind, events follow their
 * position in the listing (then the order given). Baseline events are only counted.
 */
export function buildReport(
  events: readonly ChangeEvent[],
  health: readonly HealthEvent[],
  runs: readonly ReportRun[],
  scope: ReportScope,
  generatedAt: Date,
): ChangeReport {
  const news = events.filter((event) => !event.baseline)
  const baseline = events.filter((event) => event.baseline)
  const byListing = new Map<string, { listing: ListingRef | null; placed: { event: ChangeEvent; position: number }[] }>()
  news.forEach((event) => {
    const places = event.seenOn.length > 0 ? event.seenOn : [{ listing: event.listing, position: Number.MAX_SAFE_INTEGER }]
    for (const { listing, position } of places) {
      const id = listingId(listing)
      const group = byListing.get(id) ?? { listing, placed: [] }
      group.placed.push({ event, position })
      byListing.set(id, group)
    }
  })
  const groups = [...byListing.values()]
    .sort((a, b) => compareListings(a.listing, b.listing))
    .map(({ listing, placed }) => {
      const ordered = placed.map((place, index) => ({ ...place, index })).sort((a, b) => a.position - b.position || a.index - b.index)
      return {
        listing,
        kinds: KIND_ORDER.map((kind) => ({ kind, events: ordered.filter((p) => p.event.kind === kind).map((p) => p.event) })).filter((k) => k.events.length > 0),
      }
    })
  const counts = Object.fromEntries(KIND_ORDER.map((kind) => [kind, news.filter((e) => e.kind === kind).length])) as Record<ChangeKind, number>
  const baselineListings = [...new Set(baseline.flatMap((event) => (event.seenOn.length > 0 ? event.seenOn.map((s) => s.listing.source) : event.listing ? [event.listing.source] : [])))].sort()
  return { generatedAt, scope, runs: [...runs], groups, health: [...health], counts, baseline: { entries: baseline.length, listings: baselineListings } }
}

/**
 * The report's groups with each change once, under the first listing that showed it: what a
 * digest shows (one card per change, with seenOnSources naming every listing). Groups left with
 * no event are dropped. The text and JSON reports keep an event under each of its listings.
 */
export function groupsOncePerChange(report: ChangeReport): ReportGroup[] {
  const told = new Set<number>()
  return report.groups
    .map((group) => ({
      listing: group.listing,
      kinds: group.kinds
        .map(({ kind, events }) => ({ kind, events: events.filter((event) => firstTime(told, event.id)) }))
        .filter(({ events }) => events.length > 0),
    }))
    .filter((group) => group.kinds.length > 0)
}

function firstTime(told: Set<number>, id: number): boolean {
  if (told.has(id)) return false
  told.add(id)
  return true
}

/** The sources of the listings an event was seen on, each once, in order; empty when it was seen on one or none. */
export function seenOnSources(event: ChangeEvent): string[] {
  const sources = [...new Set(event.seenOn.map((seen) => seen.listing.source))]
  return sources.length > 1 ? sources : []
}

/** Every event of the report once, in report order (an event shown under two listings is one change). */
export function reportEvents(report: ChangeReport): ChangeEvent[] {
  const seen = new Map<number, ChangeEvent>()
  for (const group of report.groups) for (const { events } of group.kinds) for (const event of events) if (!seen.has(event.id)) seen.set(event.id, event)
  return [...seen.values()]
}

export function totalChanges(report: ChangeReport): number {
  return KIND_ORDER.reduce((sum, kind) => sum + report.counts[kind], 0)
}

/** "3 new, 1 changed, 0 moved, 0 removed, 0 reappeared" */
export function countsLine(counts: Record<ChangeKind, number>): string {
  return KIND_ORDER.map((kind) => `${counts[kind]} ${kind}`).join(', ')
}

/** "baseline: 45 entries (4 listings)", or null when the report has none. */
export function baselineLine(report: ChangeReport): string | null {
  const { entries, listings } = report.baseline
  if (entries === 0) return null
  return `baseline: ${entries} ${entries === 1 ? 'entry' : 'entries'} (${listings.length} ${listings.length === 1 ? 'listing' : 'listings'} watched from now on)`
}

export function describeScope(scope: ReportScope): string {
  if ('since' in scope) return `since ${scope.since}`
  return scope.runIds.length === 1 ? `run ${scope.runIds[0]}` : `runs ${scope.runIds.join(', ')}`
}

function listingId(listing: ListingRef | null): string {
  return listing === null ? '' : `${listing.source}\n${listing.url}`
}

function compareListings(a: ListingRef | null, b: ListingRef | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1
  return a.source.localeCompare(b.source) || a.url.localeCompare(b.url)
}
