// `eurowatch doctor`: what this machine has for a run and whether each part works, as a list of
// checks. A check fails only when a run would break; a warning is worth knowing, not fatal.
import { existsSync } from 'node:fs'
import { sql, type Kysely } from 'kysely'
import { closeDatabase, openDatabase, type DatabaseTarget } from '../db/connection.ts'
import { migrationStatus } from '../db/migrate.ts'
import type { Database } from '../db/schema.ts'
import { maskConnectionString } from '../domain/connection-string.ts'
import { UserError } from '../domain/errors.ts'
import { findChromium, launchChromium, NPM_CHROMIUM, type ChromiumSearch, type FoundChromium } from '../crawlers/chromium.ts'

export type CheckStatus = 'ok' | 'warn' | 'fail'

export interface Check {
  name: 'node' | 'configuration' | 'environment' | 'database' | 'browser' | 'replica' | 'smtp' | 'webhook' | 'slack' | 'feed'
  status: CheckStatus
  detail: string
}

export interface DoctorDeps {
  /** process.versions.node */
  nodeVersion: string
  configuration: {
    /** The file read, null for the built-in defaults. */
    file: string | null
    listings: number
    /** Listings rendered in the browser: with none, a missing browser breaks nothing. */
    inBrowser: number
    /** "eurowatch.yaml:12: smtp.password: environment variable SMTP_PASSWORD is not set", for each unset ${NAME}. */
    unset: string[]
  }
  database: DatabaseTarget
  chromium: ChromiumSearch
  /** Starts the offline replica on a free loopback port (the shell owns it: jobs do not load the replica). */
  startReplica: () => Promise<{ origin: string; close(): Promise<void> }>
  /** The alert channels' servers, hooks and files, reached or examined with nothing sent (the shell owns the channels). */
  checkAlerts: () => Promise<Check[]>
}

const MIN_NODE_MAJOR = 20

/** Every check, in a fixed order; the slow ones (database, browser, replica, alert channels) side by side. */
export async function runDoctor(deps: DoctorDeps): Promise<Check[]> {
  const [database, browser, replica, alerts] = await Promise.all([
    checkDatabase(deps.database),
    checkBrowser(deps.chromium, deps.configuration.inBrowser > 0),
    checkReplica(deps.startReplica),
    deps.checkAlerts(),
  ])
  const slow = [database, browser, replica, ...alerts]
  // an unset variable fails a run that reads the configuration: each is a failed check, the rest still checked
  const unset = deps.configuration.unset.map((detail): Check => ({ name: 'environment', status: 'fail', detail }))
  return [checkNode(deps.nodeVersion), checkConfiguration(deps.configuration), ...unset, ...slow]
}

function checkNode(version: string): Check {
  const major = Number(version.split('.')[0])
  return major >= MIN_NODE_MAJOR
    ? { name: 'node', status: 'ok', detail: `Node ${version}` }
    : { name: 'node', status: 'fail', detail: `Node ${version}: eurowatch needs Node ${MIN_NODE_MAJOR} or later` }
}

function checkConfiguration({ file, listings, inBrowser }: DoctorDeps['configuration']): Check {
  return { name: 'configuration', status: 'ok', detail: `${file ?? 'built-in defaults (no eurowatch.yaml here)'}: ${listings} listings, ${inBrowser} rendered in the browser` }
}

async function checkDatabase(target: DatabaseTarget): Promise<Check> {
  const where = target.kind === 'pglite' ? `PGlite in ${target.dataDir}` : `PostgreSQL at ${maskConnectionString(target.url)}`
  // opening PGlite creates its directory: a check leaves nothing behind
  if (target.kind === 'pglite' && !existsSync(target.dataDir)) return { name: 'database', status: 'ok', detail: `${where}: not created yet (the first run creates it)` }
  let db: Kysely<Database>
  try {
    db = await openDatabase(target)
  } catch (error) {
    // the connection's UserError is one line without the password
    if (error instanceof UserError) return { name: 'database', status: 'fail', detail: error.message }
    throw error
  }
  try {
    const { rows } = await sql<{ version: string }>`select version()`.execute(db)
    // "PostgreSQL 17.4 on x86_64-pc-linux-gnu, compiled by ...": the rest is the build's
    const server = rows[0]?.version.split(',')[0] ?? 'unknown server'
    const schema = await migrationStatus(db)
    const detail = `${where}: ${server}; schema: ${schema.applied} of ${schema.known} migrations applied`
    if (schema.pending.length === 0) return { name: 'database', status: 'ok', detail }
    return { name: 'database', status: 'warn', detail: `${detail} (the next run applies ${schema.pending.join(', ')}; or \`eurowatch migrate\`)` }
  } finally {
    await closeDatabase(db)
  }
}

async function checkBrowser(search: ChromiumSearch, needed: boolean): Promise<Check> {
  const missing: CheckStatus = needed ? 'fail' : 'warn'
  const unneeded = needed ? '' : ' (no configured listing needs it)'
  const chromium = await findChromium(search)
  if ('unavailable' in chromium) return { name: 'browser', status: missing, detail: `${chromium.unavailable}${unneeded}` }
  const launched = await launchChromium(chromium.path)
  if ('problem' in launched) {
    // the package extracts once and reuses what it finds: an extraction cut short stays broken
    const stale = chromium.origin === 'npm' ? `; delete ${chromium.path} to have it extracted again` : ''
    return { name: 'browser', status: missing, detail: `${describeChromium(chromium)} does not launch: ${launched.problem}${stale}${unneeded}` }
  }
  return { name: 'browser', status: 'ok', detail: `Chromium ${launched.version} at ${describeChromium(chromium)}: launches${unneeded}` }
}

function describeChromium({ path, origin }: FoundChromium): string {
  if (origin === 'configured') return `${path} (browser.executablePath / CHROMIUM_PATH)`
  return origin === 'path' ? `${path} (on PATH)` : `${path} (from the npm package ${NPM_CHROMIUM})`
}

/** The bundled replica behind --offline and `eurowatch demo`: started on loopback, asked once, stopped. */
async function checkReplica(startReplica: DoctorDeps['startReplica']): Promise<Check> {
  try {
    const replica = await startReplica()
    try {
      const response = await fetch(`${replica.origin}/robots.txt`)
      await response.arrayBuffer()
      return { name: 'replica', status: response.ok ? 'ok' : 'warn', detail: `answers at ${replica.origin} (GET /robots.txt: HTTP ${response.status})` }
    } finally {
      await replica.close()
    }
  } catch (error) {
    // only --offline and the demo need it: worth a warning, not a failed check
    return { name: 'replica', status: 'warn', detail: `does not answer on loopback: ${error instanceof Error ? error.message : String(error)}` }
  }
}
