// `eurowatch reparse` as a user runs it, on both backends: a crawl of the replica whose stored
// versions are altered as an old parser bug would have recorded them, told by a dry run,
// corrected by --apply (shown by `history`), and nothing left the second time; one-line errors;
// the --help of both archive-writing verbs (reparse, backfill) loads nothing heavy.
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { backends } from '../support/databases.ts'
import { createCliDatabase, type CliDatabase } from './support/cli-database.ts'
import { BIN, runCli, useWorkDir, type CliResult } from './support/cli.ts'

const LEGACY_CONFIG = resolve(import.meta.dirname, '../../examples/eurocities-legacy.yaml')
const EDITED = 'WSPO-BGYT8M'
const RECORD = resolve(import.meta.dirname, 'support/record-modules.mjs')
const HEAVY = [/\/@electric-sql\/pglite\//, /\/node_modules\/pg\//, /\/node_modules\/cheerio\//, /\/playwright(-core)?\//, /\/@crawlee\//, /\/replica\//]
const run = promisify(execFile)

const workDir = useWorkDir('eurowatch-reparse-')

function expectOneLine(result: CliResult, ...fragments: string[]) {
  expect(result.code).toBe(2)
  expect(result.stdout).toBe('')
  const [first = ''] = result.stderr.trim().split('\n')
  expect(first).toMatch(/^eurowatch: /)
  for (const fragment of fragments) expect(first).toContain(fragment)
  expect(result.stderr).not.toMatch(/\n\s+at /)
}

describe('eurowatch reparse', { timeout: 300_000 }, () => {
  it.each([
    ['reparse', ['--run <id>', '--since <date>', '--listing <name>', '--apply', '--format <format>']],
    ['backfill', ['<listings...>', '--from <archive>', '--from-date <date>', '--to-date <date>', '--offline']],
  ])('%s --help names its flags, and loads no database, parser or replica for it', async (verb, flags) => {
    const log = join(workDir(), 'modules.log')
    writeFileSync(log, '')
    const { stdout } = await run('node', ['--import', RECORD, BIN, verb, '--help'], { cwd: workDir(), env: { ...process.env, EUROWATCH_TEST_MODULE_LOG: log, DATABASE_URL: '' } })
    for (const flag of flags) expect(stdout).toContain(flag)
    expect(readFileSync(log, 'utf8').split('\n').filter((url) => HEAVY.some((heavy) => heavy.test(url)))).toEqual([])
  })

  let database: CliDatabase | undefined
  afterEach(async () => {
    await database?.drop()
    database = undefined
  })

  it.each(backends)('on %s: tells, corrects and leaves nothing the second time', async (backend) => {
    database = await createCliDatabase(backend, workDir())
    const eurowatch = (args: string[]) => runCli(workDir(), args, database?.env)
    writeFileSync(join(workDir(), 'eurowatch.yaml'), readFileSync(LEGACY_CONFIG))
    expect((await eurowatch(['crawl', '--offline', '--step', '0', '--source', 'social-innovation'])).code).toBe(0)
    // what an old parser bug would have recorded: a title in capitals
    const recorded = await database.read(async (db) => {
      await sql`update entry_version v set title = upper(v.title) from entry e where e.id = v.entry_id and e.entry_key = ${EDITED}`.execute(db)
      return (await db.selectFrom('entry_version').select('title').where('title', 'like', 'MUNICH%').executeTakeFirstOrThrow()).title
    })

    const dry = await eurowatch(['reparse'])
    expect(dry.code).toBe(0)
    expect(dry.stdout).toMatch(/^re-read 3 stored pages: 1 version of 1 entry read differently\n/)
    expect(dry.stdout).toContain(`social-innovation ${EDITED}: version from run 1 (current), re-read in run 1`)
    expect(dry.stdout).toContain(`title: ${JSON.stringify(recorded)} -> "Munich’s conflict management office"`)
    expect(dry.stdout).toContain('nothing written')

    const applied = await eurowatch(['reparse', '--apply', '--listing', 'social-innovation'])
    expect(applied.code).toBe(0)
    expect(applied.stdout).toContain('corrected 1 version, marked as re-parsed')
    const history = await eurowatch(['history', EDITED])
    expect(history.stdout).toContain('[correction: re-parsed from the stored pages]')
    // the value as first recorded, not a diff against the corrected one
    expect(history.stdout).toMatch(/corrected by a re-parse .*; as first recorded:\n {4}title: (.*)\n/)
    expect(/as first recorded:\n {4}title: (.*)\n/.exec(history.stdout)?.[1]).toBe(JSON.stringify(recorded))
    const json = JSON.parse((await eurowatch(['history', EDITED, '--format', 'json'])).stdout) as { versions: { origin: string; corrections: { recorded: { title: string } }[] }[] }
    expect(json.versions.map((version) => [version.origin, version.corrections.map((correction) => correction.recorded.title)])).toEqual([['reparse', [recorded]]])
    const exported = (await eurowatch(['export', '--format', 'csv', '--listing', 'social-innovation'])).stdout.split('\r\n')
    expect(exported.filter((row) => row.startsWith(`${EDITED},`))).toEqual([expect.stringMatching(/,reparse,\d{4}-\d\d-\d\dT[\d:.]+Z$/)])

    const again = await eurowatch(['reparse', '--apply', '--format', 'json'])
    expect(JSON.parse(again.stdout)).toMatchObject({ pages: 3, applied: true, corrections: [], notes: [] })
    expect(await database.read(async (db) => (await db.selectFrom('version_correction').select('id').execute()).length)).toBe(1)

    expectOneLine(await eurowatch(['reparse', '--run', '99']), 'no crawl run 99')
    expectOneLine(await eurowatch(['reparse', '--listing', 'nothing']), 'no configured listing named "nothing"')
    expectOneLine(await eurowatch(['reparse', '--run', '1', '--since', '2026-01-01']), '--run and --since')
    expectOneLine(await eurowatch(['reparse', '--since', 'yesterday']), '--since', 'not a date')
    expectOneLine(await eurowatch(['reparse', '--run', 'x']), '--run', 'must be a run id')
  })
})
