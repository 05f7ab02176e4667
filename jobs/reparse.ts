// Re-reading stored listing pages with today's profiles: what a fixed profile reads differently
// from what was recorded, per entry version, and with `apply` the versions corrected in place
// (their recorded fields kept beside them). A correction is not a change of the entry: no change
// event, no delivery. Entries a page now shows that were not recorded, or no longer shows, are
// told, not written: sightings stay what the crawl saw.
import type { Kysely } from 'kysely'
import { listingIdByName } from '../db/archive.ts'
import { readPageBodies } from '../db/pages.ts'
import { applyCorrections, recordedSightings, storedListingPagesAfter, type CorrectionToApply, type RecordedSighting, type ReparseScope, type StoredListingPage } from '../db/reparse.ts'
import { versionFieldsOf } from '../db/entries.ts'
import type { Database, EntryVersion } from '../db/schema.ts'
import type { SiteProfile } from '../domain/entry.ts'
import { UserError } from '../domain/errors.ts'
import { decideVersion, normalizeVersionFields, type VersionField, type VersionFields } from '../domain/versioning.ts'
import { readListingPage } from './read-page.ts'
import { themesOf } from './store-page.ts'

const PAGES_PER_BATCH = 100

/** How a configured listing is read today. */
export interface ReparseSource {
  name: string
  profile: SiteProfile
  theme: string | null
}

export interface ReparseRequest {
  runId: number | null
  since: Date | null
  listing: string | null
  apply: boolean
}

export interface FieldDifference {
  field: VersionField
  recorded: unknown
  reparsed: unknown
}

/** One part of a version as re-read: from run `fromRun` on, these fields. */
export interface ReparsedPart {
  fromRun: number
  fields: VersionFields
  differences: FieldDifference[]
}

export interface VersionReparse {
  entryKey: string
  source: string
  versionId: number
  validFromRun: number
  validToRun: number | null
  /** The runs whose pages were re-read for this version. */
  runs: number[]
  /** The version as it now reads: one part, or several when its runs read differently. */
  parts: ReparsedPart[]
}

export interface PageNote {
  source: string
  runId: number
  pageFetchId: number
  url: string
  note: string
}

export interface ReparseSummary {
  pages: number
  applied: boolean
  corrections: VersionReparse[]
  /** Pages that no longer read (a layout error, no entries), entries read but not recorded or recorded but no longer read. */
  notes: PageNote[]
  /** Listings in the scope that the configuration no longer has: their pages are not re-read. */
  unconfigured: string[]
}

export interface ReparseDeps {
  db: Kysely<Database>
  now: () => Date
}

/** Re-reads every stored page in the scope; with `apply`, corrects the versions in one transaction. */
export async function reparse(deps: ReparseDeps, sources: readonly ReparseSource[], request: ReparseRequest): Promise<ReparseSummary> {
  const scope = await scopeOf(deps.db, request)
  const sourceByName = new Map(sources.map((source) => [source.name, source]))
  const observations = new Map<number, Observation[]>()
  const notes: PageNote[] = []
  const unconfigured = new Set<string>()
  let pages = 0
  let after = 0
  for (;;) {
    const batch = await storedListingPagesAfter(deps.db, scope, after, PAGES_PER_BATCH)
    const last = batch.at(-1)
    if (last === undefined) break
    after = last.id
    const bodies = await readPageBodies(deps.db, batch.map((page) => page.sha256))
    const sightings = groupBy(await recordedSightings(deps.db, batch.map((page) => page.id)), (sighting) => sighting.pageFetchId)
    for (const page of batch) {
      const source = sourceByName.get(page.source)
      if (source === undefined) {
        unconfigured.add(page.source)
        continue
      }
      const body = bodies.get(page.sha256)
      if (body === undefined) throw new Error(`page body ${page.sha256} of fetch ${page.id} is missing`)
      pages += 1
      rereadPage(source, page, body, sightings.get(page.id) ?? [], observations, notes)
    }
  }
  const corrections = [...observations.values()].flatMap((seen) => planCorrection(seen) ?? [])
  if (request.apply && corrections.length > 0) {
    await deps.db.transaction().execute((trx) => applyCorrections(trx, corrections.map(toApply), deps.now()))
  }
  return { pages, applied: request.apply, corrections: corrections.map(describe), notes, unconfigured: [...unconfigured].sort() }
}

async function scopeOf(db: Kysely<Database>, request: ReparseRequest): Promise<ReparseScope> {
  const listingId = request.listing === null ? null : await listingIdByName(db, request.listing)
  if (request.listing !== null && listingId === null) throw new UserError(`--listing: no listing named "${request.listing}" in the database`)
  if (request.runId !== null) {
    const run = await db.selectFrom('crawl_run').select('id').where('id', '=', request.runId).executeTakeFirst()
    if (run === undefined) throw new UserError(`--run: no crawl run ${request.runId}`, 'see the run ids printed by `eurowatch crawl`')
  }
  return { runId: request.runId, since: request.since, listingId }
}

/** What one recorded sighting reads as today. */
interface Observation {
  source: string
  entryKey: string
  version: EntryVersion
  runId: number
  fetchedAt: Date
  /** The fields the page gives the version today (the recorded ones when nothing differs). */
  fields: VersionFields
}

function rereadPage(source: ReparseSource, page: StoredListingPage, body: Buffer, sightings: readonly RecordedSighting[], observations: Map<number, Observation[]>, notes: PageNote[]): void {
  const note = (text: string) => notes.push({ source: source.name, runId: page.runId, pageFetchId: page.id, url: page.url, note: text })
  // the charset it was decoded with when fetched: the bytes are read exactly as then
  const read = readListingPage(source.profile, { canonicalUrl: page.url, body, headers: page.headers, knownCharset: page.charset, notice: null }, null)
  if (read.outcome.kind !== 'fetched') {
    const outcome = read.outcome
    note(`no longer reads: ${outcome.kind === 'health-failed' ? outcome.problem.message : outcome.reason}; its versions are left as recorded`)
    return
  }
  const parsed = new Map<string, (typeof read.outcome.page.entries)[number]>()
  for (const entry of read.outcome.page.entries) if (!parsed.has(entry.key)) parsed.set(entry.key, entry)
  const recorded = new Set<string>()
  for (const sighting of sightings) {
    // an entry listed twice on a page: its first listing made the version
    if (recorded.has(sighting.entryKey)) continue
    recorded.add(sighting.entryKey)
    const entry = parsed.get(sighting.entryKey)
    if (entry === undefined) {
      note(`${sighting.entryKey} was recorded but is no longer read from the page`)
      continue
    }
    const stored = versionFieldsOf(sighting.version)
    const { key: _key, ...seen } = entry
    const decision = decideVersion(stored, { ...seen, themes: themesOf({ theme: source.theme, themeSource: source.profile.themeSource }, entry, stored) })
    const fields = decision.kind === 'same' ? stored : decision.next
    const seenBefore = observations.get(sighting.version.id) ?? []
    // a version read on several pages of one run: the first read decides, as when it was stored
    if (seenBefore.some((observation) => observation.runId === page.runId)) continue
    observations.set(sighting.version.id, [...seenBefore, { source: source.name, entryKey: sighting.entryKey, version: sighting.version, runId: page.runId, fetchedAt: page.fetchedAt, fields }])
  }
  for (const key of parsed.keys()) if (!recorded.has(key)) note(`${key} is read from the page but was not recorded; left as is`)
}

interface PlannedCorrection {
  observations: Observation[]
  parts: { fromRun: number; from: Date; fields: VersionFields }[]
}

/** The parts a version reads as, in run order; null when it reads as recorded. */
function planCorrection(observations: readonly Observation[]): PlannedCorrection | null {
  const sorted = [...observations].sort((a, b) => a.runId - b.runId)
  const first = sorted[0]
  if (first === undefined) return null
  const parts: PlannedCorrection['parts'] = []
  for (const observation of sorted) {
    const last = parts.at(-1)
    if (last === undefined || !sameFields(last.fields, observation.fields)) parts.push({ fromRun: observation.runId, from: observation.fetchedAt, fields: observation.fields })
  }
  const recorded = versionFieldsOf(first.version)
  if (parts.length === 1 && sameFields(recorded, parts[0]?.fields ?? recorded)) return null
  return { observations: sorted, parts }
}

/** Equal once normalized, the truncation flag included (a summary completed is a correction too). */
function sameFields(a: VersionFields, b: VersionFields): boolean {
  return differences(a, b).length === 0
}

const FIELDS: readonly VersionField[] = ['url', 'title', 'type', 'date', 'endDate', 'themes', 'summary', 'summaryTruncated', 'documentType']

function differences(recorded: VersionFields, reparsed: VersionFields): FieldDifference[] {
  const a = normalizeVersionFields(recorded)
  const b = normalizeVersionFields(reparsed)
  return FIELDS.filter((field) => JSON.stringify(a[field]) !== JSON.stringify(b[field])).map((field) => ({ field, recorded: a[field], reparsed: b[field] }))
}

function toApply(plan: PlannedCorrection): CorrectionToApply {
  const [first, ...later] = plan.parts
  const version = plan.observations[0]?.version
  if (first === undefined || version === undefined) throw new Error('a correction without a part')
  return { version, fields: first.fields, splits: later }
}

function describe(plan: PlannedCorrection): VersionReparse {
  const first = plan.observations[0]
  if (first === undefined) throw new Error('a correction without an observation')
  const recorded = versionFieldsOf(first.version)
  return {
    entryKey: first.entryKey,
    source: first.source,
    versionId: first.version.id,
    validFromRun: first.version.valid_from_run,
    validToRun: first.version.valid_to_run,
    runs: plan.observations.map((observation) => observation.runId),
    parts: plan.parts.map((part, index) => ({ fromRun: index === 0 ? first.version.valid_from_run : part.fromRun, fields: part.fields, differences: differences(recorded, part.fields) })),
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>()
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item])
  return groups
}
