// Which runs' changes `eurowatch run` has printed: every change reaches its output once.
import type { Kysely } from 'kysely'
import type { Database } from './schema.ts'

/** Diffed runs whose changes no `eurowatch run` has printed yet, oldest first. */
export async function unprintedRuns(db: Kysely<Database>): Promise<number[]> {
  const rows = await db.selectFrom('crawl_run').select('id').where('printed_at', 'is', null).where('diffed_at', 'is not', null).orderBy('id').execute()
  return rows.map((row) => row.id)
}

export async function markRunsPrinted(db: Kysely<Database>, runIds: readonly number[], at: Date): Promise<void> {
  if (runIds.length === 0) return
  await db.updateTable('crawl_run').set({ printed_at: at }).where('id', 'in', [...runIds]).where('printed_at', 'is', null).execute()
}
