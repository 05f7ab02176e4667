import { createHash } from 'node:crypto'
import { promisify } from 'node:util'
import { brotliCompress, brotliDecompress, constants } from 'node:zlib'
import type { Kysely } from 'kysely'
import type { PageOutcomeKind } from '../domain/page-outcome.ts'
import { batchesOf } from './batches.ts'
import type { Database } from './schema.ts'

const compress = promisify(brotliCompress)
const decompress = promisify(brotliDecompress)

// Quality 5 rather than brotli's default 11: close in size on HTML, many times faster per page.
const BROTLI_QUALITY = 5

export function sha256Hex(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex')
}

/** Stores each distinct body once (two statements for a batch of pages); returns the hashes in order. */
export async function storePageBodies(db: Kysely<Database>, bodies: readonly Buffer[]): Promise<string[]> {
  const hashes = bodies.map((body) => sha256Hex(body))
  const known = new Set<string>()
  for (const batch of batchesOf([...new Set(hashes)], 1)) {
    for (const row of await db.selectFrom('page_body').select('sha256').where('sha256', 'in', batch).execute()) known.add(row.sha256)
  }
  const fresh = new Map<string, Buffer>()
  bodies.forEach((body, index) => {
    const sha256 = hashes[index]
    if (sha256 !== undefined && !known.has(sha256)) fresh.set(sha256, body)
  })
  if (fresh.size > 0) {
    const rows = await Promise.all(
      [...fresh].map(async ([sha256, body]) => ({ sha256, size: body.length, compression: 'br' as const, body: await compressBody(body) })),
    )
    // A concurrent writer may have stored the same body meanwhile: same content, keep theirs.
    for (const batch of batchesOf(rows, 4)) await db.insertInto('page_body').values(batch).onConflict((oc) => oc.column('sha256').doNothing()).execute()
  }
  return hashes
}

function compressBody(body: Buffer): Promise<Buffer> {
  return compress(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  })
}

/** The uncompressed body, or null when no body has that hash. */
export async function readPageBody(db: Kysely<Database>, sha256: string): Promise<Buffer | null> {
  const row = await db.selectFrom('page_body').select(['body', 'compression']).where('sha256', '=', sha256).executeTakeFirst()
  if (row === undefined) return null
  return decompress(row.body)
}

/** The uncompressed bodies with these hashes, those that exist; one statement, decompressed side by side (libuv's threads). */
export async function readPageBodies(db: Kysely<Database>, hashes: readonly string[]): Promise<Map<string, Buffer>> {
  if (hashes.length === 0) return new Map()
  const rows = await db.selectFrom('page_body').select(['sha256', 'body']).where('sha256', 'in', [...new Set(hashes)]).execute()
  return new Map(await Promise.all(rows.map(async (row) => [row.sha256, await decompress(row.body)] as const)))
}

export interface PageFetchRecord {
  runId: number
  listingId: number
  pageNumber: number
  /** The page's canonical URL. */
  url: string
  /** The URL actually requested. */
  fetchedUrl: string
  status: number | null
  contentType: string | null
  headers: Record<string, string> | null
  charset: string | null
  outcome: PageOutcomeKind
  bytes: number | null
  durationMs: number
  attempts: number
  bodySha256: string | null
  error: string | null
  fetchedAt: Date
}

/** One statement for many fetches (a statement a batch); ids come back in the order given. */
export async function recordPageFetches(db: Kysely<Database>, fetches: readonly PageFetchRecord[]): Promise<number[]> {
  const ids: number[] = []
  for (const batch of batchesOf(fetches, 16)) {
    const rows = await db
      .insertInto('page_fetch')
      .values(
        batch.map((fetch) => ({
          run_id: fetch.runId,
          listing_id: fetch.listingId,
          page_number: fetch.pageNumber,
          url: fetch.url,
          fetched_url: fetch.fetchedUrl,
          status: fetch.status,
          content_type: fetch.contentType,
          headers: fetch.headers === null ? null : JSON.stringify(fetch.headers),
          charset: fetch.charset,
          outcome: fetch.outcome,
          bytes: fetch.bytes,
          duration_ms: Math.round(fetch.durationMs),
          attempts: fetch.attempts,
          body_sha256: fetch.bodySha256,
          error: fetch.error,
          fetched_at: fetch.fetchedAt,
        })),
      )
      .returning('id')
      .execute()
    ids.push(...rows.map((row) => row.id))
  }
  // serial ids are drawn in VALUES order, batch after batch, so sorting them restores the input order
  return ids.sort((a, b) => a - b)
}
