// `snapshot` of a 10,000-entry listing as of a date in its history: the time of the whole job
// (crawl found, entries and their versions read) and the plan of its entries query, whose every
// table must be reached through an index.
// Alone: `npx tsx bench/snapshot.ts` (PostgreSQL too when DATABASE_URL or TEST_DATABASE_URL is set).
import { pathToFileURL } from 'node:url'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { snapshotEntriesQuery } from '../db/snapshot.ts'
import { loadSnapshot } from '../jobs/snapshot.ts'
import { lateOnDay, seedListingHistory } from '../tests/support/archive-seed.ts'
import { openBenchDatabase, type DiffBenchBackend } from './diff.ts'

export interface SnapshotFigures {
  backend: DiffBenchBackend
  entries: number
  sightings: number
  /** The first snapshot after seeding, and the best of five. */
  firstMs: number
  bestMs: number
  /** The plan's nodes, as "Node Type on relation (index)". */
  plan: string[]
}

export async function benchSnapshot(backend: DiffBenchBackend, options: { entries?: number; runs?: number; url?: string } = {}): Promise<SnapshotFigures> {
  const entries = options.entries ?? 10_000
  const runs = options.runs ?? 30
  const target = await openBenchDatabase(backend, options.url)
  try {
    await seedListingHistory(target.db, { entries, runs })
    const sightings = await target.db.selectFrom('sighting').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    // the end of day 12 (Brussels): run 12, a date in the middle of the history
    const asOf = lateOnDay(12)
    const time = async () => {
      const started = performance.now()
      const result = await loadSnapshot(target.db, { listing: 'archive', asOf, asOfText: '2026-01-12' })
      const ms = performance.now() - started
      if (result.kind !== 'snapshot' || result.snapshot.entries.length < entries * 0.98) throw new Error(`benchSnapshot: no snapshot of ${entries} entries: ${result.kind}`)
      return ms
    }
    const firstMs = await time()
    const times = []
    for (let round = 0; round < 5; round += 1) times.push(await time())
    return { backend, entries, sightings: Number(sightings.n), firstMs: Math.round(firstMs), bestMs: Math.round(Math.min(...times)), plan: await snapshotPlan(target.db, 1, 12, asOf) }
  } finally {
    await target.close()
  }
}

export function formatSnapshotBench(figures: SnapshotFigures): string {
  const target = figures.backend === 'postgres' ? ' (target < 1000 ms)' : ''
  return (
    `snapshot on ${figures.backend}: ${figures.entries}-entry listing, 30 daily complete crawls (${figures.sightings} sightings), as of day 12: ` +
    `${figures.firstMs} ms first, ${figures.bestMs} ms best of five${target}; plan: ${figures.plan.join(' > ')}`
  )
}

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  Plans?: PlanNode[]
}

/** The entries query's plan as PostgreSQL would run it, node by node. */
export async function snapshotPlan(db: Kysely<Database>, listingId: number, runId: number, asOf: Date): Promise<string[]> {
  const [row] = await snapshotEntriesQuery(db, listingId, runId, asOf).explain('json')
  const text = row?.['QUERY PLAN']
  const plan = (typeof text === 'string' ? JSON.parse(text) : text) as { Plan: PlanNode }[]
  const nodes: string[] = []
  const walk = (node: PlanNode) => {
    nodes.push(`${node['Node Type']}${node['Relation Name'] ? ` on ${node['Relation Name']}` : ''}${node['Index Name'] ? ` (${node['Index Name']})` : ''}`)
    for (const child of node.Plans ?? []) walk(child)
  }
  for (const root of plan) walk(root.Plan)
  return nodes
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const withServer = Boolean(process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL)
  for (const backend of ['pglite', ...(withServer ? ['postgres' as const] : [])] as const) console.log(formatSnapshotBench(await benchSnapshot(backend)))
}
