import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { load } from 'cheerio'
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { eurocitiesLegacy } from '../parsers/eurocities-legacy.ts'
import type { Replica } from '../replica/index.ts'
import { ARCHIVE_PATH, ARCHIVE_URL } from './archive.ts'
import { productNodeFlags } from './startup.ts'

const run = promisify(execFile)
const BIN = fileURLToPath(new URL('../bin/eurowatch.js', import.meta.url))
const PEAK_RSS = fileURLToPath(new URL('./peak-rss.mjs', import.meta.url))

export interface CrawlFigures {
  backend: string
  firstMs: number
  secondMs: number
  pages: number
  entries: number
  secondPages: number
  /** Requests the replica served over both runs (pages and robots.txt). */
  requests: number
  pagesPerSecond: number
  ratioToBare: number
  maxRssMb: number
}

/** The floor: fetch a page, parse it, follow its next link; no storage, no politeness, no retries. */
export async function bareLoop(replica: Replica): Promise<{ ms: number; pages: number; entries: number }> {
  const started = performance.now()
  let url: string | null = ARCHIVE_URL
  let pages = 0
  let entries = 0
  while (url) {
    const response = await fetch(replica.origin + new URL(url).pathname)
    const page = eurocitiesLegacy.parseListing(await response.text(), url)
    pages += 1
    entries += page.entries.length
    url = page.nextPage
  }
  return { ms: performance.now() - started, pages, entries }
}

/** cheerio.load alone over the same pages: what parsing costs before our parser reads a field. */
export function parseFigures(pages: { html: string; url: string }[]): { entriesPerSecond: number; ratioToLoad: number } {
  const time = (work: () => void) => {
    const started = performance.now()
    for (let round = 0; round < 3; round += 1) work()
    return performance.now() - started
  }
  let entries = 0
  const parseMs = time(() => {
    for (const page of pages) entries += eurocitiesLegacy.parseListing(page.html, page.url).entries.length
  })
  const loadMs = time(() => {
    for (const page of pages) load(page.html)
  })
  return { entriesPerSecond: entries / (parseMs / 1000), ratioToLoad: parseMs / loadMs }
}

export async function fetchArchivePages(replica: Replica, count: number): Promise<{ html: string; url: string }[]> {
  const pages = []
  for (let index = 0; index < count; index += 1) {
    const suffix = index === 0 ? '' : `&newsstart=${1 + index * 10}&newscount=10&contentURL=allcontent`
    const response = await fetch(`${replica.origin}${ARCHIVE_PATH}${suffix}`)
    pages.push({ html: await response.text(), url: `${ARCHIVE_URL}${suffix}` })
  }
  return pages
}

/**
 * A first crawl and a second one of the unchanged replica with the installed CLI (`eurowatch crawl`,
 * what users run: start-up, the built code, pages read in its worker threads), into a fresh database;
 * each run's wall time is its process's, and the peak RSS the larger of the two.
 */
export async function crawlFigures(replica: Replica, backend: 'pglite' | 'postgres', bare: { ms: number; pages: number }, serverUrl?: string): Promise<CrawlFigures> {
  const database = backend === 'postgres' && serverUrl ? await createDatabase(serverUrl) : null
  const dir = mkdtempSync(join(tmpdir(), 'eurowatch-bench-crawl-'))
  try {
    const config = join(dir, 'eurowatch.yaml')
    writeFileSync(
      config,
      `politeness:\n  perHostDelaySeconds: 0\ndatabase:\n  dataDir: pglite\nsources:\n  - name: archive\n    profile: eurocities-legacy\n    url: ${JSON.stringify(replica.origin + ARCHIVE_PATH)}\n    maxPages: 100000\n`,
    )
    const env = { ...process.env, CI: 'true', DATABASE_URL: database?.url ?? '' }
    if (database) await run('node', [BIN, 'migrate', '--config', config], { cwd: dir, env })
    replica.resetRequests()
    const crawl = async () => {
      const started = performance.now()
      const { stdout, stderr } = await run('node', ['--import', PEAK_RSS, ...productNodeFlags(), BIN, 'crawl', '--json', '--config', config], { cwd: dir, env, maxBuffer: 50_000_000 })
      const ms = performance.now() - started
      const summary = JSON.parse(stdout) as { pagesFetched: number; entriesSeen: number }
      return { ms, pages: summary.pagesFetched, entries: summary.entriesSeen, rssMb: Number(/peak-rss-kb (\d+)/.exec(stderr)?.[1] ?? 0) / 1024 }
    }
    const first = await crawl()
    const second = await crawl()
    return {
      backend,
      firstMs: first.ms,
      secondMs: second.ms,
      pages: first.pages,
      entries: first.entries,
      secondPages: second.pages,
      requests: replica.requests().length,
      pagesPerSecond: first.pages / (first.ms / 1000),
      ratioToBare: first.pages / (first.ms / 1000) / (bare.pages / (bare.ms / 1000)),
      maxRssMb: Math.max(first.rssMb, second.rssMb),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await database?.drop()
  }
}

/** Pages a second in a tsx child (bench/crawl-child.ts) reading pages in worker threads or, with 0, on the crawl's own thread. */
export async function crawlChildPagesPerSecond(replica: Replica, parseThreads?: number): Promise<number> {
  const { stdout } = await run('node', [...productNodeFlags(), '--import', 'tsx', 'bench/crawl-child.ts', replica.origin, 'pglite', '1', ...(parseThreads === undefined ? [] : [String(parseThreads)])], { maxBuffer: 10_000_000 })
  const child = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { runs: { ms: number; pages: number }[] }
  const [first] = child.runs
  if (!first) throw new Error(`benchmark child printed no runs: ${stdout}`)
  return first.pages / (first.ms / 1000)
}

export async function createDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `eurowatch_bench_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl })
      await client.connect()
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
    },
  }
}
