// One entry's versions, each with the runs (and their start times) it was first and last seen in.
import type { Kysely } from 'kysely'
import type { EntryHistory, Seen } from '../domain/entry-history.ts'
import type { Database } from './schema.ts'
import { versionFieldsOf } from './entries.ts'

// The legacy site's stable id inside a detail URL: the slug before it may change, the id does not.
const LEGACY_KEY = /(WSPO-[A-Z0-9]{6})(?=$|[/?&#])/

/**
 * The entry whose key is `keyOrUrl`, else the legacy entry whose WSPO id the URL carries, else
 * the entry one of whose versions had this URL. null when none matches.
 */
export async function entryHistory(db: Kysely<Database>, keyOrUrl: string): Promise<EntryHistory | null> {
  const entry = await findEntry(db, keyOrUrl)
  if (entry === undefined) return null
  const rows = await db
    .selectFrom('entry_version as v')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('sighting as s')
          .select((s) => [s.fn.min('s.run_id').as('first_run'), s.fn.max('s.run_id').as('last_run')])
          .whereRef('s.entry_id', '=', 'v.entry_id')
          .whereRef('s.run_id', '>=', 'v.valid_from_run')
          .where((s) => s.or([s('v.valid_to_run', 'is', null), s('s.run_id', '<', s.ref('v.valid_to_run'))]))
          .as('seen'),
      (join) => join.onTrue(),
    )
    .leftJoin('crawl_run as fr', 'fr.id', 'seen.first_run')
    .leftJoin('crawl_run as lr', 'lr.id', 'seen.last_run')
    .selectAll('v')
    .select(['seen.first_run', 'seen.last_run', 'fr.started_at as first_at', 'lr.started_at as last_at'])
    .where('v.entry_id', '=', entry.id)
    .orderBy('v.valid_from_run')
    .orderBy('v.id')
    .execute()
  return {
    key: entry.entry_key,
    firstSeenRun: entry.first_seen_run,
    lastSeenRun: entry.last_seen_run,
    removedAt: entry.removed_at,
    versions: rows.map((row) => ({
      id: row.id,
      fields: versionFieldsOf(row),
      validFromRun: row.valid_from_run,
      validToRun: row.valid_to_run,
      validFrom: row.valid_from,
      validTo: row.valid_to,
      firstSeen: seen(row.first_run, row.first_at),
      lastSeen: seen(row.last_run, row.last_at),
    })),
  }
}

async function findEntry(db: Kysely<Database>, keyOrUrl: string) {
  const legacyKey = LEGACY_KEY.exec(keyOrUrl)?.[1] ?? null
  // rank: exact key, then the WSPO id in a URL, then a URL some version had
  return db
    .selectFrom('entry as e')
    .selectAll('e')
    .select((eb) =>
      eb
        .case()
        .when('e.entry_key', '=', keyOrUrl)
        .then(0)
        .when('e.entry_key', '=', legacyKey ?? keyOrUrl)
        .then(1)
        .else(2)
        .end()
        .as('rank'),
    )
    .where((eb) =>
      eb.or([
        eb('e.entry_key', 'in', legacyKey === null ? [keyOrUrl] : [keyOrUrl, legacyKey]),
        eb.exists(eb.selectFrom('entry_version as v').select('v.id').whereRef('v.entry_id', '=', 'e.id').where('v.url', '=', keyOrUrl)),
      ]),
    )
    .orderBy('rank')
    .orderBy('e.id')
    .limit(1)
    .executeTakeFirst()
}

function seen(runId: number | null, at: Date | null): Seen | null {
  return runId === null || at === null ? null : { runId, at }
}
