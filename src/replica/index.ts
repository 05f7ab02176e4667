// Public API of the offline replica: a loopback HTTP server serving the EUROCITIES legacy
// site from a deterministic dataset, at a chosen step of its timeline, with injectable faults.
import type { Replica, ReplicaOptions } from './types'
import { startServer } from './server'
import { createLegacySite } from './legacy/site'
import { LEGACY_LISTINGS } from './legacy/listings'

export type { ChangeKind, Fault, FaultKind, FaultPlan, Replica, ReplicaOptions, ReplicaRequest, TimelineChange, TimelineStep } from './types'
export { legacyTimeline } from './legacy/timeline'

export function startReplica(options: ReplicaOptions = {}): Promise<Replica> {
  const archivePages = options.archivePages ?? 5
  if (!Number.isInteger(archivePages) || archivePages < 1) throw new RangeError(`archivePages must be a whole number >= 1, got ${archivePages}`)
  return startServer(createLegacySite(archivePages), {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    step: options.step ?? 0,
    faults: options.faults ?? [],
  })
}

/** Page-1 paths of every legacy listing the replica serves (the archive last). */
export function legacyListingPaths(): string[] {
  return LEGACY_LISTINGS.map((l) => l.path)
}
