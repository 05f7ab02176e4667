// Every date and duration flag of every verb, out of the calendar or out of range, through the real
// CLI on a fresh directory: one line naming the flag, exit 2, and no database created.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, useWorkDir } from './support/cli.ts'

const BAD_FLAGS: [string[], RegExp][] = [
  [['backfill', 'social-innovation', '--from', 'wayback', '--from-date', '2020-02-31'], /^eurowatch: --from-date: not a day: "2020-02-31"/],
  [['backfill', 'social-innovation', '--from', 'wayback', '--to-date', '2021-13-01'], /^eurowatch: --to-date: not a day: "2021-13-01"/],
  [['backfill', 'social-innovation', '--from', 'wayback', '--from-date', '0000-01-01'], /^eurowatch: --from-date: not a day: "0000-01-01"/],
  [['prune', '--keep-raw-pages', 'P1000000Y'], /^eurowatch: --keep-raw-pages: too long: "P1000000Y" reaches back before the year 0001$/],
  [['prune', '--keep-raw-pages', '99999999y'], /^eurowatch: --keep-raw-pages: too long: "99999999y"/],
  [['prune', '--keep-raw-pages', `${'9'.repeat(400)}d`], /^eurowatch: --keep-raw-pages: not a duration/],
  [['report', '--since', '2020-02-30'], /^eurowatch: --since: not a date: "2020-02-30"/],
  [['report', '--since', '0000-06-01'], /^eurowatch: --since: out of range: "0000-06-01"/],
  [['export', '--format', 'jsonl', '--until', '9999-12-31T23:00-05:00'], /^eurowatch: --until: out of range: "9999-12-31T23:00-05:00"/],
  [['history', 'x', '--as-of', '2021-04-31'], /^eurowatch: --as-of: not a date: "2021-04-31"/],
  [['snapshot', 'social-innovation', '--as-of', '0001-01-01T00:00+01:00'], /^eurowatch: --as-of: out of range: "0001-01-01T00:00\+01:00"/],
  [['reparse', '--since', '2019-02-29'], /^eurowatch: --since: not a date: "2019-02-29"/],
]

describe('date and duration flags', { timeout: 300_000 }, () => {
  const workDir = useWorkDir('eurowatch-date-flags-')

  it('refuses a day off the calendar or a moment out of range in one line, exit 2, before opening a database', async () => {
    for (const [args, line] of BAD_FLAGS) {
      const result = await runCli(workDir(), args)
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: '' })
      expect(result.stderr.trim().split('\n')[0]).toMatch(line)
      expect(result.stderr).not.toMatch(/\n\s+at /)
      expect(existsSync(join(workDir(), '.eurowatch')), args.join(' ')).toBe(false)
    }
    expect(readdirSync(workDir())).toEqual([])
  })
})
