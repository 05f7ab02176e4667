// The CLI as a user runs it: a real process, its exit code and its one-line errors.
import { execFile, spawn } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase } from '../../db/connection.ts'
import { latin1Listing, startReplica } from '../../replica/index.ts'
import { readFixture } from '../support/fixtures.ts'
import { BIN, runCli, useWorkDir, type CliResult } from './support/cli.ts'

const LEGACY_CONFIG = resolve(import.meta.dirname, '../../examples/eurocities-legacy.yaml')
const run = promisify(execFile)

const workDir = useWorkDir('eurowatch-cli-')

function eurowatch(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli(workDir(), args, env)
}

function expectOneLineError(result: { code: number; stderr: string }, ...fragments: string[]) {
  expect(result.code).toBe(2)
  const lines = result.stderr.trim().split('\n')
  expect(lines[0]).toMatch(/^eurowatch: /)
  for (const fragment of fragments) expect(lines[0]).toContain(fragment)
  expect(result.stderr).not.toMatch(/\n\s+at /)
}

// every case starts real processes (tsx compiles on start): slow on a shared machine
describe('eurowatch CLI', { timeout: 120_000 }, () => {
  it('ends quietly when the reader of its output goes away (eurowatch sources | head -1)', async () => {
    const child = spawn('node', [BIN, 'sources', '--json'], { cwd: workDir(), stdio: ['ignore', 'pipe', 'pipe'] })
    // the read end is closed before the first write: every write meets a closed pipe
    child.stdout.destroy()
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
  })

  it('checks every flag before it opens or creates anything', async () => {
    expectOneLineError(await eurowatch(['run', '--source', 'nope']), '--source: no configured listing named "nope"')
    expectOneLineError(await eurowatch(['schedule', '--cron', 'nonsense']), '--cron: "nonsense" is not a cron expression')
    expectOneLineError(await eurowatch(['schedule', '--cron', '17 * * * *', '--timezone', 'Mars/Base']), '--timezone: not an IANA time zone')
    expectOneLineError(await eurowatch(['crawl', '--offline', '--step', '99']), "--step: the replica's timeline has steps 0-")
    expect(readdirSync(workDir())).toEqual([])
  })

  it('names the file, line and key of a configuration mistake, and writes nothing', async () => {
    writeFileSync(join(workDir(), 'eurowatch.yaml'), 'sources:\n  - name: a\n    profile: eurocities-legacy\n    url: not a url\n')
    expectOneLineError(await eurowatch(['crawl']), 'eurowatch.yaml:4: sources[0].url')
    writeFileSync(join(workDir(), 'eurowatch.yaml'), 'sources:\n  - name: a\n    profile: nope\n    url: http://example.org/\n')
    expectOneLineError(await eurowatch(['sources']), 'eurowatch.yaml:3: sources[0].profile: unknown profile "nope"')
    writeFileSync(join(workDir(), 'eurowatch.yaml'), 'politness: {}\nsources: []\n')
    expectOneLineError(await eurowatch(['sources']), 'eurowatch.yaml:1: politness: unknown key')
    writeFileSync(join(workDir(), 'eurowatch.yaml'), 'sources: [\n')
    expectOneLineError(await eurowatch(['sources']), 'invalid YAML')
    expectOneLineError(await eurowatch(['--config', 'missing.yaml', 'sources']), 'missing.yaml not found')
    expectOneLineError(await eurowatch(['--config', '', 'sources']), '--config: empty file name')
    writeFileSync(join(workDir(), 'eurowatch.yaml'), 'politeness:\n  timeoutSeconds: 1e12\n  retryBaseDelaySeconds: 1\nsources: []\n')
    expectOneLineError(await eurowatch(['sources']), 'eurowatch.yaml:2: politeness.timeoutSeconds: at most 600 seconds')
    writeFileSync(join(workDir(), 'eurowatch.yaml'), 'politeness:\n  retryBaseDelaySeconds: 1000000000\nsources: []\n')
    expectOneLineError(await eurowatch(['sources']), 'eurowatch.yaml:2: politeness.retryBaseDelaySeconds: at most 600 seconds')
    expect(await eurowatch(['crawl']).then(() => run('ls', ['-A', workDir()]))).toMatchObject({ stdout: 'eurowatch.yaml\n' })
  })

  it('says where it creates the database on the first run only: beside the configuration file, else in the current folder', async () => {
    mkdirSync(join(workDir(), 'examples'))
    writeFileSync(join(workDir(), 'examples/watch.yaml'), "sources:\n  - { name: latest, profile: eurocities-legacy, url: 'https://eurocities.eu/latest/' }\n")
    const first = await eurowatch(['--config', 'examples/watch.yaml', 'migrate'])
    expect(first).toMatchObject({ code: 0, stdout: 'database schema is up to date\n' })
    expect(first.stderr).toBe(`eurowatch: creating the database in ${join(workDir(), 'examples/.eurowatch/pglite')} (database.dataDir, beside ${join(workDir(), 'examples/watch.yaml')})\n`)
    expect(readdirSync(join(workDir(), 'examples/.eurowatch'))).toEqual(['pglite'])
    expect(await eurowatch(['--config', 'examples/watch.yaml', 'migrate'])).toMatchObject({ code: 0, stderr: '' })

    const defaults = await eurowatch(['migrate'])
    expect(defaults.stderr).toBe(`eurowatch: creating the database in ${join(workDir(), '.eurowatch/pglite')} (in the current folder: built-in defaults, no eurowatch.yaml here)\n`)
    // three processes, two of them creating a database: a minute or more on a busy shared machine
  }, 240_000)

  it('reports an unreachable database in one line without its password', async () => {
    const result = await eurowatch(['migrate'], { DATABASE_URL: 'postgres://watcher:s3cret-pw@127.0.0.1:1/eurowatch' })
    expectOneLineError(result, 'postgres://watcher:***@127.0.0.1:1/eurowatch')
    expect(result.stderr).not.toContain('s3cret-pw')
    const inQuery = await eurowatch(['migrate'], { DATABASE_URL: 'postgres://watcher@127.0.0.1:1/eurowatch?sslmode=disable&password=hunter2' })
    expectOneLineError(inQuery, 'postgres://watcher@127.0.0.1:1/eurowatch?sslmode=disable&password=***')
    expect(inQuery.stderr).not.toContain('hunter2')
  })

  it('refuses a listing URL that carries a password, without repeating it', async () => {
    writeFileSync(join(workDir(), 'eurowatch.yaml'), 'sources:\n  - name: a\n    profile: eurocities-legacy\n    url: http://alice:hunter2@example.org/list\n')
    const result = await eurowatch(['sources'])
    expectOneLineError(result, 'eurowatch.yaml:4: sources[0].url: must not carry a user name or password')
    expect(result.stderr).not.toContain('hunter2')
  })

  it('rejects a bad flag value naming the flag', async () => {
    expectOneLineError(await eurowatch(['crawl', '--max-pages', 'lots']), '--max-pages')
    expectOneLineError(await eurowatch(['crawl', '--source', 'nowhere', '--offline']), '--source: no configured listing named "nowhere"')
  })

  it('parses a saved page to the reference entries', async () => {
    writeFileSync(join(workDir(), 'page.html'), readFixture('legacy/social-innovation-issue.html'))
    const result = await eurowatch(['parse', '--profile', 'eurocities-legacy', '--url', 'http://www.eurocities.eu/eurocities/issues/social-innovation-issue', 'page.html'])
    expect(result.code).toBe(0)
    const page = JSON.parse(result.stdout) as { entries: { key: string }[]; nextPage: string }
    expect(page.entries.map((entry) => entry.key)).toHaveLength(10)
    expect(page.nextPage).toBe('http://www.eurocities.eu/eurocities/issues/social-innovation-issue&newsstart=11&newscount=10&contentURL=social-innovation-issue')
  })

  it('parses a saved ISO-8859-1 page by its <meta> charset', async () => {
    const listing = latin1Listing()
    const replica = await startReplica()
    try {
      const res = await fetch(replica.origin + listing.path)
      writeFileSync(join(workDir(), 'latin1.html'), Buffer.from(await res.arrayBuffer()))
    } finally {
      await replica.close()
    }
    const result = await eurowatch(['parse', '--profile', 'eurocities-legacy', '--url', listing.url, 'latin1.html'])
    expect(result.code).toBe(0)
    expect((JSON.parse(result.stdout) as { entries: unknown[] }).entries).toEqual(listing.entries.slice(0, 10))
  })

  it('crawls the bundled replica into PGlite, and a second crawl, incremental by default, adds no versions', async () => {
    writeFileSync(join(workDir(), 'eurowatch.yaml'), readFileSync(LEGACY_CONFIG))
    const first = await eurowatch(['crawl', '--offline', '--json'])
    expect(first.code).toBe(0)
    const firstRun = JSON.parse(first.stdout) as { status: string; pagesFetched: number; newEntries: number; versionsCreated: number; listings: { mode: string }[] }
    expect(firstRun).toMatchObject({ status: 'complete', pagesFetched: 17 })
    expect(firstRun.listings.map((listing) => listing.mode)).toEqual(['full', 'full', 'full', 'full'])
    expect(firstRun.newEntries).toBeGreaterThan(100)
    // the default cadence: a full crawl once the last is a day old, incremental ones between (the first page of each listing, answered 304)
    const second = JSON.parse((await eurowatch(['crawl', '--offline', '--json'])).stdout) as typeof firstRun
    expect(second).toMatchObject({ status: 'complete', pagesFetched: 4, newEntries: 0, versionsCreated: 0 })
    expect(second.listings.map((listing) => listing.mode)).toEqual(['incremental', 'incremental', 'incremental', 'incremental'])
    const full = JSON.parse((await eurowatch(['crawl', '--offline', '--full', '--json'])).stdout) as typeof firstRun
    expect(full).toMatchObject({ status: 'complete', pagesFetched: 17, newEntries: 0, versionsCreated: 0 })
  })

  it('runs the demo: the changes of the timeline, the removal after two crawls, its database kept for serve', async () => {
    // four runs, each also fetching up to 50 entries' own pages: minutes on a loaded machine
    const demo = await runCli(workDir(), ['demo'], {}, 170_000)
    expect(demo.code).toBe(0)
    expect(demo.stdout).toMatch(/complete crawl of 17 pages \(154 entries\) in [\d.]+ s; baseline of 134 entries\n   webhook requests so far: 0 /)
    expect(demo.stdout).toMatch(/run 2: complete crawl of \d+ pages \(\d+ entries\) in [\d.]+ s; 3 new, 2 changed, 1 moved; 6 sent to the webhook\n/)
    expect(demo.stdout).toMatch(/run 3 \(same site, second complete crawl without the removed entry\): .*; 1 removed; 1 sent to the webhook\n/)
    // the subscription's webhook got each change once, in its own request
    const received = demo.stdout.split('\n').filter((line) => /^ {3}[0-9a-f]{8}… {2}/.test(line))
    expect(received.map((line) => line.replace(/^ {3}[0-9a-f]{8}… {2}/, '').split(':')[0])).toEqual(['new', 'new', 'new', 'changed', 'changed', 'moved', 'removed'])
    expect(demo.stdout).toMatch(/run 4 \(same site again\): .*; no changes\n/)
    expect(demo.stdout).toContain('Total: 7 changes (3 new, 2 changed, 1 moved, 1 removed, 0 reappeared)')
    expect(demo.stdout.trimEnd().split('\n').at(-1)).toBe('These runs are kept in .eurowatch/demo: see them in a browser with `npx eurowatch serve --offline` (delete the folder to remove them).')
    expect(readdirSync(join(workDir(), '.eurowatch'))).toEqual(['demo'])
  }, 180_000)

  it('recovers from a crawl killed midway: the next one runs, the killed one is marked failed', async () => {
    const replica = await startReplica({ port: 0, archivePages: 150, faults: [{ kind: 'slow', delayMs: 20, match: 'archive' }] })
    try {
      writeFileSync(
        join(workDir(), 'eurowatch.yaml'),
        `politeness: { perHostDelaySeconds: 0 }\nsources:\n  - name: archive\n    profile: eurocities-legacy\n    url: ${replica.origin}/eurocities/allcontent&sector=archive\n    maxPages: 1000\n`,
      )
      const child = spawn('node', [BIN, 'crawl'], { cwd: workDir(), env: { ...process.env, DATABASE_URL: '' }, stdio: 'ignore' })
      await waitFor(() => replica.requests().filter((request) => request.path.includes('newsstart')).length >= 20, 100_000)
      child.kill('SIGKILL')
      await new Promise((done) => child.once('exit', done))
      replica.setFaults([])
      const next = await eurowatch(['crawl', '--json'])
      expect(next.code).toBe(0)
      expect(JSON.parse(next.stdout)).toMatchObject({ status: 'complete', pagesFetched: 150 })
      const db = await openDatabase({ kind: 'pglite', dataDir: join(workDir(), '.eurowatch/pglite') })
      try {
        const runs = await db.selectFrom('crawl_run').select(['id', 'status', 'error']).orderBy('id').execute()
        expect(runs.map((r) => r.status)).toEqual(['failed', 'complete'])
        expect(runs[0]?.error).toBe('interrupted')
        const versions = await db.selectFrom('entry_version').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
        expect(Number(versions.n)).toBe(1500)
      } finally {
        await closeDatabase(db)
      }
    } finally {
      await replica.close()
    }
  }, 120_000)
})

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('waitFor: timed out')
    await new Promise((done) => setTimeout(done, 50))
  }
}
