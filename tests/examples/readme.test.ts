// The README's shell examples work as written on a fresh clone: every fenced shell block is run
// with the built CLI (dist/) in a temporary copy of the clone's examples/, against the bundled
// replica on loopback (the blocks' own --offline), unless it is marked skipped with a reason.
// A block marked `continues` runs on in the folder of the run block before it.
import { readFileSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BIN } from '../cli/support/cli.ts'
import { blockProblems, chains, commandFailure, freshClone, readmeBlocks, runBlocks, STACK_LINE, type ReadmeBlock } from './support/readme-blocks.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const README = readFileSync(resolve(ROOT, 'README.md'), 'utf8')
const BLOCKS = readmeBlocks(README)
const BLOCK_TIMEOUT_MS = 300_000

/** Runs a chain of blocks in a fresh clone; every command's failure, one message each (none: as written). */
async function failuresOf(chain: ReadmeBlock[]): Promise<string[]> {
  // a block that would reach the network or run unmarked commands is not run at all
  const problems = blockProblems(chain)
  if (problems.length > 0) return problems
  const folder = freshClone(ROOT)
  try {
    const outcomes = await runBlocks(chain, folder, BIN, BLOCK_TIMEOUT_MS)
    const failures = outcomes.map((outcome) => commandFailure(outcome)).filter((failure) => failure !== null)
    const ran = chain.flatMap((block) => block.commands).length
    if (failures.length === 0 && outcomes.length < ran) failures.push(`README.md:${chain[0]?.line}: ${ran - outcomes.length} of ${ran} commands never ran`)
    return failures
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}

describe('the README examples', () => {
  it('marks every shell block it does not run, with a reason, and runs only eurowatch commands offline', () => {
    expect(BLOCKS.filter((block) => block.mode !== 'skip').length).toBeGreaterThan(1)
    expect(blockProblems(BLOCKS)).toEqual([])
  })

  it('finds the blocks that would break the rule', () => {
    const markdown = [
      '## Unmarked',
      '```sh',
      'npm install && npm test',
      '```',
      '<!-- readme-test: skip: -->',
      '```sh',
      'npx eurowatch sources',
      '```',
      '```bash',
      'npx eurowatch run --exit-code          # against the network',
      'npx eurowatch serve --offline',
      '```',
      '<!-- readme-test: skipped because -->',
      '```sh',
      'npx eurowatch sources',
      '```',
    ].join('\n')
    const problems = blockProblems(readmeBlocks(markdown))
    expect(problems).toEqual([
      expect.stringMatching(/^README\.md:3: "npm install && npm test" is not an eurowatch command/),
      'README.md:6: a skipped block needs its reason (<!-- readme-test: skip: WHY -->)',
      expect.stringMatching(/^README\.md:10: `run` without --offline reaches the network/),
      expect.stringMatching(/^README\.md:11: `serve` runs until interrupted/),
      'README.md:14: unknown marker "skipped because"',
    ])
    expect(blockProblems(readmeBlocks('<!-- readme-test: continues -->\n```sh\nnpx eurowatch sources\n```'))).toEqual(['README.md:2: continues, but no block before it is run'])
  })

  it('fails a command that does not end as its line says, and a stack trace', { timeout: 60_000 }, async () => {
    const [block] = readmeBlocks(['```sh', 'npx eurowatch sources --json > sources.json', 'npx eurowatch history WSPO-BGYT8M', 'npx eurowatch sources', '```'].join('\n'))
    const failures = await failuresOf([block as ReadmeBlock])
    expect(failures).toHaveLength(1)
    expect(failures[0]).toMatch(/^README\.md:3: npx eurowatch history WSPO-BGYT8M\n {2}exited 2, not 0\neurowatch: /)
    const declared = readmeBlocks('```sh\nnpx eurowatch history WSPO-BGYT8M   # exit code 2: nothing stored yet\n```')
    expect(await failuresOf(declared)).toEqual([])
    expect(STACK_LINE.test('Error: boom\n    at main (file:///x/dist/cli.js:3:9)')).toBe(true)
    expect(STACK_LINE.test('eurowatch: no entry with key or URL WSPO-BGYT8M')).toBe(false)
  })

  for (const chain of chains(BLOCKS)) {
    const first = chain[0] as ReadmeBlock
    const lines = chain.map((block) => block.line).join(', ')
    it(`runs as written: "${first.heading}" (README.md:${lines})`, { timeout: BLOCK_TIMEOUT_MS }, async () => {
      expect(await failuresOf(chain)).toEqual([])
    })
  }
})
