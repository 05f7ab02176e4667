// Readings kept of stored bodies (migration 2026_12_07_1700_page_reading): what the parser made of
// a body, so that a 304 for that body needs no parse when the same code would read it.
import type { Kysely } from 'kysely'
import type { ListingPage } from '../domain/entry.ts'
import type { Database } from './schema.ts'

export interface PageReading {
  bodySha256: string
  /** What read it: the reading code and the inputs besides the body (PageReader.readerOf). */
  reader: string
  page: ListingPage
  charset: string
}

/** The reading kept of this body by this reader, or null. */
export async function pageReadingOf(db: Kysely<Database>, bodySha256: string, reader: string): Promise<PageReading | null> {
  const row = await db.selectFrom('page_reading').select(['page', 'charset']).where('body_sha256', '=', bodySha256).where('reader', '=', reader).executeTakeFirst()
  return row === undefined ? null : { bodySha256, reader, page: row.page, charset: row.charset }
}

/** Keeps these readings; one already kept stays as it is (the same reader read the same bytes). */
export async function keepPageReadings(db: Kysely<Database>, readings: readonly PageReading[]): Promise<void> {
  if (readings.length === 0) return
  await db
    .insertInto('page_reading')
    .values(readings.map((reading) => ({ body_sha256: reading.bodySha256, reader: reading.reader, page: JSON.stringify(reading.page), charset: reading.charset })))
    .onConflict((conflict) => conflict.columns(['body_sha256', 'reader']).doNothing())
    .execute()
}
