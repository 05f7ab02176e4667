// An operator's mistakes and accidents, as the built CLI meets them: one line, exit 2, no stack.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, useWorkDir, type CliResult } from './support/cli.ts'

const workDir = useWorkDir('eurowatch-operator-')

function eurowatch(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli(workDir(), args, env)
}

export function expectOneLineError(result: CliResult, ...fragments: string[]) {
  expect(result.code).toBe(2)
  const [first = ''] = result.stderr.trim().split('\n')
  expect(first).toMatch(/^eurowatch: /)
  for (const fragment of fragments) expect(first).toContain(fragment)
  expect(result.stderr).not.toMatch(/\n\s+at /)
}

describe('the CLI and an operator', { timeout: 120_000 }, () => {
  it('refuses a YAML alias bomb in the configuration in one line', async () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]']
    for (let level = 1; level < 9; level++) lines.push(`a${level}: &a${level} [${Array.from({ length: 10 }, () => `*a${level - 1}`).join(', ')}]`)
    writeFileSync(join(workDir(), 'eurowatch.yaml'), `${lines.join('\n')}\nsources: []\n`)
    expectOneLineError(await eurowatch(['sources']), 'eurowatch.yaml: invalid YAML: its aliases expand too far')
  })
})
