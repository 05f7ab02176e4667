// The page-storing step: fetched listing pages, their raw bodies and headers first, then the
// entries read from them, versions and sightings; a batch of pages per transaction so a killed
// run leaves whole pages or nothing.
import type { Kysely } from 'kysely'
import { closeVersions, completeSummaries, findOpenVersions, openVersions, recordPageSightings, upsertEntries, versionFieldsOf, type VersionToOpen } from '../db/entries.ts'
import { recordPageFetches, storePageBodies } from '../db/pages.ts'
import type { Database } from '../db/schema.ts'
import type { ParsedEntry, SiteProfile } from '../domain/entry.ts'
import type { PageOutcomeKind } from '../domain/page-outcome.ts'
import { decideVersion, type VersionFields } from '../domain/versioning.ts'

export interface StorePageDeps {
  db: Kysely<Database>
  now: () => Date
  /**
   * A backfilled moment's time: an entry whose stored version began after it (another listing's
   * later history) keeps its versions, which chain forward in time; only its sighting is recorded.
   */
  momentAt?: Date
}

export interface ListingPageInput {
  runId: number
  listingId: number
  pageNumber: number
  canonicalUrl: string
  fetchedUrl: string
  status: number | null
  contentType: string | null
  /** Response headers as received; null when there was no response. */
  headers: Record<string, string> | null
  body: Buffer | null
  /** The charset the body was decoded with for parsing; null when it was not decoded. */
  charset: string | null
  durationMs: number
  attempts: number
  outcome: PageOutcomeKind
  /** Why the page was not used; null for a fetched page. */
  error: string | null
  /** The entries to store: none when the page failed or its entries are not trusted (then only the fetch is recorded). */
  entries: ParsedEntry[] | null
  /** 1-based listing position of the page's first entry. */
  firstPosition: number
  /** The theme the listing gives its entries (a topic page), or null. */
  theme: string | null
  /** 'listing': themes accumulate from the themed listings that showed the entry, never dropped. */
  themeSource: SiteProfile['themeSource']
}

export interface StoredPage {
  pageFetchId: number
  newEntries: number
  versionsCreated: number
  sightings: number
}

/** Stores pages of one run in one transaction, with one statement per table for the whole batch. */
export async function storeListingPages(deps: StorePageDeps, inputs: readonly ListingPageInput[]): Promise<StoredPage[]> {
  const runId = inputs[0]?.runId
  if (runId === undefined) return []
  if (inputs.some((input) => input.runId !== runId)) throw new Error('storeListingPages: pages of several runs in one batch')
  const at = deps.now()
  return deps.db.transaction().execute(async (trx) => {
    const withBody = inputs.filter((input) => input.body !== null)
    const hashes = await storePageBodies(trx, withBody.map((input) => input.body as Buffer))
    const hashOf = new Map(withBody.map((input, index) => [input, hashes[index] ?? null]))
    const fetchIds = await recordPageFetches(
      trx,
      inputs.map((input) => ({
        runId,
        listingId: input.listingId,
        pageNumber: input.pageNumber,
        url: input.canonicalUrl,
        fetchedUrl: input.fetchedUrl,
        status: input.status,
        contentType: input.contentType,
        headers: input.headers,
        charset: input.charset,
        outcome: input.outcome,
        bytes: input.body?.length ?? null,
        durationMs: input.durationMs,
        attempts: input.attempts,
        bodySha256: hashOf.get(input) ?? null,
        error: input.error,
        fetchedAt: at,
      })),
    )

    const keys = inputs.flatMap((input) => input.entries ?? []).map((entry) => entry.key)
    const upserted = await upsertEntries(trx, runId, keys)
    const idByKey = new Map(upserted.map((entry) => [entry.entryKey, entry.id]))
    const entryId = (key: string): number => {
      const id = idByKey.get(key)
      if (id === undefined) throw new Error(`entry ${key} was not upserted`)
      return id
    }
    const stored = new Map((await findOpenVersions(trx, upserted.map((entry) => entry.id))).map((version) => [version.entry_id, version]))
    const momentAt = deps.momentAt
    const later = new Set(momentAt === undefined ? [] : [...stored.values()].filter((version) => version.valid_from > momentAt).map((version) => version.entry_id))
    const plan = planVersions(inputs, entryId, (id) => {
      const version = stored.get(id)
      return version === undefined ? null : versionFieldsOf(version)
    }, later)
    // a page whose entries are stored is a read: it extends, ends or opens the sighting ranges of its
    // slots. Before the versions: the search row a new version makes then names its listing at once,
    // where a range added after it would rewrite the row and its full-text index entries again.
    const reads = inputs.flatMap((input, index) =>
      input.outcome === 'fetched' && input.entries !== null ? [{ index, entries: input.entries, input }] : [],
    )
    const recorded = await recordPageSightings(
      trx,
      reads.map(({ index, entries, input }) => ({
        runId,
        listingId: input.listingId,
        pageNumber: input.pageNumber,
        pageFetchId: fetchIds[index] ?? 0,
        sightings: entries.map((entry, offset) => ({ entryId: entryId(entry.key), position: input.firstPosition + offset })),
      })),
    )
    await closeVersions(trx, plan.toClose.flatMap((id) => stored.get(id)?.id ?? []), runId, at)
    await openVersions(trx, plan.toOpen, runId, at)
    await completeSummaries(trx, plan.toComplete.flatMap(({ entryId, fields }) => {
      const version = stored.get(entryId)
      return version === undefined ? [] : [{ versionId: version.id, summary: fields.summary, summaryTruncated: fields.summaryTruncated }]
    }))

    const sightingsByPage = new Map(reads.map(({ index }, read) => [index, recorded[read] ?? 0]))
    const isNew = new Set(upserted.filter((entry) => entry.inserted).map((entry) => entry.entryKey))
    return inputs.map((input, index) => {
      const pageKeys = new Set((input.entries ?? []).map((entry) => entry.key))
      const counted = [...pageKeys].filter((key) => isNew.delete(key)).length
      return {
        pageFetchId: fetchIds[index] ?? 0,
        newEntries: counted,
        versionsCreated: plan.versionsByPage[index] ?? 0,
        sightings: sightingsByPage.get(index) ?? 0,
      }
    })
  })
}

interface VersionPlan {
  /** Entries whose stored open version is superseded. */
  toClose: number[]
  toOpen: VersionToOpen[]
  /** Stored open versions whose cut summary a listing now shows in full: completed in place, not a new version. */
  toComplete: { entryId: number; fields: VersionFields }[]
  versionsByPage: number[]
}

/**
 * Decides the versions of a batch in page order: an entry seen differently on two pages of the
 * batch gets both versions, the earlier one stored already closed, exactly as if stored one by one.
 */
function planVersions(inputs: readonly ListingPageInput[], entryId: (key: string) => number, storedFields: (id: number) => VersionFields | null, kept: ReadonlySet<number>): VersionPlan {
  const current = new Map<number, VersionFields | null>()
  const pending = new Map<number, VersionToOpen[]>()
  const toComplete = new Map<number, VersionFields>()
  const versionsByPage = inputs.map((input) => {
    let created = 0
    const seenOnPage = new Set<string>()
    for (const entry of input.entries ?? []) {
      // a key listed twice on one page: its first listing decides the version
      if (seenOnPage.has(entry.key)) continue
      seenOnPage.add(entry.key)
      const id = entryId(entry.key)
      if (kept.has(id)) continue
      const before = current.has(id) ? (current.get(id) ?? null) : storedFields(id)
      const decision = decideVersion(before, { ...entry, themes: themesOf(input, entry, before) })
      if (decision.kind === 'same') continue
      current.set(id, decision.next)
      if (decision.kind === 'completed') {
        // the same version, its cut summary now in full: updated in place (the one opened in this batch, else the stored one)
        const opened = pending.get(id)?.at(-1)
        if (opened !== undefined) opened.fields = decision.next
        else toComplete.set(id, decision.next)
        continue
      }
      pending.set(id, [...(pending.get(id) ?? []), { entryId: id, fields: decision.next, closed: false }])
      created += 1
    }
    return created
  })
  const toOpen = [...pending.values()].flatMap((versions) => versions.map((version, index) => ({ ...version, closed: index < versions.length - 1 })))
  const toClose = [...pending.keys()].filter((id) => storedFields(id) !== null)
  return { toClose, toOpen, toComplete: [...toComplete].map(([entryId, fields]) => ({ entryId, fields })), versionsByPage }
}

/** The themes a sighting gives an entry: what the page shows, this listing's theme, and for listing-sourced themes all those seen before. */
export function themesOf(input: Pick<ListingPageInput, 'theme' | 'themeSource'>, entry: Pick<ParsedEntry, 'themes'>, before: VersionFields | null): string[] {
  const themes = new Set(entry.themes)
  if (input.theme !== null) themes.add(input.theme)
  if (input.themeSource === 'listing') for (const theme of before?.themes ?? []) themes.add(theme)
  return [...themes]
}
