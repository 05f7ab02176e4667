// The CLI started while dist/ is missing or being rebuilt: one line and exit 2, not Node's stack of
// a module it cannot find.
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { BIN } from './support/cli.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const run = promisify(execFile)
let copy = ''

afterEach(() => rmSync(copy, { recursive: true, force: true }))

/** The package's bin and, when given, its dist/ with only the chunks kept that `keep` admits, in a folder of its own. */
function installedCopy(keepChunk: ((name: string) => boolean) | null): string {
  copy = mkdtempSync(join(tmpdir(), 'eurowatch-unbuilt-'))
  mkdirSync(join(copy, 'bin'))
  cpSync(BIN, join(copy, 'bin', 'eurowatch.js'))
  cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'))
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'))
  if (keepChunk !== null) {
    cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true })
    for (const chunk of readdirSync(join(copy, 'dist', 'chunks'))) if (!keepChunk(chunk)) rmSync(join(copy, 'dist', 'chunks', chunk))
  }
  return copy
}

async function eurowatch(folder: string, args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run('node', [join(folder, 'bin', 'eurowatch.js'), ...args], { cwd: folder })
    return { code: 0, stderr }
  } catch (error) {
    const failed = error as { code: number; stderr: string }
    return { code: failed.code, stderr: failed.stderr }
  }
}

describe('the CLI without a whole dist/', () => {
  it('says in one line that it is not built when dist/ is missing', async () => {
    const result = await eurowatch(installedCopy(null), ['sources'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^eurowatch: the CLI is not built, or `npm run build` is rebuilding it .*\n$/)
  })

  it("says in one line that dist/ changed when a verb's chunk is gone", async () => {
    // main.js and the chunks it imports at start stay; the verbs' own chunks are gone, as after a rebuild renamed them
    const main = readFileSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'), 'utf8')
    const startChunks = new Set([...main.matchAll(/from ?"\.\.\/\.\.\/chunks\/([^"]+)"/g)].map((match) => match[1]))
    const result = await eurowatch(installedCopy((chunk) => startChunks.has(chunk)), ['sources'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^eurowatch: the built CLI in dist\/ changed while it ran .*\n$/)
  })
})
