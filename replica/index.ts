// Public API of the offline replica: a loopback HTTP server serving, from deterministic
// datasets at a chosen step of their timelines and with injectable faults, the EUROCITIES
// legacy site, the current (WordPress) site and a made-up third network. Their paths do not overlap.
import type { Replica, ReplicaOptions, ReplicaSite } from './types.ts'
import { startServer } from './server.ts'
import { createLegacySite } from './legacy/site.ts'
import { LEGACY_LISTINGS } from './legacy/listings.ts'
import { createCurrentSite, CURRENT_PREFIXES } from './current/site.ts'
import { CURRENT_LISTINGS } from './current/listings.ts'
import { createNetworkSite, NETWORK_PREFIX } from './network/site.ts'
import { NETWORK_NEWS } from './network/data.ts'
import { createWaybackSite, WAYBACK_PREFIXES } from './wayback/site.ts'

export type { ChangeKind, Fault, FaultKind, FaultPlan, PageDropOff, PostTheme, Replica, ReplicaOptions, ReplicaRequest, TimelineChange, TimelineStep } from './types.ts'
export { legacyTimeline } from './legacy/timeline.ts'
export { startWebhookReceiver, type WebhookReceiver, type ReceivedRequest } from './webhook-receiver.ts'
export { latin1Listing, type ExpectedLegacyEntry, type Latin1Listing } from './legacy/latin1.ts'
export { currentTimeline } from './current/timeline.ts'
export { networkTimeline, NETWORK_HOST } from './network/data.ts'
export { urbanNetSelectors } from './network/selectors.ts'
export { FILL_DELAY_MS } from './current/script.ts'
export { TOPIC_SCRIPT_PATH, topicFragmentPath } from './current/pages.ts'
export { ARCHIVED_LISTINGS, plannedCaptures, timestampOf } from './wayback/captures.ts'
export { urlKey, WAYBACK_PREFIXES } from './wayback/site.ts'

export function startReplica(options: ReplicaOptions = {}): Promise<Replica> {
  const archivePages = options.archivePages ?? 5
  if (!Number.isInteger(archivePages) || archivePages < 1) throw new RangeError(`archivePages must be a whole number >= 1, got ${archivePages}`)
  const current = createCurrentSite()
  const network = createNetworkSite()
  const legacy = createLegacySite(archivePages)
  // the web archive replays the legacy site at its capture dates (the step it was captured at, not the replica's)
  const wayback = createWaybackSite(legacy)
  return startServer(routeByPrefix(legacy, [[CURRENT_PREFIXES, current], [[NETWORK_PREFIX], network], [WAYBACK_PREFIXES, wayback]]), {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    step: options.step ?? 0,
    faults: options.faults ?? [],
    theme: options.theme ?? 'eurocities',
  })
}

/** One origin for every generation: a path goes to the first site claiming its prefix, else to the legacy site. */
function routeByPrefix(fallback: ReplicaSite, sites: [string[], ReplicaSite][]): ReplicaSite {
  const lastStep = Math.min(fallback.lastStep, ...sites.map(([, site]) => site.lastStep))
  return {
    lastStep,
    resolve(path, step, query, theme) {
      const site = sites.find(([prefixes]) => prefixes.some((p) => path.startsWith(p)))?.[1] ?? fallback
      return site.resolve(path, step, query, theme)
    },
  }
}

/** Page-1 paths of every legacy listing the replica serves (the archive last). */
export function legacyListingPaths(): string[] {
  return LEGACY_LISTINGS.map((l) => l.path)
}

/** Page-1 paths of the current site's listings: /latest/, the five categories, the five topics (script-filled). */
export function currentListingPaths(): string[] {
  return CURRENT_LISTINGS.map((l) => l.path)
}

/** Page-1 paths of the made-up network's listings. */
export function networkListingPaths(): string[] {
  return [NETWORK_NEWS]
}
