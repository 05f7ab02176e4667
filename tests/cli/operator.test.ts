// An operator's mistakes and accidents, as the built CLI meets them: one line, exit 2, no stack,
// and nothing written by a verb that only reads.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Migrator, sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase } from '../../db/connection.ts'
import { MIGRATIONS } from '../../db/migrate.ts'
import { admin, postgresServerUrl } from '../support/databases.ts'
import { BIN, runCli, useWorkDir, type CliResult } from './support/cli.ts'

const workDir = useWorkDir('eurowatch-operator-')

function eurowatch(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli(workDir(), args, env)
}

function expectOneLineError(result: CliResult, ...fragments: string[]) {
  expect(result.code).toBe(2)
  const [first = ''] = result.stderr.trim().split('\n')
  expect(first).toMatch(/^eurowatch: /)
  for (const fragment of fragments) expect(first).toContain(fragment)
  expect(result.stderr).not.toMatch(/\n\s+at /)
}

/** The started process's exit code, standard output and error. */
function started(args: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: workDir(), env: { ...process.env, DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve) => child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr })))
}


describe('the CLI and an operator', { timeout: 120_000 }, () => {
  it('refuses a YAML alias bomb in the configuration in one line', async () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]']
    for (let level = 1; level < 9; level++) lines.push(`a${level}: &a${level} [${Array.from({ length: 10 }, () => `*a${level - 1}`).join(', ')}]`)
    writeFileSync(join(workDir(), 'eurowatch.yaml'), `${lines.join('\n')}\nsources: []\n`)
    expectOneLineError(await eurowatch(['sources']), 'eurowatch.yaml: invalid YAML: its aliases expand too far')
  })

  it('lets one of two first runs on a fresh PGlite directory have it, and tells the other why', async () => {
    const results = await Promise.all([started(['run', '--offline', '--source', 'latest']), started(['run', '--offline', '--source', 'latest'])])
    const codes = results.map((result) => result.code).sort()
    // on a failure, both processes' standard error tell why
    expect(codes, results.map((result, index) => `run ${index + 1} exited ${result.code}:\n${result.stderr}`).join('\n')).toEqual([0, 2])
    const loser = results.find((result) => result.code === 2) as CliResult
    expectOneLineError(loser, 'another eurowatch process (pid ', 'is using this database')
    expect(loser.stderr).not.toMatch(/object Object|Aborted/)
    const winner = results.find((result) => result.code === 0) as CliResult
    expect(winner.stdout).toContain('eurowatch report')
    // the winner's database is whole: a report reads it, and the lock is gone with its holder
    expect(await eurowatch(['report'])).toMatchObject({ code: 0 })
    expect(readdirSync(join(workDir(), '.eurowatch'))).toEqual(['pglite'])
  })

  it('reads a PGlite database only when it exists: report and history create nothing', async () => {
    expectOneLineError(await eurowatch(['report']), 'no database in', 'yet')
    expectOneLineError(await eurowatch(['history', 'WSPO-BGYT8M']), 'no database in')
    expect(existsSync(join(workDir(), '.eurowatch'))).toBe(false)
  })

  it('never writes in report or history: a role without CREATE rights is told to run `eurowatch migrate`', async () => {
    const server = postgresServerUrl()
    const name = `eurowatch_readonly_${randomBytes(6).toString('hex')}`
    const reader = `reader_${randomBytes(6).toString('hex')}`
    await admin(server, `create database ${name}`)
    await admin(server, `create role ${reader} login password 'reader-secret'`)
    const adminUrl = Object.assign(new URL(server), { pathname: `/${name}` }).toString()
    const readerUrl = Object.assign(new URL(server), { pathname: `/${name}`, username: reader, password: 'reader-secret' }).toString()
    const grantReading = async () => {
      await admin(adminUrl, `revoke create on schema public from public; grant usage on schema public to ${reader}; grant select on all tables in schema public to ${reader}`)
    }
    try {
      await grantReading()
      expectOneLineError(await eurowatch(['report'], { DATABASE_URL: readerUrl }), 'the database has no eurowatch schema yet', '`eurowatch migrate`')

      const db = await openDatabase({ kind: 'postgres', url: adminUrl })
      try {
        const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } })
        const older = Object.keys(MIGRATIONS).at(-2) as string
        expect((await migrator.migrateTo(older)).error).toBeUndefined()
        await grantReading()
        for (const args of [['report'], ['history', 'WSPO-BGYT8M'], ['report', '--since', '2026-01-01']]) {
          expectOneLineError(await eurowatch(args, { DATABASE_URL: readerUrl }), 'the database schema is out of date, 1 migration not applied', '`eurowatch migrate`')
        }
        expect((await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(db)).rows).toEqual([{ n: Object.keys(MIGRATIONS).length - 1 }])

        expect(await eurowatch(['migrate'], { DATABASE_URL: adminUrl })).toMatchObject({ code: 0 })
        await grantReading()
        await sql`insert into crawl_run (started_at, finished_at, status, diffed_at) values (now(), now(), 'complete', now())`.execute(db)
        const report = await eurowatch(['report'], { DATABASE_URL: readerUrl })
        expect(report).toMatchObject({ code: 0, stderr: '' })
        expect(report.stdout).toContain('run 1: complete')
      } finally {
        await closeDatabase(db)
      }
    } finally {
      await admin(server, `drop database if exists ${name} with (force)`)
      await admin(server, `drop role if exists ${reader}`)
    }
  })
})
