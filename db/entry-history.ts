// One entry's versions, each with the runs (and their start times) it was first and last seen in.
import type { Kysely } from 'kysely'
import type { EntryHistory, HistoryVersion, Seen } from '../domain/entry-history.ts'
import type { Database } from './schema.ts'
import { removalsOfEntries } from './archive.ts'
import { versionFieldsOf } from './entries.ts'
import { detailsOfVersions } from './details.ts'
import { correctionsOfVersions, type VersionCorrectionRow } from './reparse.ts'

// The legacy site's stable id inside a detail URL: the slug before it may change, the id does not.
const LEGACY_KEY = /(WSPO-[A-Z0-9]{6})(?=$|[/?&#])/

/**
 * The entry whose key is `keyOrUrl`, else the legacy entry whose WSPO id the URL carries, else
 * the entry one of whose versions had this URL. null when none matches.
 *
 * With `asOf`, the history as it stood then: versions and sightings stored by then, a validity
 * that ended later read as open, the removal only if the diff had reported it by then; null
 * when the entry had not been seen by then.
 */
export async function entryHistory(db: Kysely<Database>, keyOrUrl: string, asOf: Date | null = null): Promise<EntryHistory | null> {
  const entry = await findEntry(db, keyOrUrl)
  if (entry === undefined) return null
  const rows = await db
    .selectFrom('entry_version as v')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('sighting as s')
          .innerJoin('page_fetch as p', 'p.id', 's.page_fetch_id')
          .select((s) => [s.fn.min('s.run_id').as('first_run'), s.fn.max('s.run_id').as('last_run')])
          .whereRef('s.entry_id', '=', 'v.entry_id')
          .whereRef('s.run_id', '>=', 'v.valid_from_run')
          .where((s) => s.or([s('v.valid_to_run', 'is', null), s('s.run_id', '<', s.ref('v.valid_to_run'))]))
          .$if(asOf !== null, (qb) => qb.where('p.fetched_at', '<=', asOf as Date))
          .as('seen'),
      (join) => join.onTrue(),
    )
    .leftJoin('crawl_run as fr', 'fr.id', 'seen.first_run')
    .leftJoin('crawl_run as lr', 'lr.id', 'seen.last_run')
    .innerJoin('crawl_run as vfr', 'vfr.id', 'v.valid_from_run')
    .leftJoin('crawl_run as vtr', 'vtr.id', 'v.valid_to_run')
    .selectAll('v')
    .select(['seen.first_run', 'seen.last_run', 'fr.started_at as first_at', 'lr.started_at as last_at', 'vfr.started_at as valid_from_run_at', 'vtr.started_at as valid_to_run_at'])
    .where('v.entry_id', '=', entry.id)
    .$if(asOf !== null, (qb) => qb.where('v.valid_from', '<=', asOf as Date))
    .orderBy('v.valid_from_run')
    .orderBy('v.id')
    .execute()
  if (rows.length === 0) return null
  const endedBy = (at: Date | null): boolean => at !== null && (asOf === null || at <= asOf)
  const details = await detailsOfVersions(db, rows.map((row) => row.id), asOf)
  const corrections = groupCorrections(await correctionsOfVersions(db, rows.map((row) => row.id)))
  const versions = rows.flatMap((row): HistoryVersion[] => {
    const all = corrections.get(row.id) ?? []
    const made = all.filter((correction) => asOf === null || correction.at <= asOf)
    // as of a moment before a re-parse: the version as recorded then; a part it split off did not exist yet
    const undone = all[made.length]
    if (undone === undefined && all.length === 0 && asOf !== null && row.corrected_at !== null && row.corrected_at > asOf) return []
    const validTo = undone === undefined ? row.valid_to : undone.before.validTo === null ? null : new Date(undone.before.validTo)
    const validToRun = endedBy(validTo) ? (undone === undefined ? row.valid_to_run : undone.before.validToRun) : null
    return [
      {
        id: row.id,
        fields: undone === undefined ? versionFieldsOf(row) : undone.before.fields,
        origin: undone === undefined ? row.origin : undone.before.origin,
        corrections: made.map((correction) => ({ at: correction.at, recorded: correction.before.fields })),
        validFromRun: row.valid_from_run,
        validToRun,
        validFrom: row.valid_from,
        validTo: endedBy(validTo) ? validTo : null,
        validFromRunAt: row.valid_from_run_at,
        validToRunAt: validToRun === null ? null : validToRun === row.valid_to_run ? row.valid_to_run_at : validTo,
        firstSeen: seen(row.first_run, row.first_at),
        lastSeen: seen(row.last_run, row.last_at),
        detail: details.get(row.id) ?? null,
      },
    ]
  })
  if (asOf === null) {
    return { key: entry.entry_key, firstSeenRun: entry.first_seen_run, lastSeenRun: entry.last_seen_run, removedAt: entry.removed_at, asOf, versions }
  }
  // every sighting falls within one version's validity: the versions' sightings are all of them
  const runs = versions.flatMap((version) => [version.firstSeen?.runId ?? [], version.lastSeen?.runId ?? []].flat())
  return {
    key: entry.entry_key,
    firstSeenRun: runs.length === 0 ? (versions[0]?.validFromRun ?? entry.first_seen_run) : Math.min(...runs),
    lastSeenRun: runs.length === 0 ? (versions.at(-1)?.validFromRun ?? entry.last_seen_run) : Math.max(...runs),
    removedAt: (await removalsOfEntries(db, [entry.id], asOf)).get(entry.id)?.at ?? null,
    asOf,
    versions,
  }
}

async function findEntry(db: Kysely<Database>, keyOrUrl: string) {
  const legacyKey = LEGACY_KEY.exec(keyOrUrl)?.[1] ?? null
  // the exact key, then the WSPO id in a URL, then a URL some version had: asked in that order, so
  // that a key (the common case) is one index probe and a URL one more
  for (const key of legacyKey === null || legacyKey === keyOrUrl ? [keyOrUrl] : [keyOrUrl, legacyKey]) {
    const entry = await db.selectFrom('entry').selectAll().where('entry_key', '=', key).executeTakeFirst()
    if (entry !== undefined) return entry
  }
  return db
    .selectFrom('entry as e')
    .selectAll('e')
    .where((eb) => eb.exists(eb.selectFrom('entry_version as v').select('v.id').whereRef('v.entry_id', '=', 'e.id').where('v.url', '=', keyOrUrl)))
    .orderBy('e.id')
    .limit(1)
    .executeTakeFirst()
}

function groupCorrections(rows: readonly VersionCorrectionRow[]): Map<number, VersionCorrectionRow[]> {
  const groups = new Map<number, VersionCorrectionRow[]>()
  for (const row of rows) groups.set(row.versionId, [...(groups.get(row.versionId) ?? []), row])
  return groups
}

function seen(runId: number | null, at: Date | null): Seen | null {
  return runId === null || at === null ? null : { runId, at }
}
