// One error style (issue 19, item 12): every mistake of the command line or the configuration is
// one line, `eurowatch: <what> (<where or what to do>)`, in our words, never a library's.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, useWorkDir } from './support/cli.ts'

const workDir = useWorkDir('eurowatch-errors-')

// what commander, zod and node-cron say in their own words
const LIBRARY_WORDS = /Too small|Too big|Invalid input|expected number|Allowed choices|is a invalid|^error:|run with --help/m

const MISTAKES: [string[], string][] = [
  [['export', '--format', 'zip'], 'eurowatch: --format: "zip" is not one of warc, jsonl, csv'],
  [['schedule'], 'eurowatch: --cron is required'],
  [['schedule', '--cron'], 'eurowatch: --cron: a value is needed'],
  [['schedule', '--cron', '61 * * * *'], 'eurowatch: --cron: "61 * * * *" is not a cron expression: its minute field "61" is not within 0-59 (e.g. "17 * * * *" for every hour at :17)'],
  [['status', '--bogus'], "eurowatch: unknown option '--bogus' (see --help)"],
  [['history'], "eurowatch: missing required argument 'key-or-url' (see --help)"],
  [['run', '--max-pages', '0'], 'eurowatch: --max-pages: must be a positive whole number'],
  [['serve', '--port', '-1'], 'eurowatch: --port: must be a port number (0-65535)'],
]

function expectOneLine(result: { code: number; stderr: string }, line: string): void {
  expect(result.code, result.stderr).toBe(2)
  expect(result.stderr).toBe(`${line}\n`)
  expect(result.stderr).not.toMatch(LIBRARY_WORDS)
}

describe('one error style', { timeout: 180_000 }, () => {
  it.each(MISTAKES)('eurowatch %j: one line in our words', async (args, line) => {
    expectOneLine(await runCli(workDir(), args), line)
  })

  it('names a misspelt configuration key and the key it meant', async () => {
    writeFileSync(join(workDir(), 'eurowatch.yaml'), 'politeness:\n  perHostDelaySecond: 1\n')
    expectOneLine(await runCli(workDir(), ['sources']), `eurowatch: ${join(workDir(), 'eurowatch.yaml')}:2: politeness.perHostDelaySecond: unknown key (did you mean "perHostDelaySeconds"?)`)
    writeFileSync(join(workDir(), 'eurowatch.yaml'), 'sources:\n  - name: a\n    profil: eurocities-legacy\n    url: http://example.org/\n')
    expectOneLine(await runCli(workDir(), ['sources']), `eurowatch: ${join(workDir(), 'eurowatch.yaml')}:3: sources[0].profil: unknown key (did you mean "profile"?)`)
    writeFileSync(join(workDir(), 'eurowatch.yaml'), 'zebra: 1\n')
    expectOneLine(await runCli(workDir(), ['sources']), `eurowatch: ${join(workDir(), 'eurowatch.yaml')}:1: zebra: unknown key`)
  })

  it("tells a configuration value's mistake in our words", async () => {
    writeFileSync(join(workDir(), 'eurowatch.yaml'), 'politeness:\n  perHostDelaySeconds: -1\n')
    expectOneLine(await runCli(workDir(), ['sources']), `eurowatch: ${join(workDir(), 'eurowatch.yaml')}:2: politeness.perHostDelaySeconds: must be at least 0`)
    writeFileSync(join(workDir(), 'eurowatch.yaml'), 'politeness:\n  perHostDelaySeconds: soon\n')
    expectOneLine(await runCli(workDir(), ['sources']), `eurowatch: ${join(workDir(), 'eurowatch.yaml')}:2: politeness.perHostDelaySeconds: must be a number`)
  })
})
