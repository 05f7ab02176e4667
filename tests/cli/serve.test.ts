// `eurowatch serve` as an operator starts it: flags checked first, then a server that answers
// until SIGTERM, and a database left as it was (the PGlite lock released).
import { spawn } from 'node:child_process'
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startReplica, type Replica } from '../../replica/index.ts'
import { BIN, runCli, useWorkDir } from './support/cli.ts'
import { createCliDatabase } from './support/cli-database.ts'

const workDir = useWorkDir('eurowatch-serve-')

let started: Replica | undefined
async function replica(): Promise<Replica> {
  started ??= await startReplica({ port: 0, step: 0 })
  return started
}
afterAll(() => started?.close())

function expectOneLineError(result: { code: number; stderr: string }, fragment: string) {
  expect(result.code).toBe(2)
  expect(result.stderr.split('\n')[0]).toContain(fragment)
  expect(result.stderr).not.toMatch(/\n\s+at /)
}

interface Served {
  origin: string
  stdout: () => string
  stop(): Promise<{ code: number | null; stderr: string }>
}

/** `eurowatch serve ARGS` in `cwd` (PGlite there unless `env` names a database), once it says where it serves. */
async function startServe(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const server = spawn('node', [BIN, 'serve', '--port', '0', ...args], { cwd, env: { ...process.env, DATABASE_URL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => server.once('close', resolve))
  const origin = await new Promise<string>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const found = /serving (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)
      if (found?.[1] !== undefined) resolve(found[1])
    })
    void exited.then(() => reject(new Error(`serve ended before it served: ${stderr}`)))
  })
  return {
    origin,
    stdout: () => stdout,
    stop: async () => {
      server.kill('SIGTERM')
      return { code: await exited, stderr }
    },
  }
}

/** The runs the API lists, newest first. */
async function runsOf(origin: string): Promise<{ id: number; status: string }[]> {
  const response = await fetch(`${origin}/api/v1/runs?limit=50`)
  return ((await response.json()) as { items: { id: number; status: string }[] }).items
}

async function until<T>(what: string, probe: () => Promise<T | null>, seconds: number): Promise<T> {
  const deadline = Date.now() + seconds * 1000
  for (;;) {
    const found = await probe()
    if (found !== null) return found
    if (Date.now() > deadline) throw new Error(`waited ${seconds} s for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

describe('eurowatch serve', { timeout: 420_000 }, () => {
  it('checks its flags before it opens anything, and keeps to loopback without users', async () => {
    expectOneLineError(await runCli(workDir(), ['serve', '--port', '70000']), '--port: must be a port number (0-65535)')
    expectOneLineError(await runCli(workDir(), ['serve', '--cron', 'nonsense']), '--cron: "nonsense" is not a cron expression')
    expectOneLineError(await runCli(workDir(), ['serve', '--host', '0.0.0.0', '--port', '0']), '--host 0.0.0.0: serving beyond loopback needs sign-in')
    expect(readdirSync(workDir())).toEqual([])
  })

  it('serves the database on loopback until SIGTERM, then leaves it to the next verb', async () => {
    expect((await runCli(workDir(), ['migrate'])).code).toBe(0)
    const served = await startServe(workDir(), [])
    const openapi = await fetch(`${served.origin}/api/openapi.json`)
    expect(openapi.status).toBe(200)
    expect(((await openapi.json()) as { openapi: string }).openapi).toBe('3.1.0')
    expect(await served.stop()).toEqual({ code: 0, stderr: '' })
    expect((await runCli(workDir(), ['status'])).code).toBe(0)
  })

  it("--offline: records the demo's runs when missing, shows them, and crawls the replica when an admin asks", async () => {
    const served = await startServe(workDir(), ['--offline'])
    try {
      expect((await runsOf(served.origin)).map((run) => run.status)).toEqual(['complete', 'complete', 'complete', 'complete'])
      const inbox = await fetch(`${served.origin}/?show=all`)
      expect(inbox.status).toBe(200)
      expect(await inbox.text()).toContain('Removed')
      // the local admin's browser: the page's CSRF token and its cookie
      const page = await fetch(`${served.origin}/operations`)
      const token = /<meta name="csrf-token" content="([^"]+)">/.exec(await page.text())?.[1] ?? ''
      const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
      const refused = await fetch(`${served.origin}/api/v1/crawl`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
      expect(refused.status).toBe(403)
      const started = await fetch(`${served.origin}/api/v1/crawl`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': token }, body: '{}' })
      expect(started.status).toBe(202)
      const runs = await until('the fifth run to end', async () => {
        const listed = await runsOf(served.origin)
        return listed.length === 5 && listed[0]?.status !== 'running' ? listed : null
      }, 240)
      expect(runs[0]?.status).toBe('complete')
    } finally {
      const { code, stderr } = await served.stop()
      expect({ code, stderr: stderr.replace(/^eurowatch: no demo data in \.eurowatch\/demo yet: recording the demo's runs first \(about 10 s\)\n/, '') }).toEqual({ code: 0, stderr: '' })
    }
    expect(readdirSync(join(workDir(), '.eurowatch'))).toEqual(['demo'])
  })

  it('--cron: runs the whole job on its schedule in the same process', async () => {
    expect((await runCli(workDir(), ['migrate'])).code).toBe(0)
    writeFileSync(join(workDir(), 'eurowatch.yaml'), `sources:\n  - name: social-innovation\n    profile: eurocities-legacy\n    url: ${(await replica()).origin}/eurocities/issues/social-innovation-issue\npoliteness: { perHostDelaySeconds: 0 }\n`)
    const served = await startServe(workDir(), ['--cron', '*/2 * * * * *'])
    try {
      await until('the schedule to be told', async () => (served.stdout().includes('also running "*/2 * * * * *" (Europe/Brussels) for 1 listings') ? true : null), 30)
      const runs = await until('two scheduled runs to end', async () => {
        const ended = (await runsOf(served.origin)).filter((run) => run.status !== 'running')
        return ended.length >= 2 ? ended : null
      }, 240)
      expect(runs.map((run) => run.status), JSON.stringify(runs)).toContain('complete')
    } finally {
      expect((await served.stop()).code).toBe(0)
    }
  })

  // on PostgreSQL, so that `status` may read the database while serve holds it (PGlite: one process)
  it('--cron: `status` shows the schedule and its next run from the start, before any run, and no schedule once stopped', async () => {
    const database = await createCliDatabase('postgres', workDir())
    try {
      expect((await runCli(workDir(), ['migrate'], database.env)).code).toBe(0)
      writeFileSync(join(workDir(), 'eurowatch.yaml'), `sources:\n  - name: social-innovation\n    profile: eurocities-legacy\n    url: ${(await replica()).origin}/eurocities/issues/social-innovation-issue\n`)
      // once a year: no run happens while the test looks
      const served = await startServe(workDir(), ['--cron', '0 3 1 1 *'], database.env)
      try {
        await until('the schedule to be told', async () => (served.stdout().includes('also running "0 3 1 1 *"') ? true : null), 30)
        const status = await runCli(workDir(), ['status'], database.env)
        expect(status.code, status.stderr).toBe(0)
        expect(status.stdout).toMatch(/^Schedule\n {2}"0 3 1 1 \*" \(Europe\/Brussels\), pid \d+: next run 20\d\d-01-01 02:00 UTC \(as of /m)
        expect(await runsOf(served.origin)).toEqual([])
      } finally {
        expect((await served.stop()).code).toBe(0)
      }
      expect((await runCli(workDir(), ['status'], database.env)).stdout).toMatch(/^Schedule\n {2}`eurowatch schedule` is not running$/m)
    } finally {
      await database.drop()
    }
  })
})
