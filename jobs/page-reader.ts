// Pages are read (decoded, parsed, health-checked) in worker threads, each within a time budget:
// cheerio.load takes time with the square of the nesting depth (100,000 nested <div>s, 1.1 MB:
// two minutes), which on the crawl's own thread would stop every fetch and write meanwhile. A page
// over its budget is a failed page (its thread is ended); the other pages go on. The threads also
// give the crawl the machine's other cores.
import { createHash, randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { MessageChannel } from 'node:worker_threads'
import PQueue from 'p-queue'
import Tinypool from 'tinypool'
import type { FetchedPage } from '../crawlers/listing-crawl.ts'
import type { ListingBaseline } from '../domain/health.ts'
import { recipeOf, type ProfileRecipe } from '../parsers/index.ts'
import type { ReadTask } from './read-page-worker.ts'
import { rawPageOf, readFetchedPage, type RawPage, type ReadPage } from './read-page.ts'

export interface ReadSettings {
  /** Worker threads that read pages; 0 reads them on the crawl's own thread, without a budget. */
  threads: number
  /** How long one page may take to be read for each megabyte of its body (at least this long), counted from when its thread starts on it. */
  budgetSeconds: number
}

/**
 * The time a page of `bytes` may take to be read: `budgetSeconds` a megabyte, and at least `budgetSeconds`.
 * Reading is linear in a page's size (a 20,000-entry page, 3 MB, takes 2 s of CPU; ten times that on a
 * loaded machine), so a flat budget failed big pages while a pathological small one (1.1 MB of nested
 * <div>s: minutes) still fails within seconds.
 */
export function readBudgetSeconds(budgetSeconds: number, bytes: number): number {
  return budgetSeconds * Math.max(1, bytes / 1_000_000)
}

export const DEFAULT_PARSE_TIMEOUT_SECONDS = 10

/** One thread per core but the crawl's own, at least one, at most four. */
export function defaultReadThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1))
}

// From the sources (tests, benchmarks) the worker compiles them with tsx. In the bundle the worker is
// an entry of its own, dist/jobs/read-page-worker.js, and this code is in a chunk in dist/chunks/.
const WORKER = import.meta.url.endsWith('.ts') ? new URL('./read-page-worker.dev.mjs', import.meta.url) : new URL('../jobs/read-page-worker.js', import.meta.url)
// A thread that never starts reading (it failed to load) fails the page after this long.
const START_DEADLINE_MS = 60_000

interface ReadPool {
  threads: Tinypool
  /** No more pages at once than threads: a page is handed over only to a free thread, so the budget counts
   *  its reading alone, and a thread ended at the budget is replaced by the next page's (tinypool queues no one). */
  gate: PQueue
}

// One pool per thread count for the process: threads are costly to start, and idle ones let the process end.
const pools = new Map<number, ReadPool>()

export class PageReader {
  constructor(private readonly settings: ReadSettings) {}

  /**
   * Starts a reading thread now: a thread loads its code first (half a second), which the first page
   * would otherwise wait for. It ends when idle, as any other.
   */
  warmUp(): void {
    if (this.settings.threads === 0 || !existsSync(WORKER)) return
    // a thread that cannot start fails the pages given to it, with their reason; not this
    poolOf(this.settings.threads).threads.run(null, { name: 'warmUp' }).catch(() => undefined)
  }

  /**
   * What reads this page besides its body: the reading code, the profile and the page's URL and
   * declared charset. The same body under the same reader reads the same (parsers are pure), so a
   * reading kept under it stands for reading the body again. Null: a failed fetch, or a profile
   * made elsewhere (a test's variant), whose reading is not kept.
   */
  readerOf(fetched: FetchedPage): string | null {
    const recipe = recipeOf(fetched.target.profile)
    const raw = rawPageOf(fetched)
    if (raw === null || recipe === null) return null
    const inputs = [readingCode(), recipe, raw.canonicalUrl, raw.headers['content-type'] ?? null, raw.knownCharset]
    return createHash('sha256').update(JSON.stringify(inputs)).digest('hex')
  }

  /** What became of a fetched page, as readFetchedPage says, read in a worker thread within the budget. */
  async read(fetched: FetchedPage, baseline: ListingBaseline | null): Promise<{ outcome: ReadPage['outcome']; charset: string | null }> {
    const recipe = recipeOf(fetched.target.profile)
    const raw = rawPageOf(fetched)
    // a failed fetch has nothing to read; a profile made elsewhere (a test's variant) runs only on this thread
    if (raw === null || recipe === null || this.settings.threads === 0) return readFetchedPage(fetched, baseline)
    return this.inWorker(recipe, raw, baseline)
  }

  private async inWorker(recipe: ProfileRecipe, raw: RawPage, baseline: ListingBaseline | null): Promise<{ outcome: ReadPage['outcome']; charset: string | null }> {
    const pool = poolOf(this.settings.threads)
    const budgetSeconds = readBudgetSeconds(this.settings.budgetSeconds, raw.body.byteLength)
    const { port1, port2 } = new MessageChannel()
    const controller = new AbortController()
    let overBudget = false
    let timer: NodeJS.Timeout | undefined
    port1.once('message', () => {
      clearTimeout(timer)
      timer = setTimeout(() => {
        overBudget = true
        controller.abort()
      }, budgetSeconds * 1000)
    })
    const task: ReadTask = { recipe, raw, baseline, started: port2 }
    try {
      return await pool.gate.add(() => {
        timer = setTimeout(() => controller.abort(), START_DEADLINE_MS)
        return pool.threads.run(task, { transferList: [port2], signal: controller.signal }) as Promise<ReadPage>
      })
    } catch (error) {
      if (overBudget) return { outcome: { kind: 'layout-error', reason: `the page could not be read within ${Number(budgetSeconds.toFixed(1))} s` }, charset: null }
      if (controller.signal.aborted) throw new Error(`no page reader thread started within ${START_DEADLINE_MS / 1000} s`)
      throw error
    } finally {
      clearTimeout(timer)
      port1.close()
    }
  }
}

let code: string | undefined

/**
 * Names the code that reads pages. The built reading thread imports its chunks by content hash,
 * so its bytes change with any code it runs (bundled dependencies included). Run from the sources,
 * no such name exists: a reading is then good for this process only.
 */
function readingCode(): string {
  code ??= import.meta.url.endsWith('.ts') || !existsSync(WORKER) ? `sources ${randomUUID()}` : createHash('sha256').update(readFileSync(WORKER)).digest('hex')
  return code
}

function poolOf(threads: number): ReadPool {
  let pool = pools.get(threads)
  if (pool === undefined) {
    if (!existsSync(WORKER)) throw new Error(`the page reader's worker is missing: ${fileURLToPath(WORKER)}`)
    const tinypool = new Tinypool({ filename: WORKER.href, minThreads: 0, maxThreads: threads, idleTimeout: 10_000 })
    // a thread that fails to load fails its pages (by their start deadline); it must not end the process
    tinypool.on('error', () => undefined)
    pool = { threads: tinypool, gate: new PQueue({ concurrency: threads }) }
    pools.set(threads, pool)
  }
  return pool
}
