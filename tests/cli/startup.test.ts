// The light verbs stay light: --help, sources and parse never load Playwright, PGlite, the
// database drivers or the replica. Observed in the built CLI through a module resolve hook.
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
