// Where the peak RSS of an unchanged `eurowatch run` on an existing PGlite database goes: the run
// beside a bare Node, a bare PGlite open and query of the same data directory (with eurowatch's
// settings, and with PGlite's defaults), and the crawl alone (fetching and reading every page, no
// database), each in a process of its own, the median of a few rounds. The demo's four legacy
// listings, on the replica served here. Alone: `npx tsx bench/memory.ts` (after `npm run build`).
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { PGLITE_SETTINGS } from '../db/connection.ts'
import { startReplica } from '../replica/index.ts'
import { productNodeFlags } from './startup.ts'
import { LEGACY_LISTING_PATHS } from './urlwatch.ts'

const execute = promisify(execFile)
const BIN = fileURLToPath(new URL('../bin/eurowatch.js', import.meta.url))
const PEAK_RSS = fileURLToPath(new URL('./peak-rss.mjs', import.meta.url))
const CHILD = fileURLToPath(new URL('./memory-child.ts', import.meta.url))
const ROUNDS = 3

export interface MemoryFigures {
  bareNodeMb: number
  /** Node with tsx loaded: what the crawl-alone child starts from. */
  bareTsxMb: number
  pgliteMb: number
  pgliteDefaultsMb: number
  crawlAloneMb: number
  runMb: number
}

export async function benchMemory(): Promise<MemoryFigures> {
  const replica = await startReplica({ port: 0 })
  const dir = mkdtempSync(join(tmpdir(), 'eurowatch-bench-memory-'))
  try {
    const config = join(dir, 'eurowatch.yaml')
    const sources = LEGACY_LISTING_PATHS.map((path, index) => `  - name: listing-${index + 1}\n    profile: eurocities-legacy\n    url: ${JSON.stringify(replica.origin + path)}\n`)
    writeFileSync(config, `politeness:\n  perHostDelaySeconds: 0\ndatabase:\n  dataDir: pglite\nsources:\n${sources.join('')}`)
    const run = [...productNodeFlags(), BIN, 'run', '--config', config]
    await peakMb(run, dir)
    const dataDir = join(dir, 'pglite')
    const open = (startParams: string) =>
      `const { PGlite } = await import('@electric-sql/pglite'); const db = await PGlite.create(${JSON.stringify(dataDir)}, { startParams: [...PGlite.defaultStartParams, ...${startParams}] }); ` +
      `await db.query('select count(*) from entry'); await db.close()`
    return {
      bareNodeMb: await median(() => peakMb(['-e', ''])),
      bareTsxMb: await median(() => peakMb(['--import', 'tsx', '-e', ''])),
      pgliteMb: await median(() => peakMb(['--liftoff-only', '--input-type=module', '-e', open(JSON.stringify(PGLITE_SETTINGS))])),
      pgliteDefaultsMb: await median(() => peakMb(['--input-type=module', '-e', open('[]')])),
      crawlAloneMb: await median(() => peakMb([...productNodeFlags(), '--import', 'tsx', CHILD, replica.origin])),
      runMb: await median(() => peakMb(run, dir)),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await replica.close()
  }
}

export function formatMemoryBench(f: MemoryFigures): string[] {
  const mb = (value: number) => `${value.toFixed(0)} MB`
  return [
    `unchanged eurowatch run on an existing PGlite database: peak RSS ${mb(f.runMb)} (target < 300 MB)`,
    `bare node: ${mb(f.bareNodeMb)}; bare PGlite open + query of the same data directory: ${mb(f.pgliteMb)} with eurowatch's settings, ${mb(f.pgliteDefaultsMb)} with PGlite's defaults`,
    // the child runs from the sources: tsx is in its main thread and in the page reader's thread, so the crawler's share is an upper bound
    `the crawl alone (fetch and read every page, no database, from the sources with tsx): ${mb(f.crawlAloneMb)}; bare node with tsx ${mb(f.bareTsxMb)}`,
    `shares over a bare node: PGlite ${mb(f.pgliteMb - f.bareNodeMb)}, the crawl at most ${mb(f.crawlAloneMb - f.bareTsxMb)}`,
  ]
}

/** Peak RSS of `node ARGS` (0: nothing to report; anything else is a failed measurement). */
async function peakMb(args: string[], cwd = process.cwd()): Promise<number> {
  const { stderr } = await execute('node', ['--import', PEAK_RSS, ...args], { cwd, env: { ...process.env, CI: 'true', DATABASE_URL: '' }, maxBuffer: 50_000_000 })
  const kb = /peak-rss-kb (\d+)/.exec(stderr)?.[1]
  if (kb === undefined) throw new Error(`node ${args.join(' ')} printed no peak RSS: ${stderr}`)
  return Number(kb) / 1024
}

async function median(measure: () => Promise<number>): Promise<number> {
  const values: number[] = []
  for (let round = 0; round < ROUNDS; round += 1) values.push(await measure())
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN
}


if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of formatMemoryBench(await benchMemory())) console.log(line)
}
