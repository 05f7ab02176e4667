// The web UI in a real browser: the demo's data recorded by a real crawl of the replica, the app
// served on loopback, the crawler's Chromium driving it, and axe-core judging each page. Free of
// vitest, so that scripts/screenshots.ts uses it too.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import { pino } from 'pino'
import { chromium, type Browser, type Page } from 'playwright'
import { CHROMIUM_ARGS, findChromium } from '../../crawlers/chromium.ts'
import { closeDatabase, openDatabase } from '../../db/connection.ts'
import type { Database } from '../../db/schema.ts'
import type { CrawlSettings } from '../../crawlers/listing-crawl.ts'
import type { CrawlSource } from '../../jobs/crawl.ts'
import { runPipeline } from '../../jobs/run.ts'
import { eurocitiesLegacy } from '../../parsers/eurocities-legacy.ts'
import { legacyTimeline, type Replica } from '../../replica/index.ts'
import { recordDemo } from '../../src/cli/actions/demo.ts'
import { legacySources } from '../../src/config/defaults.ts'
import { buildWebApp } from '../../src/web/app.ts'
import type { CrawlStart, WebApp } from '../../src/web/context.ts'

const silentLog = pino({ level: 'silent' })

export interface DemoDatabase {
  db: Kysely<Database>
  close(): Promise<void>
}

/** The demo's runs over the replica's timeline (what `npm run demo` records), in a PGlite of its own. */
export async function recordDemoDatabase(): Promise<DemoDatabase> {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'eurowatch-ui-')), 'demo')
  await recordDemo(dataDir, () => undefined, silentLog)
  const db = await openDatabase({ kind: 'pglite', dataDir })
  return {
    db,
    close: async () => {
      await closeDatabase(db)
      rmSync(join(dataDir, '..'), { recursive: true, force: true })
    },
  }
}

/** When the timeline's runs happen: the site's first state, then two weeks later its last, three times (a removal needs two). */
export const TIMELINE_RUNS: readonly { step: 'first' | 'last'; at: Date }[] = [
  { step: 'first', at: new Date('2026-11-02T08:00:00Z') },
  { step: 'last', at: new Date('2026-11-16T08:00:00Z') },
  { step: 'last', at: new Date('2026-11-16T09:00:00Z') },
  { step: 'last', at: new Date('2026-11-16T10:00:00Z') },
]

/**
 * The demo's runs over the replica's timeline into `db`, each at its own moment (TIMELINE_RUNS),
 * so that a listing as of a date between them differs from the listing now.
 */
export async function recordTimeline(db: Kysely<Database>, replica: Replica, settings: CrawlSettings): Promise<void> {
  const sources: CrawlSource[] = legacySources.map((source) => ({ name: source.name, profile: eurocitiesLegacy, url: source.url, maxPages: 200, render: 'http', theme: null }))
  for (const run of TIMELINE_RUNS) {
    replica.setStep(run.step === 'first' ? 0 : legacyTimeline.length - 1)
    await runPipeline({ db, now: () => run.at, log: silentLog }, sources, settings, { removeAfter: 2 })
  }
}

export interface ServedUi {
  app: WebApp
  /** http://127.0.0.1:PORT, no trailing slash. */
  origin: string
  /** The listings asked to crawl from the page, in order. */
  crawlRequests: (readonly string[] | 'all')[]
  close(): Promise<void>
}

/** The real app over the demo's `db` and listings, on a free loopback port; "crawl now" only records what was asked. */
export async function serveUi(db: Kysely<Database>): Promise<ServedUi> {
  const sources = legacySources.map((source) => source.name)
  const crawlRequests: (readonly string[] | 'all')[] = []
  const crawlNow = (names: readonly string[] | 'all'): CrawlStart => {
    crawlRequests.push(names)
    return { started: true }
  }
  const app = await buildWebApp({ db, now: () => new Date(), secureCookies: false, sources, crawlNow })
  const origin = await app.listen({ host: '127.0.0.1', port: 0 })
  return { app, origin, crawlRequests, close: () => app.close() }
}

/** The Chromium a crawl would use, launched the way a crawl launches it; fails, never skips, without one. */
export async function launchTestBrowser(): Promise<Browser> {
  const found = await findChromium({ configured: process.env.CHROMIUM_PATH, searchPath: process.env.PATH })
  if ('unavailable' in found) throw new Error(`the web UI in a browser needs Chromium: ${found.unavailable}`)
  return chromium.launch({ executablePath: found.path, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 })
}

export interface PageProblems {
  /** Console errors (a CSP refusal shows up here too) and uncaught exceptions. */
  errors: string[]
  /** Content-Security-Policy violations the page reported: directive and blocked URI. */
  cspViolations(): Promise<string[]>
}

/** Records what goes wrong in `page` from now on. */
export async function watchProblems(page: Page): Promise<PageProblems> {
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`))
  // runs in every document before its own scripts, outside the page's CSP (Playwright injects it);
  // in the page's language: this project's TypeScript has no DOM types
  await page.addInitScript(`{
    const seen = []
    Object.defineProperty(window, '__cspViolations', { value: seen })
    document.addEventListener('securitypolicyviolation', (event) => seen.push(event.effectiveDirective + ' ' + event.blockedURI))
  }`)
  return {
    errors,
    cspViolations: async () => (await page.evaluate('[...(window.__cspViolations ?? [])]')) as string[],
  }
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  targets: string[]
}

/**
 * axe-core's serious and critical violations on the page as it stands. axe goes in through the
 * DevTools protocol (page.evaluate), not a <script> tag: the app's CSP rightly refuses inline script.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE)
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((results) => results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact ?? null,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.map(String).join(' ')),
  })))`)) as AxeViolation[]
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
}

/** One line per violation, for an assertion message that says what to fix. */
export function describeViolations(violations: readonly AxeViolation[]): string[] {
  return violations.map((violation) => `${violation.impact} ${violation.id} (${violation.help}): ${violation.targets.slice(0, 5).join(', ')}`)
}
