// `eurowatch backfill` as a user runs it, on both backends, against the replica's web archive
// (--offline): moments told line by line, exit 3 for a partial one, nothing fetched the second
// time, the backfilled versions marked in history and exports; one-line errors.
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { startReplica } from '../../replica/index.ts'
import { backends } from '../support/databases.ts'
import { createCliDatabase, type CliDatabase } from './support/cli-database.ts'
import { BIN, runCli, useWorkDir, type CliResult } from './support/cli.ts'
import { closedPort } from '../support/closed-port.ts'

const LEGACY_CONFIG = resolve(import.meta.dirname, '../../examples/eurocities-legacy.yaml')
const run = promisify(execFile)

const workDir = useWorkDir('eurowatch-backfill-')

function expectOneLine(result: CliResult, ...fragments: string[]) {
  expect(result.code).toBe(2)
  expect(result.stdout).toBe('')
  const [first = ''] = result.stderr.trim().split('\n')
  expect(first).toMatch(/^eurowatch: /)
  for (const fragment of fragments) expect(first).toContain(fragment)
  expect(result.stderr).not.toMatch(/\n\s+at /)
}

describe('eurowatch backfill', { timeout: 300_000 }, () => {
  it('--help names its flags', async () => {
    const { stdout } = await run('node', [BIN, 'backfill', '--help'], { cwd: workDir() })
    for (const flag of ['<listings...>', '--from <archive>', '"wayback"', '--from-date <date>', '--to-date <date>', '--offline', '--format <format>']) expect(stdout).toContain(flag)
  })

  let database: CliDatabase | undefined
  afterEach(async () => {
    await database?.drop()
    database = undefined
  })

  it.each(backends)('on %s: backfills from the replica\'s archive, once', async (backend) => {
    database = await createCliDatabase(backend, workDir())
    const eurowatch = (args: string[]) => runCli(workDir(), args, database?.env)
    writeFileSync(join(workDir(), 'eurowatch.yaml'), readFileSync(LEGACY_CONFIG))

    const first = await eurowatch(['backfill', 'social-innovation', '--from', 'wayback', '--offline', '--to-date', '2019-11-20'])
    expect(first.code).toBe(3)
    expect(first.stdout.split('\n').slice(0, 4)).toEqual([
      "backfill of social-innovation: 8 captures in the archive's index, 8 fetched, 0 already stored",
      expect.stringMatching(/^ {2}2019-11-01 10:00 UTC: complete \(run \d+\), 3 pages, 27 entries, 27 versions$/),
      expect.stringMatching(/^ {2}2019-11-08 10:00 UTC: partial \(run \d+\), 2 pages, \d+ entries, \d+ versions: page 3 .* was not captured within 24 h of 2019-11-08T10:00:00.000Z$/),
      expect.stringMatching(/^ {2}2019-11-15 10:00 UTC: complete \(run \d+\), 3 pages, 30 entries, \d+ versions$/),
    ])

    const again = await eurowatch(['backfill', 'social-innovation', '--from', 'wayback', '--offline', '--to-date', '2019-11-20', '--format', 'json'])
    expect(again.code).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({ fetched: 0, moments: [{ status: 'stored-before' }, { status: 'stored-before' }, { status: 'stored-before' }] })

    // the README's order: one listing, then the others; each listing's history is its own
    const others = await eurowatch(['backfill', 'innovation', 'smart-cities', 'documents-social-affairs', '--from', 'wayback', '--offline', '--to-date', '2019-11-20'])
    expect(others.stdout).not.toContain('older-than-history')
    expect(others.stdout).toMatch(/^ {2}2019-11-01 10:00 UTC innovation: partial \(run \d+\), 4 pages, 40 entries/m)
    expect(others.stdout).toMatch(/^ {2}2019-11-01 10:00 UTC documents-social-affairs: complete \(run \d+\)/m)
    // a page whose digest is that of its capture before is read from it, and said so
    expect(others.stdout).toMatch(/^ {2}2019-11-08 10:00 UTC innovation: partial \(run \d+\), 4 pages, 40 entries, 0 versions; page 1 unchanged since 2019-11-01 10:00 UTC; page 2 unchanged since 2019-11-01 10:15 UTC;/m)

    const history = await eurowatch(['history', 'WSPO-BGYT8M'])
    expect(history.stdout).toContain('[backfilled from web-archive captures]')
    const snapshot = JSON.parse((await eurowatch(['snapshot', 'social-innovation', '--as-of', '2019-11-10', '--format', 'json'])).stdout) as {
      crawl: { startedAt: string; origin: string; pages: number; captures: { page: number; url: string; capturedAt: string }[] }
      entries: unknown[]
    }
    expect(snapshot.crawl.startedAt).toBe('2019-11-01T10:00:00.000Z')
    expect(snapshot.entries).toHaveLength(27)
    // the snapshot says its entries come from web-archive captures, and which
    expect(snapshot.crawl.origin).toBe('backfill')
    expect(snapshot.crawl.captures.map((capture) => capture.page)).toEqual(Array.from({ length: snapshot.crawl.pages }, (_, index) => index + 1))
    for (const capture of snapshot.crawl.captures) expect(capture.url).toMatch(/\/web\/\d{14}(id_)?\/http/)
    expect(snapshot.crawl.captures[0]?.capturedAt.slice(0, 10)).toBe('2019-11-01')
    const snapshotText = (await eurowatch(['snapshot', 'social-innovation', '--as-of', '2019-11-10'])).stdout
    expect(snapshotText.split('\n')[0]).toMatch(new RegExp(`backfilled from ${snapshot.crawl.captures.length} web-archive captures? taken 2019-11-01`))
    const exported = (await eurowatch(['export', '--format', 'jsonl', '--listing', 'social-innovation'])).stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { versions: { origin: string }[] })
    expect(exported.flatMap((entry) => entry.versions.map((version) => version.origin))).toEqual(expect.arrayContaining(['backfill']))
    expect(exported.flatMap((entry) => entry.versions).every((version) => version.origin === 'backfill')).toBe(true)
    expect(await database.read(async (db) => (await db.selectFrom('change_event').select('id').execute()).length)).toBe(0)

    // crawls after the backfill: a backfilled version whose cut summary the entry's page gives in full is
    // the same version, completed in place; no version a crawl opens is labelled backfill
    for (let runs = 0; runs < 3; runs += 1) expect((await eurowatch(['run', '--offline'])).code).toBe(0)
    const completed = JSON.parse((await eurowatch(['history', 'WSPO-BBZL5E', '--format', 'json'])).stdout) as { versions: { origin: string; fields: { summaryTruncated: boolean } }[] }
    expect(completed.versions).toEqual([expect.objectContaining({ origin: 'backfill', fields: expect.objectContaining({ summaryTruncated: false }) })])
    const mislabelled = await database.read((db) =>
      db.selectFrom('entry_version as v').innerJoin('crawl_run as r', 'r.id', 'v.valid_from_run').select('v.id').where('r.kind', '=', 'crawl').where('v.origin', '=', 'backfill').execute(),
    )
    expect(mislabelled).toEqual([])

    // crawled for itself now, a listing's later captures are older than its history: refused in one line, exit 2
    const late = await eurowatch(['backfill', 'social-innovation', '--from', 'wayback', '--offline'])
    expect(late.code).toBe(2)
    expect(late.stderr).toMatch(/^eurowatch: \d+ moments? (is|are) older than the history of social-innovation and (was|were) not added \(backfill a listing before its first crawl, all its dates at once; a listing's history extends forward only\)\n$/)

    expectOneLine(await eurowatch(['backfill', 'nothing', '--from', 'wayback', '--offline']), 'no configured listing named "nothing"')
    expectOneLine(await eurowatch(['backfill', 'innovation', '--from', 'wayback', '--from-date', '2019-12-01', '--to-date', '2019-11-01']), '--from-date 2019-12-01 is after --to-date 2019-11-01')
    expectOneLine(await eurowatch(['backfill', 'innovation', '--from', 'wayback', '--from-date', 'last week']), '--from-date', 'YYYY-MM-DD')
  })

  it('ends with exit 3 and one line on stderr when the archive is down or its index never ends', async () => {
    const legacy = readFileSync(LEGACY_CONFIG, 'utf8')
    const withArchive = (archiveUrl: string) => {
      const config = legacy.replace('archiveUrl: https://web.archive.org', `archiveUrl: ${archiveUrl}`).replace('perRequestDelaySeconds: 2', 'perRequestDelaySeconds: 0')
      expect(config).toContain(`archiveUrl: ${archiveUrl}`)
      expect(config).toContain('perRequestDelaySeconds: 0')
      writeFileSync(join(workDir(), 'eurowatch.yaml'), config)
    }
    const expectFailed = (result: CliResult, reason: string) => {
      expect(result.code).toBe(3)
      // the first backfill also says where it creates the database
      expect(result.stderr.replace(/^eurowatch: creating the database in .*\n/, '')).toBe(`eurowatch: backfill of innovation failed: ${reason}\n`)
      expect(result.stdout).toMatch(/: failed \(run \d+\), 0 pages/)
    }

    withArchive('http://archive.invalid')
    expectFailed(await runCli(workDir(), ['backfill', 'innovation', '--from', 'wayback']), 'the archive could not be read: the host name archive.invalid could not be resolved (DNS)')

    const closed = await closedPort()
    withArchive(`http://127.0.0.1:${closed}`)
    expectFailed(await runCli(workDir(), ['backfill', 'innovation', '--from', 'wayback']), `the archive could not be read: 127.0.0.1:${closed} refused the connection`)

    const replica = await startReplica({ port: 0, faults: [{ kind: 'endless-index', match: '/cdx/', cycle: 2 }] })
    try {
      withArchive(replica.origin)
      const result = await runCli(workDir(), ['backfill', 'innovation', '--from', 'wayback'])
      expect(result.code).toBe(3)
      expect(result.stderr).toMatch(/^eurowatch: backfill of innovation failed: the archive's CDX index for .* gave a resume key it gave before \(after page 3\): a loop, stopped\n$/)
    } finally {
      await replica.close()
    }
  })

  it('names the archive it can read', async () => {
    writeFileSync(join(workDir(), 'eurowatch.yaml'), readFileSync(LEGACY_CONFIG))
    const result = await runCli(workDir(), ['backfill', 'innovation', '--from', 'archive-today'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('wayback')
  })
})
