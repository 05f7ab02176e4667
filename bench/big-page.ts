// One listing page of 10,000 and of 20,000 entries over loopback: the first run (crawl, store, diff)
// and an unchanged second run, on PGlite and PostgreSQL, beside the bare read (decode, parse, check)
// of the same page. Alone: `npx tsx bench/big-page.ts [entries...]` (PostgreSQL too when
// DATABASE_URL or TEST_DATABASE_URL is set).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import { pino } from 'pino'
import { OriginMap } from '../crawlers/origin-map.ts'
import { crawlJob, type CrawlSource } from '../jobs/crawl.ts'
import { diffRun } from '../jobs/diff.ts'
import { readListingPage } from '../jobs/read-page.ts'
import { resolveProfile } from '../parsers/index.ts'
import { parseSelectorsConfig } from '../parsers/selectors-config.ts'
import { PolitenessSchema } from '../src/config/schema.ts'
import { openBenchDatabase, type DiffBenchBackend } from './diff.ts'

export interface BigPageFigures {
  backend: DiffBenchBackend
  entries: number
  bytes: number
  /** Decoding, parsing and checking the page alone, on this thread. */
  readMs: number
  firstMs: number
  secondMs: number
}

const SITE = 'https://big.example'

function bigPageHtml(entries: number): string {
  const items = Array.from(
    { length: entries },
    (_, i) => `<article class="result"><h3 class="result-title"><a href="/news/${i}">Title of entry ${i}</a></h3><time datetime="2026-03-01">1 March 2026</time></article>`,
  )
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Big</title></head><body><div class="results">${items.join('\n')}</div></body></html>`
}

export async function benchBigPage(backend: DiffBenchBackend, entries: number, serverUrl?: string): Promise<BigPageFigures> {
  const body = Buffer.from(bigPageHtml(entries))
  const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const profile = resolveProfile('selectors', parseSelectorsConfig({ id: 'big', entry: '.results > article.result', title: 'h3.result-title', date: 'time', dateAttribute: 'datetime' }))
  const target = await openBenchDatabase(backend, serverUrl)
  try {
    const readStarted = performance.now()
    readListingPage(profile, { canonicalUrl: `${SITE}/news/`, body, headers: { 'content-type': 'text/html; charset=utf-8' }, knownCharset: null, notice: null }, null)
    const readMs = performance.now() - readStarted
    // the time is measured, not the reading budget (a loaded machine may exceed it)
    const settings = { ...PolitenessSchema.parse({}), perHostDelaySeconds: 0, respectRobotsTxt: false, maxResponseBytes: 50_000_000, parseTimeoutSeconds: 600, origins: new OriginMap(['big.example'], origin) }
    const source: CrawlSource = { name: 'big', profile, url: `${SITE}/news/`, maxPages: 1, render: 'http', theme: null }
    const deps = { db: target.db, now: () => new Date(), log: pino({ level: 'silent' }) }
    // a run as `eurowatch run` does it: the crawl, then its diff
    const run = async () => {
      const started = performance.now()
      const summary = await crawlJob(deps, [source], settings)
      if (summary.status !== 'complete' || summary.entriesSeen !== entries) throw new Error(`bench big page: run ${summary.status}, ${summary.entriesSeen} entries (${summary.listings[0]?.reason})`)
      await diffRun(deps, summary.runId)
      return performance.now() - started
    }
    const firstMs = await run()
    const secondMs = await run()
    return { backend, entries, bytes: body.length, readMs, firstMs, secondMs }
  } finally {
    await target.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

export function formatBigPageBench(figures: BigPageFigures): string {
  const s = (ms: number) => (ms / 1000).toFixed(1)
  return (
    `${figures.entries}-entry page (${(figures.bytes / 1_000_000).toFixed(1)} MB) on ${figures.backend}: first run ${s(figures.firstMs)} s (target <= 60 s at 20,000 on a quiet 2-core machine), ` +
    `second ${s(figures.secondMs)} s (target <= 20 s); bare read ${s(figures.readMs)} s; first / bare read = ${(figures.firstMs / figures.readMs).toFixed(1)}, second / bare read = ${(figures.secondMs / figures.readMs).toFixed(1)}`
  )
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = process.argv.slice(2).map(Number)
  const serverUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL
  for (const entries of sizes.length > 0 ? sizes : [10_000, 20_000]) {
    for (const backend of ['pglite', ...(serverUrl ? ['postgres' as const] : [])] as const) {
      process.stdout.write(`${formatBigPageBench(await benchBigPage(backend, entries, serverUrl))}\n`)
    }
  }
}
