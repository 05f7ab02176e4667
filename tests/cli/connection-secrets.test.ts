// No secret of DATABASE_URL in any output: the password, sslpassword, and any parameter not known
// to be safe, through the built CLI, against the test PostgreSQL server and a server that is down.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { legacySources } from '../../src/config/defaults.ts'
import { createCliDatabase } from './support/cli-database.ts'
import { runCli, useWorkDir } from './support/cli.ts'

const SECRET = 's3cret'
const SOURCE = legacySources.find((source) => source.name === 'social-innovation')?.url as string
// pg ignores sslpassword without TLS, and parameters it does not know
const SECRET_PARAMETERS = `sslmode=disable&sslpassword=${SECRET}&foo=${SECRET}&application_name=eurowatch-test`

const workDir = useWorkDir('eurowatch-secrets-')

function withSecrets(databaseUrl: string): string {
  const url = new URL(databaseUrl)
  url.search = SECRET_PARAMETERS
  return url.toString()
}

describe('DATABASE_URL secrets', () => {
  it('never appear in the output of run, report, status and doctor on a live server', { timeout: 300_000 }, async () => {
    const dir = workDir()
    writeFileSync(join(dir, 'eurowatch.yaml'), `sources:\n  - { name: social-innovation, profile: eurocities-legacy, url: '${SOURCE}' }\n`)
    const db = await createCliDatabase('postgres', dir)
    try {
      const databaseUrl = withSecrets(db.env.DATABASE_URL as string)
      const password = new URL(databaseUrl).password
      const results = []
      for (const args of [['run', '--offline', '--step', '0'], ['report'], ['status'], ['doctor']]) {
        const result = await runCli(dir, args, { DATABASE_URL: databaseUrl })
        results.push(result)
        const output = `${result.stdout}\n${result.stderr}`
        expect(output, args.join(' ')).not.toContain(SECRET)
        expect(output, args.join(' ')).not.toContain(password)
      }
      // it did reach the database: the run completed and doctor says where, masked
      expect(results[0]?.code, results[0]?.stderr).toBe(0)
      expect(results[3]?.stdout).toMatch(/PostgreSQL at postgres:\/\/\w+:\*\*\*@127\.0\.0\.1:\d+\/\w+\?sslmode=disable&sslpassword=\*\*\*&foo=\*\*\*&application_name=eurowatch-test/)
    } finally {
      await db.drop()
    }
  })

  it('never appear when the server cannot be reached', { timeout: 300_000 }, async () => {
    const dir = workDir()
    const databaseUrl = `postgres://someone:${SECRET}@127.0.0.1:1/eurowatch?${SECRET_PARAMETERS}&options=-c%20search_path%3D${SECRET}`
    for (const args of [['run', '--offline'], ['report'], ['status'], ['doctor']]) {
      const result = await runCli(dir, args, { DATABASE_URL: databaseUrl })
      expect(result.code, args.join(' ')).not.toBe(0)
      expect(`${result.stdout}\n${result.stderr}`, args.join(' ')).toMatch(/cannot connect to postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/eurowatch\?/)
      expect(`${result.stdout}\n${result.stderr}`, args.join(' ')).not.toContain(SECRET)
    }
  })
})
