// The light verbs stay light: --help, sources and parse never load Playwright, PGlite, the
// database drivers or the replica; an HTTP-only run never loads the browser stack nor crawlee (nor
// the e-mail and feed libraries when it has nothing to send), and report
// and status no crawler. Observed in the built CLI through a module resolve hook.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { readFixture } from '../support/fixtures.ts'
import { BIN } from './support/cli.ts'

const run = promisify(execFile)
const RECORD = resolve(import.meta.dirname, 'support/record-modules.mjs')
const dir = mkdtempSync(join(tmpdir(), 'eurowatch-startup-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const BROWSER = [/\/playwright(-core)?\//, /\/@crawlee\/(playwright|browser|browser-pool)\//, /\/@sparticuz\//]
const CRAWLER = [/\/@crawlee\//, /\/fastify\//, /\/nodemailer\//]
const HEAVY = [/\/playwright(-core)?\//, /\/@crawlee\//, /\/@electric-sql\/pglite\//, /\/node_modules\/pg\//, /\/@sparticuz\//]
// The replica is bundled into chunks with made-up names: it is known by the function that starts it.
const REPLICA_CODE = /function startReplica\d*\(/

function replicaChunks(urls: string[]): string[] {
  return urls.filter((url) => url.startsWith('file:') && url.includes('/dist/') && REPLICA_CODE.test(readFileSync(fileURLToPath(url), 'utf8')))
}

async function modulesLoadedBy(args: string[]): Promise<string[]> {
  const log = join(dir, `modules-${args[0]}.log`)
  writeFileSync(log, '')
  await run('node', ['--import', RECORD, BIN, ...args], { cwd: dir, env: { ...process.env, EUROWATCH_TEST_MODULE_LOG: log, DATABASE_URL: '' } })
  return readFileSync(log, 'utf8').split('\n').filter(Boolean)
}

describe('the light verbs', () => {
  it('sees what the heavy verbs load: PGlite for migrate, the replica for doctor', async () => {
    const loaded = await modulesLoadedBy(['migrate'])
    expect(loaded.some((url) => /\/@electric-sql\/pglite\//.test(url))).toBe(true)
    expect(replicaChunks(await modulesLoadedBy(['doctor', '--json'])).length).toBeGreaterThan(0)
    // two heavy starts, one of them launching Chromium: 20-30 s on a shared machine under load
  }, 120_000)

  it('an HTTP-only run loads no browser and no crawlee; report and status load no crawler', async () => {
    const config = join(dir, 'legacy.yaml')
    writeFileSync(config, readFileSync(new URL('../../examples/eurocities-legacy.yaml', import.meta.url)))
    const ran = await modulesLoadedBy(['run', '--offline', '--config', config])
    // the recorder sees what a run loads from node_modules
    expect(ran.some((url) => /\/@electric-sql\/pglite\//.test(url))).toBe(true)
    expect(ran.filter((url) => [...BROWSER, /\/@crawlee\//, /\/got-scraping\//].some((heavy) => heavy.test(url)))).toEqual([])
    // nothing to e-mail and no feed to write: neither library is loaded
    expect(ran.filter((url) => /\/(nodemailer|feed|xml-js)\//.test(url))).toEqual([])
    for (const verb of ['report', 'status']) {
      const loaded = await modulesLoadedBy([verb, '--config', config])
      expect(loaded.some((url) => /\/@electric-sql\/pglite\//.test(url))).toBe(true)
      expect(loaded.filter((url) => [...BROWSER, ...CRAWLER].some((heavy) => heavy.test(url)))).toEqual([])
    }
    // a crawl into a new PGlite database and two verbs on it, on a shared machine under load
  }, 180_000)

  it.each([['--help'], ['sources'], ['parse']])('%s loads no browser, database or replica', async (verb) => {
    const page = join(dir, 'page.html')
    writeFileSync(page, readFixture('legacy/social-innovation-issue.html'))
    const args = verb === 'parse' ? ['parse', '--profile', 'eurocities-legacy', '--url', 'http://www.eurocities.eu/eurocities/issues/social-innovation-issue', page] : [verb]
    const loaded = await modulesLoadedBy(args)
    expect(loaded.some((url) => url.endsWith('/dist/src/cli/main.js'))).toBe(true)
    expect(loaded.filter((url) => HEAVY.some((heavy) => heavy.test(url)))).toEqual([])
    expect(replicaChunks(loaded)).toEqual([])
  })
})
