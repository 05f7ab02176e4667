// `eurowatch serve` as an operator starts it: flags checked first, then a server that answers
// until SIGTERM, and a database left as it was (the PGlite lock released).
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { BIN, runCli, useWorkDir } from './support/cli.ts'

const workDir = useWorkDir('eurowatch-serve-')

function expectOneLineError(result: { code: number; stderr: string }, fragment: string) {
  expect(result.code).toBe(2)
  expect(result.stderr.split('\n')[0]).toContain(fragment)
  expect(result.stderr).not.toMatch(/\n\s+at /)
}

describe('eurowatch serve', { timeout: 180_000 }, () => {
  it('checks its flags before it opens anything, and keeps to loopback without users', async () => {
    expectOneLineError(await runCli(workDir(), ['serve', '--port', '70000']), '--port: must be a port number (0-65535)')
    expectOneLineError(await runCli(workDir(), ['serve', '--cron', 'nonsense']), '--cron: "nonsense" is not a cron expression')
    expectOneLineError(await runCli(workDir(), ['serve', '--host', '0.0.0.0', '--port', '0']), '--host 0.0.0.0: serving beyond loopback needs sign-in')
    expect(readdirSync(workDir())).toEqual([])
  })

  it('serves the database on loopback until SIGTERM, then leaves it to the next verb', async () => {
    expect((await runCli(workDir(), ['migrate'])).code).toBe(0)
    const server = spawn('node', [BIN, 'serve', '--port', '0'], { cwd: workDir(), stdio: ['ignore', 'pipe', 'pipe'] })
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
    const openapi = await fetch(`${origin}/api/openapi.json`)
    expect(openapi.status).toBe(200)
    expect(((await openapi.json()) as { openapi: string }).openapi).toBe('3.1.0')
    server.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(stderr).toBe('')
    expect((await runCli(workDir(), ['status'])).code).toBe(0)
  })
})
