// pg-boss's own cost beside a crawl: a job fetched and completed alone (no crawl in it), and the
// size of its tables after many runs once its maintenance has archived and deleted old jobs
// (db/job-queue.ts: archived an hour after completion, deleted a week after).
import type PgBoss from 'pg-boss'
import pg from 'pg'
import { createJobQueue, finishJobId, QUEUES, type CrawlListingJob } from '../db/job-queue.ts'

export interface QueueFigures {
  trivialJobs: number
  fetchCompleteMs: number
  runs: number
  listingsPerRun: number
  simulateSeconds: number
  /** Bytes (pg_total_relation_size, the job table's partitions summed). */
  before: TableSizes
  afterMaintenance: TableSizes
  afterVacuum: TableSizes
}

interface TableSizes {
  jobRows: number
  archiveRows: number
  jobBytes: number
  archiveBytes: number
}

const TIMING = { jobTimeoutSeconds: 600, retryLimit: 2, retryDelaySeconds: 1, maintenanceSeconds: 30 }

export async function benchQueue(url: string, options = { trivialJobs: 1000, runs: 1000, listingsPerRun: 5 }): Promise<QueueFigures> {
  const boss = await createJobQueue(url, { migrate: false, supervise: false, timing: TIMING, applicationName: 'eurowatch bench' })
  await boss.start()
  try {
    const fetchCompleteMs = await timeFetchComplete(boss, options.trivialJobs)
    const started = performance.now()
    for (let run = 1; run <= options.runs; run += 1) await simulateRun(boss, run, options.listingsPerRun)
    const simulateSeconds = (performance.now() - started) / 1000
    await ageRuns(url, options.runs)
    const before = await tableSizes(url)
    // first pass archives every job completed over an hour ago; the archive is then dated as hourly
    // maintenance would have dated it, and the second pass deletes what is over a week old
    await boss.maintain()
    await query(url, `update pgboss.archive set archived_on = completed_on + interval '1 hour'`)
    await boss.maintain()
    const afterMaintenance = await tableSizes(url)
    await query(url, 'vacuum full pgboss.job, pgboss.archive')
    return { trivialJobs: options.trivialJobs, fetchCompleteMs, runs: options.runs, listingsPerRun: options.listingsPerRun, simulateSeconds, before, afterMaintenance, afterVacuum: await tableSizes(url) }
  } finally {
    await boss.stop({ graceful: false, wait: true })
  }
}

export function formatQueueBench(f: QueueFigures): string[] {
  const sizes = (s: TableSizes) => `pgboss.job ${s.jobRows} rows ${kb(s.jobBytes)}, pgboss.archive ${s.archiveRows} rows ${kb(s.archiveBytes)}`
  return [
    `pg-boss alone: ${f.trivialJobs} jobs fetched and completed one at a time, ${f.fetchCompleteMs.toFixed(2)} ms per job`,
    `${f.runs} runs of ${f.listingsPerRun} listings through pg-boss (crawl jobs and a finish job each, ${f.simulateSeconds.toFixed(1)} s), dated one an hour:`,
    `  before maintenance: ${sizes(f.before)}`,
    `  after maintenance (archive after 1 h, delete after 7 days): ${sizes(f.afterMaintenance)}`,
    `  after VACUUM FULL: ${sizes(f.afterVacuum)}`,
  ]
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} kB`

async function timeFetchComplete(boss: PgBoss, count: number): Promise<number> {
  await boss.insert(Array.from({ length: count }, (_, index) => ({ name: QUEUES.crawl, data: jobData(0, index) })))
  const started = performance.now()
  for (let done = 0; done < count; done += 1) {
    const [job] = await boss.fetch<CrawlListingJob>(QUEUES.crawl)
    if (job === undefined) throw new Error(`the queue ran dry after ${done} of ${count} jobs`)
    await boss.complete(QUEUES.crawl, job.id)
  }
  return (performance.now() - started) / count
}

/** A queued run as pg-boss sees it: its crawl jobs inserted, fetched and completed, then its finish job. */
async function simulateRun(boss: PgBoss, runId: number, listings: number): Promise<void> {
  await boss.insert(Array.from({ length: listings }, (_, index) => ({ name: QUEUES.crawl, data: jobData(runId, index) })))
  const crawls = await boss.fetch(QUEUES.crawl, { batchSize: listings })
  await boss.complete(QUEUES.crawl, crawls.map((job) => job.id))
  await boss.send(QUEUES.finish, { runId }, { id: finishJobId(runId) })
  const finishes = await boss.fetch(QUEUES.finish)
  await boss.complete(QUEUES.finish, finishes.map((job) => job.id))
}

function jobData(runId: number, index: number): CrawlListingJob {
  return { runId, listingId: index + 1, source: `site-${index}`, mode: 'incremental', host: `127.0.1.${1 + (index % 250)}:40000` }
}

/** Run n of `runs` as if it had run (runs - n) hours ago, the trivial jobs with the oldest. */
async function ageRuns(url: string, runs: number): Promise<void> {
  await query(
    url,
    `update pgboss.job set created_on = created_on - age, started_on = started_on - age, completed_on = completed_on - age
     from (select id as aged, make_interval(hours => $1 - coalesce((data->>'runId')::int, 0)) as age from pgboss.job) ages where id = aged`,
    [runs],
  )
}

async function tableSizes(url: string): Promise<TableSizes> {
  const { rows } = await query<{ job_rows: string; archive_rows: string; job_bytes: string; archive_bytes: string }>(
    url,
    `select (select count(*) from pgboss.job) as job_rows, (select count(*) from pgboss.archive) as archive_rows,
       (select sum(pg_total_relation_size(relid)) from pg_partition_tree('pgboss.job')) as job_bytes,
       pg_total_relation_size('pgboss.archive') as archive_bytes`,
  )
  const row = rows[0]
  return { jobRows: Number(row?.job_rows), archiveRows: Number(row?.archive_rows), jobBytes: Number(row?.job_bytes), archiveBytes: Number(row?.archive_bytes) }
}

async function query<Row extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult<Row>> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await client.query<Row>(text, values)
  } finally {
    await client.end()
  }
}
