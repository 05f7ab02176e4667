// An export written to an output as it is read: the WARC records of stored fetches, or entries
// as JSON Lines or CSV. Memory stays flat: one page of rows, one record, and a small note per
// distinct body written (what a revisit refers to).
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import type { ExportScope } from '../../domain/archive.ts'
import { exportedEntries, pageCaptures } from '../../jobs/export.ts'
import type { ExportFormat } from '../reports/archive-formats.ts'
import { entryCsvHeader, entryCsvRows, entryJsonLine } from '../reports/export-entries.ts'
import { WarcWriter, type WarcOptions } from '../reports/warc.ts'
import type { Output } from './output-file.ts'

export interface ExportCounts {
  /** Fetches (warc) or entries (jsonl, csv) written. */
  items: number
  /** Fetches written as revisits (warc), versions written (jsonl, csv). */
  detail: number
}

/** Thrown between two records when the signal says stop. */
export class ExportInterrupted extends Error {
  override name = 'ExportInterrupted'
}

export async function writeExport(
  db: Kysely<Database>,
  format: ExportFormat,
  scope: ExportScope,
  output: Output,
  options: { warc: WarcOptions; signal?: AbortSignal },
): Promise<ExportCounts> {
  const check = () => {
    if (options.signal?.aborted) throw new ExportInterrupted('export interrupted')
  }
  const counts = { items: 0, detail: 0 }
  if (format === 'warc') {
    const writer = new WarcWriter(options.warc)
    await output.write(await writer.warcinfo())
    for await (const capture of pageCaptures(db, scope)) {
      check()
      await output.write(await writer.records(capture))
      counts.items += 1
      if (capture.kind === 'revisit') counts.detail += 1
    }
    return counts
  }
  if (format === 'csv') await output.write(entryCsvHeader())
  for await (const entry of exportedEntries(db, scope)) {
    check()
    await output.write(format === 'jsonl' ? entryJsonLine(entry) : entryCsvRows(entry))
    counts.items += 1
    counts.detail += entry.versions.length
  }
  return counts
}
