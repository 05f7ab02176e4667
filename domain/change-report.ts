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
  counts: Record<ChangeKind, number>
}

/**
 * Groups events by listing (ordered by source name, listing-less events last), then by kind.
 * Within a kind, events keep the order given (the queries return them by run then id).
 */
export function buildReport(
  events: readonly ChangeEvent[],
  health: readonly HealthEvent[],
  runs: readonly ReportRun[],
  scope: ReportScope,
  generatedAt: Date,
): ChangeReport {
  const byListing = new Map<string, { listing: ListingRef | null; events: ChangeEvent[] }>()
  for (const event of events) {
    const id = listingId(event.listing)
    const group = byListing.get(id) ?? { listing: event.listing, events: [] }
    group.events.push(event)
    byListing.set(id, group)
  }
  const groups = [...byListing.values()]
    .sort((a, b) => compareListings(a.listing, b.listing))
    .map(({ listing, events: listed }) => ({
      listing,
      kinds: KIND_ORDER.map((kind) => ({ kind, events: listed.filter((e) => e.kind === kind) })).filter((k) => k.events.length > 0),
    }))
  const counts = Object.fromEntries(KIND_ORDER.map((kind) => [kind, events.filter((e) => e.kind === kind).length])) as Record<ChangeKind, number>
  return { generatedAt, scope, runs: [...runs], groups, health: [...health], counts }
}

export function totalChanges(report: ChangeReport): number {
  return KIND_ORDER.reduce((sum, kind) => sum + report.counts[kind], 0)
}

/** "3 new, 1 changed, 0 moved, 0 removed, 0 reappeared" */
export function countsLine(counts: Record<ChangeKind, number>): string {
  return KIND_ORDER.map((kind) => `${counts[kind]} ${kind}`).join(', ')
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
