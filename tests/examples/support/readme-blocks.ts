// The README's fenced shell blocks, read as a test runs them: each block is run as written
// (in bash, `npx eurowatch` being the built CLI) unless a marker on the line before its fence
// says otherwise:
//   <!-- readme-test: skip: REASON -->   not run, for the reason given
//   <!-- readme-test: continues -->      run in the folder of the run block before it (its data kept)
// A command's trailing comment saying `exit code N` declares that it ends with N; every other
// command must end with 0.
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { promisify } from 'node:util'

export interface ReadmeCommand {
  /** The README line it is on (1-based). */
  line: number
  text: string
  expectedCode: number
}

export interface ReadmeBlock {
  /** The README line of its opening fence (1-based). */
  line: number
  /** The heading it is under. */
  heading: string
  mode: 'fresh' | 'continues' | 'skip'
  /** Why it is not run (skip only). */
  reason: string
  commands: ReadmeCommand[]
}

const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell', 'console'])
const FENCE = /^```(\S*)\s*$/
const MARKER = /^<!-- readme-test: (.*) -->$/
const EXPECTED_CODE = /#.*\bexit code (\d+)\b/
/** `npx eurowatch VERB` or `eurowatch VERB`, after any `NAME=value` assignments. */
const EUROWATCH_COMMAND = /^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:npx\s+)?eurowatch\s+([a-z-]+)/
/** Verbs that fetch from the configured sites unless told --offline. */
const FETCHING_VERBS = new Set(['run', 'crawl', 'backfill', 'schedule'])
/** Verbs that serve until interrupted. */
const LONG_RUNNING_VERBS = new Set(['serve', 'replica', 'schedule'])
/** A line of a stack trace, as Node prints one. */
export const STACK_LINE = /^\s+at \S/m

/** Every fenced shell block of a Markdown text, with its marker and commands. */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n')
  const blocks: ReadmeBlock[] = []
  let heading = '(top)'
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index] as string
    if (/^#{1,6} /.test(text)) heading = text.replace(/^#+ /, '')
    const fence = FENCE.exec(text)
    if (!fence) continue
    const end = lines.findIndex((candidate, at) => at > index && candidate.startsWith('```'))
    const closing = end === -1 ? lines.length : end
    if (SHELL_LANGUAGES.has(fence[1] ?? '')) {
      blocks.push({ line: index + 1, heading, ...markerBefore(lines, index), commands: commandsOf(lines, index + 1, closing) })
    }
    index = closing
  }
  return blocks
}

/** What the line before a fence (blank lines aside) says about its block. */
function markerBefore(lines: string[], fence: number): Pick<ReadmeBlock, 'mode' | 'reason'> {
  let at = fence - 1
  while (at >= 0 && (lines[at] as string).trim() === '') at--
  const marker = MARKER.exec((lines[at] ?? '').trim())
  if (!marker) return { mode: 'fresh', reason: '' }
  const said = (marker[1] as string).trim()
  if (said === 'continues') return { mode: 'continues', reason: '' }
  const skip = /^skip:\s*(.*)$/.exec(said)
  if (skip) return { mode: 'skip', reason: (skip[1] as string).trim() }
  // an unknown marker is a mistake to report, not a block to run
  return { mode: 'skip', reason: `unknown marker "${said}"` }
}

function commandsOf(lines: string[], from: number, to: number): ReadmeCommand[] {
  const commands: ReadmeCommand[] = []
  for (let at = from; at < to; at++) {
    const text = (lines[at] as string).trim()
    if (text === '' || text.startsWith('#')) continue
    commands.push({ line: at + 1, text, expectedCode: Number(EXPECTED_CODE.exec(text)?.[1] ?? 0) })
  }
  return commands
}

/** What keeps the blocks from being run as they are marked: one line each, naming the README line. */
export function blockProblems(blocks: ReadmeBlock[], file = 'README.md'): string[] {
  const problems: string[] = []
  blocks.forEach((block, index) => {
    const where = `${file}:${block.line}`
    if (block.mode === 'skip') {
      if (block.reason.startsWith('unknown marker')) problems.push(`${where}: ${block.reason}`)
      else if (block.reason.split(/\s+/).length < 3) problems.push(`${where}: a skipped block needs its reason (<!-- readme-test: skip: WHY -->)`)
      return
    }
    if (block.mode === 'continues' && !blocks.slice(0, index).some((before) => before.mode !== 'skip')) {
      problems.push(`${where}: continues, but no block before it is run`)
    }
    if (block.commands.length === 0) problems.push(`${where}: a block with no command`)
    for (const command of block.commands) problems.push(...commandProblems(command, file))
  })
  return problems
}

function commandProblems(command: ReadmeCommand, file: string): string[] {
  const where = `${file}:${command.line}`
  if (command.text.endsWith('\\')) return [`${where}: a command continued on the next line; write it on one`]
  const verb = EUROWATCH_COMMAND.exec(command.text)?.[1]
  if (verb === undefined) return [`${where}: "${command.text}" is not an eurowatch command: run it in a test of its own, or mark the block <!-- readme-test: skip: WHY -->`]
  if (LONG_RUNNING_VERBS.has(verb) && !/--max-runs\s/.test(command.text)) return [`${where}: \`${verb}\` runs until interrupted; mark the block <!-- readme-test: skip: WHY -->`]
  if (FETCHING_VERBS.has(verb) && !/\s--offline\b/.test(command.text)) return [`${where}: \`${verb}\` without --offline reaches the network; mark the block <!-- readme-test: skip: WHY -->`]
  return []
}

export interface CommandOutcome extends ReadmeCommand {
  code: number
  stdout: string
  stderr: string
}

/** What went wrong with a run command, headed by its README line, with its standard error; null when it did as written. */
export function commandFailure(outcome: CommandOutcome, file = 'README.md'): string | null {
  const said = `${file}:${outcome.line}: ${outcome.text}`
  if (outcome.code !== outcome.expectedCode) return `${said}\n  exited ${outcome.code}, not ${outcome.expectedCode}\n${outcome.stderr}`
  if (STACK_LINE.test(outcome.stderr)) return `${said}\n  printed a stack trace\n${outcome.stderr}`
  return null
}

// `npx eurowatch` and `eurowatch` are the built CLI; nothing else is reached through npx
const PRELUDE = [
  'npx() { if [ "$1" = eurowatch ]; then shift; node "$README_TEST_BIN" "$@"; else echo "readme-test: npx $1 is not run" >&2; return 127; fi; }',
  'eurowatch() { node "$README_TEST_BIN" "$@"; }',
  'set -o pipefail',
]

const exec = promisify(execFile)

/**
 * Runs the blocks' commands in order, in bash, in `folder` (shared by all of them), each line's
 * output captured apart; stops after the first command that does not end as declared. Returns
 * the outcomes of the commands it ran.
 */
export async function runBlocks(blocks: ReadmeBlock[], folder: string, bin: string, timeoutMs: number): Promise<CommandOutcome[]> {
  const commands = blocks.flatMap((block) => block.commands)
  const outputs = mkdtempSync(join(tmpdir(), 'eurowatch-readme-output-'))
  try {
    const script = [
      ...PRELUDE,
      ...commands.map((command, index) =>
        [
          `{ ${command.text}`,
          // no terminal and no input: a command that would ask for one fails instead of waiting
          `} </dev/null >"${outputs}/${index}.out" 2>"${outputs}/${index}.err"`,
          `code=$?; echo "$code" >"${outputs}/${index}.code"; [ "$code" = ${command.expectedCode} ] || exit 0`,
        ].join('\n'),
      ),
    ].join('\n')
    const path = join(outputs, 'block.sh')
    writeFileSync(path, `${script}\n`)
    await exec('bash', [path], { cwd: folder, timeout: timeoutMs, env: { ...process.env, DATABASE_URL: '', NO_COLOR: '1', README_TEST_BIN: bin } })
    const outcomes: CommandOutcome[] = []
    for (const [index, command] of commands.entries()) {
      const codeFile = join(outputs, `${index}.code`)
      if (!existsSync(codeFile)) break
      outcomes.push({ ...command, code: Number(readFileSync(codeFile, 'utf8').trim()), stdout: readFileSync(join(outputs, `${index}.out`), 'utf8'), stderr: readFileSync(join(outputs, `${index}.err`), 'utf8') })
    }
    return outcomes
  } finally {
    rmSync(outputs, { recursive: true, force: true })
  }
}

/** A folder as a fresh clone has it for the README's commands: the examples (no data a run left in them). */
export function freshClone(root: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'eurowatch-readme-clone-'))
  cpSync(join(root, 'examples'), join(folder, 'examples'), { recursive: true, filter: (source) => basename(source) !== '.eurowatch' })
  return folder
}

/** The run blocks in chains: a fresh block with the blocks that continue it. */
export function chains(blocks: ReadmeBlock[]): ReadmeBlock[][] {
  const result: ReadmeBlock[][] = []
  for (const block of blocks) {
    if (block.mode === 'skip') continue
    const last = result.at(-1)
    if (block.mode === 'continues' && last) last.push(block)
    else result.push([block])
  }
  return result
}
