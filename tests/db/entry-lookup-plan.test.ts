// Finding an entry (the entry page, `history`) by its key or by a URL one of its versions had goes
// through indexes: at a million entries a read of every version took seconds per page.
import { sql, type Kysely, type RootOperationNode } from 'kysely'
import { describe, expect, it } from 'vitest'
import { entryHistory } from '../../db/entry-history.ts'
import { entryPage } from '../../db/entry-page.ts'
import { upsertListing } from '../../db/listings.ts'
import { createRun, finishRun } from '../../db/runs.ts'
import type { Database } from '../../db/schema.ts'
import type { ParsedEntry } from '../../domain/entry.ts'
import { parsedEntry, storeListingPage, T0 } from './fixtures.ts'
import { backends, useTestDatabase } from '../support/databases.ts'

let clock = T0.getTime()
const now = () => new Date((clock += 1000))

async function storeRun(db: Kysely<Database>, entries: ParsedEntry[]): Promise<void> {
  const runId = await createRun(db, now())
  const listingId = await upsertListing(db, { sourceId: 'latest', profile: 'eurocities-legacy', url: 'http://www.eurocities.eu/latest' })
  await storeListingPage(
    { db, now },
    {
      runId, listingId, pageNumber: 1, canonicalUrl: 'http://www.eurocities.eu/latest', fetchedUrl: 'http://127.0.0.1/latest',
      status: 200, contentType: 'text/html', headers: null, body: null, charset: null, durationMs: 1, attempts: 1,
      outcome: 'fetched', error: null, entries, firstPosition: 1, theme: null, themeSource: 'page',
    },
  )
  await finishRun(db, runId, { status: 'complete', pagesFetched: 1, entriesSeen: entries.length, versionsCreated: 0, error: null }, now())
}

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Cond'?: string
  Plans?: PlanNode[]
}

/**
 * The tables the statements `read` runs would read whole, with sequential scans made a last resort:
 * a sequential scan left, or an index walked end to end with no condition on it, means no index serves it.
 */
async function tablesReadWhole(db: Kysely<Database>, read: (db: Kysely<Database>) => Promise<unknown>): Promise<string[]> {
  const nodes: RootOperationNode[] = []
  await read(db.withPlugin({ transformQuery: ({ node }) => (nodes.push(node), node), transformResult: async ({ result }) => result }))
  const scanned: string[] = []
  const walk = (node: PlanNode) => {
    const whole = node['Node Type'] === 'Seq Scan' || (['Index Scan', 'Index Only Scan'].includes(node['Node Type']) && node['Index Cond'] === undefined)
    if (whole && node['Relation Name'] !== undefined) scanned.push(node['Relation Name'])
    for (const child of node.Plans ?? []) walk(child)
  }
  await db.connection().execute(async (connection) => {
    await sql`set enable_seqscan = off`.execute(connection)
    try {
      for (const [n, node] of nodes.entries()) {
        const statement = connection.getExecutor().compileQuery(node, { queryId: `plan-${n}` })
        const { rows } = await connection.executeQuery<{ 'QUERY PLAN': { Plan: PlanNode }[] | string }>({ ...statement, sql: `explain (format json) ${statement.sql}` })
        for (const row of rows) {
          const plan = row['QUERY PLAN']
          for (const root of typeof plan === 'string' ? (JSON.parse(plan) as { Plan: PlanNode }[]) : plan) walk(root.Plan)
        }
      }
    } finally {
      await sql`reset enable_seqscan`.execute(connection)
    }
  })
  return scanned
}

describe.each(backends)('finding an entry on %s', (backend) => {
  const db = useTestDatabase(backend)

  it('by its key or by a URL one of its versions had, reading neither entries nor versions whole', async () => {
    const key = 'https://eurocities.eu/latest/first-url'
    await storeRun(db(), [parsedEntry(1), parsedEntry(2, { key, url: key })])
    await storeRun(db(), [parsedEntry(1), parsedEntry(2, { key, url: 'https://eurocities.eu/latest/second-url' })])

    expect((await entryHistory(db(), key))?.key).toBe(key)
    expect((await entryHistory(db(), 'https://eurocities.eu/latest/second-url'))?.key).toBe(key)
    expect((await entryHistory(db(), 'WSPO-000001'))?.key).toBe('WSPO-000001')
    for (const asked of [key, 'https://eurocities.eu/latest/second-url', 'WSPO-000001', 'https://eurocities.eu/nothing']) {
      const scanned = await tablesReadWhole(db(), (logged) => entryHistory(logged, asked))
      expect(scanned.filter((table) => table === 'entry' || table === 'entry_version'), asked).toEqual([])
    }
  })

  it("with its page: the stored pages of the entry's own page through an index", async () => {
    await storeRun(db(), [parsedEntry(1)])
    const scanned = await tablesReadWhole(db(), (logged) => entryPage(logged, 'WSPO-000001'))
    expect(scanned.filter((table) => ['entry', 'entry_version', 'detail_fetch'].includes(table))).toEqual([])
  })
})
