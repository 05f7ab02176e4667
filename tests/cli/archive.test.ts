// The archive verbs as a user runs them: snapshot, history --as-of and export over crawls of the
// bundled replica, their one-line answers when there is nothing to show, and an export killed
// half way, which leaves nothing at its target.
import { execFile, spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { seedPageFetches } from '../support/archive-seed.ts'
import { readWarc } from '../support/warc.ts'
import { BIN, LEGACY_CONFIG_EVERY_CRAWL_FULL, runCli, useWorkDir, type CliResult } from './support/cli.ts'

const RECORD = resolve(import.meta.dirname, 'support/record-modules.mjs')
const HEAVY = [/\/@electric-sql\/pglite\//, /\/node_modules\/pg\//, /\/warcio\//, /\/playwright(-core)?\//, /\/@crawlee\//]
const run = promisify(execFile)

const workDir = useWorkDir('eurowatch-archive-')

function eurowatch(args: string[]): Promise<CliResult> {
  return runCli(workDir(), args)
}

function expectOneLine(result: CliResult, code: number, ...fragments: string[]) {
  expect(result.code).toBe(code)
  expect(result.stdout).toBe('')
  const [first = ''] = result.stderr.trim().split('\n')
  expect(first).toMatch(/^eurowatch: /)
  for (const fragment of fragments) expect(first).toContain(fragment)
  expect(result.stderr).not.toMatch(/\n\s+at /)
}

describe('the archive verbs', { timeout: 240_000 }, () => {
  it.each([
    ['snapshot', ['<listing>', '--as-of <date>', '--format <format>', '"html"', 'nothing to show']],
    ['export', ['--format <format>', '"warc"', '"jsonl"', '"csv"', '--since <date>', '--until <date>', '--listing <name>', '--output <file>']],
    ['history', ['--as-of <date>']],
  ])('%s --help names its flags, and loads no database, warcio or browser for it', async (verb, flags) => {
    const log = join(workDir(), 'modules.log')
    writeFileSync(log, '')
    const { stdout } = await run('node', ['--import', RECORD, BIN, verb, '--help'], { cwd: workDir(), env: { ...process.env, EUROWATCH_TEST_MODULE_LOG: log, DATABASE_URL: '' } })
    for (const flag of flags) expect(stdout).toContain(flag)
    expect(readFileSync(log, 'utf8').split('\n').filter((url) => HEAVY.some((heavy) => heavy.test(url)))).toEqual([])
  })

  // many real processes on PGlite, each opening the database: slow on a shared machine
  it('shows a listing as of a date in its formats, and says plainly when there is nothing to show', { timeout: 400_000 }, async () => {
    writeFileSync(join(workDir(), 'eurowatch.yaml'), LEGACY_CONFIG_EVERY_CRAWL_FULL)
    expect((await eurowatch(['crawl', '--offline', '--step', '0'])).code).toBe(0)
    const between = new Date().toISOString()
    await new Promise((done) => setTimeout(done, 20))
    expect((await eurowatch(['crawl', '--offline', '--step', '2'])).code).toBe(0)

    const then = JSON.parse((await eurowatch(['snapshot', 'social-innovation', '--as-of', between, '--format', 'json'])).stdout) as { crawl: { runId: number }; entries: { key: string; summary: string | null }[] }
    const now = JSON.parse((await eurowatch(['snapshot', 'social-innovation', '--as-of', '2099-12-31', '--format', 'json'])).stdout) as typeof then
    expect([then.crawl.runId, now.crawl.runId]).toEqual([1, 2])
    // step 2 published three entries at the top and edited a summary
    expect(now.entries.length).toBe(then.entries.length + 3)
    expect(now.entries.slice(3).map((entry) => entry.key)).toEqual(then.entries.map((entry) => entry.key))
    const munich = (snapshot: typeof then) => snapshot.entries.find((entry) => entry.key === 'WSPO-BGYT8M')?.summary ?? ''
    expect(munich(then)).not.toContain('now twelve mediators strong')
    expect(munich(now)).toContain('now twelve mediators strong')

    const text = await eurowatch(['snapshot', 'social-innovation', '--as-of', between])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^listing social-innovation as of \S+: run 1 \(complete crawl finished .* UTC; 3 pages, 27 entries\)\n/)
    const csv = (await eurowatch(['snapshot', 'innovation', '--as-of', '2099-12-31', '--format', 'csv'])).stdout.trimEnd().split('\r\n')
    expect(csv[0]).toBe('position,page,key,valid_from_run,valid_to_run,valid_from,valid_to,url,title,type,date,end_date,themes,summary,summary_truncated,document_type')
    expect(csv.some((row) => row.includes(',Liège & Kraków: public procurement of innovation,'))).toBe(true)
    const html = (await eurowatch(['snapshot', 'innovation', '--as-of', '2099-12-31', '--format', 'html'])).stdout
    expect(html).toMatch(/^<!DOCTYPE html>/)
    expect(html.match(/<li id="entry-\d+">/g)).toHaveLength(csv.length - 1)
    expect(html).toContain('>Liège &amp; Kraków: public procurement of innovation</a>')
    expect(html).not.toMatch(/<script/i)

    expectOneLine(await eurowatch(['snapshot', 'social-innovation', '--as-of', '2020-01-01']), 2, 'nothing to show', 'first crawled at', 'after 2020-01-01')
    expectOneLine(await eurowatch(['snapshot', 'nothing', '--as-of', '2099-12-31']), 2, 'no listing named "nothing"')
    expectOneLine(await eurowatch(['snapshot', 'innovation', '--as-of', 'yesterday']), 2, '--as-of', 'not a date')
    expectOneLine(await eurowatch(['history', 'WSPO-BGYT8M', '--as-of', '2020-01-01']), 2, 'nothing to show', 'first seen after 2020-01-01')
    const history = JSON.parse((await eurowatch(['history', 'WSPO-BGYT8M', '--as-of', between, '--format', 'json'])).stdout) as { asOf: string; versions: unknown[] }
    expect(history).toMatchObject({ asOf: between, versions: [expect.objectContaining({ validFromRun: 1, validToRun: null })] })

    // an export of the same moment agrees, entry by entry
    const exported = await eurowatch(['export', '--format', 'jsonl', '--listing', 'social-innovation', '--until', between])
    expect(exported.code).toBe(0)
    expect(exported.stderr).toMatch(/^eurowatch: exported 27 entries with 27 versions, [\d.]+ MB, to standard output\n$/)
    const lines = exported.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { key: string; listings: { source: string; lastPosition: number }[]; versions: { summary: string | null }[] })
    const inOrder = lines.sort((a, b) => (a.listings.find((l) => l.source === 'social-innovation')?.lastPosition ?? 0) - (b.listings.find((l) => l.source === 'social-innovation')?.lastPosition ?? 0))
    expect(inOrder.map((line) => [line.key, line.versions.at(-1)?.summary])).toEqual(then.entries.map((entry) => [entry.key, entry.summary]))
    expectOneLine(await eurowatch(['export', '--format', 'csv', '--listing', 'nothing']), 2, '--listing', 'no listing named "nothing"')
    const badFormat = await eurowatch(['export', '--format', 'zip'])
    expect([badFormat.code, badFormat.stderr]).toEqual([2, 'eurowatch: --format: "zip" is not one of warc, jsonl, csv\n'])
  })

  it('exports WARC to a file that reads back record by record with its digests, gzip per record for .gz', async () => {
    writeFileSync(join(workDir(), 'eurowatch.yaml'), LEGACY_CONFIG_EVERY_CRAWL_FULL)
    for (const step of ['0', '0']) expect((await eurowatch(['crawl', '--offline', '--step', step])).code).toBe(0)
    for (const name of ['pages.warc', 'pages.warc.gz']) {
      const result = await eurowatch(['export', '--format', 'warc', '--output', name])
      expect(result.code).toBe(0)
      // two crawls of the same 17 pages: the second crawl's bodies were all written by the first
      expect(result.stderr).toMatch(new RegExp(`^eurowatch: exported 34 page fetches \\(17 of them revisits of a body written before\\), [\\d.]+ MB, to ${name.replace('.', '\\.')}\\n$`))
      const records = await readWarc(join(workDir(), name))
      expect(records.map((record) => record.type)).toEqual(['warcinfo', ...Array<string[]>(17).fill(['request', 'response']).flat(), ...Array<string[]>(17).fill(['request', 'revisit']).flat()])
      expect(records[0]?.headers.get('warc-filename')).toBe(name)
      expect(records.every((record) => record.type === 'warcinfo' || record.targetUri?.startsWith('http://www.eurocities.eu/'))).toBe(true)
    }
    expect(statSync(join(workDir(), 'pages.warc.gz')).size).toBeLessThan(statSync(join(workDir(), 'pages.warc')).size / 2)
    expect(readdirSync(workDir()).filter((name) => name.endsWith('.part'))).toEqual([])
  })

  it('leaves nothing at the target when killed half way: SIGTERM removes its work, SIGKILL leaves only its temporary file', async () => {
    await seedPageFetches({ kind: 'pglite', dataDir: join(workDir(), '.eurowatch/pglite') }, 4000)
    const target = join(workDir(), 'pages.warc')

    const stopped = await exportUntilWritten(target, 'SIGTERM')
    expect(stopped.code).toBe(4)
    expect(stopped.stderr).toContain('eurowatch: export interrupted; nothing written to pages.warc')
    expect(existsSync(target)).toBe(false)
    expect(readdirSync(workDir()).filter((name) => name.endsWith('.part'))).toEqual([])

    writeFileSync(target, 'the previous export\n')
    const killed = await exportUntilWritten(target, 'SIGKILL')
    expect(killed.signal).toBe('SIGKILL')
    expect(readFileSync(target, 'utf8')).toBe('the previous export\n')
    expect(readdirSync(workDir()).filter((name) => name.startsWith('.pages.warc.') && name.endsWith('.part'))).toHaveLength(1)

    // and left alone, it replaces the target whole
    expect((await eurowatch(['export', '--format', 'warc', '--output', 'pages.warc'])).code).toBe(0)
    expect((await readWarc(target)).filter((record) => record.type === 'response')).toHaveLength(4000)
  })
})

/** Starts `export --format warc --output target` and sends `signal` once its temporary file holds something. */
async function exportUntilWritten(target: string, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const dir = resolve(target, '..')
  const child = spawn('node', [BIN, 'export', '--format', 'warc', '--output', basename(target)], { cwd: dir, env: { ...process.env, DATABASE_URL: '' } })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, sig) => done({ code, signal: sig })))
  const started = Date.now()
  for (;;) {
    const part = readdirSync(dir).find((name) => name.endsWith('.part'))
    if (part !== undefined && statSync(join(dir, part)).size > 0) break
    if (Date.now() - started > 120_000) throw new Error(`the export never started writing: ${stderr}`)
    await new Promise((done) => setTimeout(done, 10))
  }
  child.kill(signal)
  return { ...(await exited), stderr }
}
