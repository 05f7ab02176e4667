// The CI examples (examples/ci/) work as written: the GitHub workflows pass the workflow schema
// (action-validator), the GitLab file parses and is a scheduled job with a cache, and every
// `npx eurowatch ...` line in them names a verb and flags the built CLI has.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { runCli } from '../cli/support/cli.ts'

const EXAMPLES = resolve(import.meta.dirname, '../../examples/ci')
const WORKFLOWS = readdirSync(join(EXAMPLES, 'github')).filter((name) => name.endsWith('.yml')).map((name) => join(EXAMPLES, 'github', name))
const GITLAB = join(EXAMPLES, 'gitlab-ci.yml')
const VALIDATOR = resolve(import.meta.dirname, '../../node_modules/.bin/action-validator')
const exec = promisify(execFile)

/** action-validator's verdict: null when the workflow is valid, else what it said. */
async function validateWorkflow(path: string): Promise<string | null> {
  try {
    await exec(VALIDATOR, [path], { env: { ...process.env, NO_COLOR: '1' } })
    return null
  } catch (error) {
    const failed = error as { code?: unknown; stderr?: string; stdout?: string }
    if (typeof failed.code !== 'number') throw error
    return `${failed.stdout ?? ''}${failed.stderr ?? ''}`
  }
}

interface Workflow {
  on: { schedule?: { cron: string }[] }
  concurrency?: { group: string; 'cancel-in-progress': boolean }
  jobs: Record<string, { steps: { uses?: string; run?: string; env?: Record<string, string> }[] }>
}

interface GitlabJob {
  rules: { if: string }[]
  resource_group?: string
  cache: { key: unknown; paths: string[]; when?: string }[]
  script: string[]
  artifacts: { paths: string[] }
}

/** Every `npx eurowatch ...` command in a script, as its words (quotes removed; up to a redirection, pipe or list operator). */
function eurowatchCommands(script: string): string[][] {
  return script.split('npx eurowatch ').slice(1).map((rest) => {
    const words: string[] = []
    for (const word of (rest.split('\n')[0] ?? '').matchAll(/"[^"]*"|'[^']*'|[^\s"']+/g)) {
      if (/^(>>?|\||&&|\|\||;)$/.test(word[0])) break
      words.push(word[0].replace(/^["']|["']$/g, ''))
    }
    return words
  })
}

/** The verb's words and its flags that `eurowatch VERB --help` (or the global help) does not list. */
async function unknownFlags(words: string[]): Promise<{ verb: string; unknown: string[] }> {
  const verb = words[0] === 'state' ? words.slice(0, 2) : words.slice(0, 1)
  const dir = mkdtempSync(join(tmpdir(), 'eurowatch-ci-example-'))
  try {
    const [help, globalHelp] = await Promise.all([runCli(dir, [...verb, '--help']), runCli(dir, ['--help'])])
    expect(help.code, `eurowatch ${verb.join(' ')} --help: ${help.stderr}`).toBe(0)
    const listed = (flag: string) => new RegExp(`(^|[\\s,])${flag}([\\s,=]|$)`, 'm')
    const flags = words.slice(verb.length).filter((word) => word.startsWith('--')).map((word) => word.split('=')[0] as string)
    return { verb: verb.join(' '), unknown: flags.filter((flag) => !listed(flag).test(help.stdout) && !listed(flag).test(globalHelp.stdout)) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('the CI examples', { timeout: 120_000 }, () => {
  it('GitHub: both workflows pass the workflow schema, and a broken one does not', async () => {
    expect(WORKFLOWS.length).toBe(2)
    for (const path of WORKFLOWS) expect(await validateWorkflow(path), path).toBeNull()
    const dir = mkdtempSync(join(tmpdir(), 'eurowatch-ci-example-'))
    try {
      const broken = join(dir, 'broken.yml')
      writeFileSync(broken, readFileSync(WORKFLOWS[0] as string, 'utf8').replace('cancel-in-progress: false', 'cancel-in-progress: later'))
      expect(await validateWorkflow(broken)).not.toBeNull()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('GitHub: scheduled, never overlapping, the state restored and saved, secrets from the repository', () => {
    for (const path of WORKFLOWS) {
      const workflow = parse(readFileSync(path, 'utf8')) as Workflow
      expect(workflow.on.schedule?.[0]?.cron, path).toMatch(/^\S+ \S+ \S+ \S+ \S+$/)
      expect(workflow.concurrency, path).toEqual({ group: 'eurowatch', 'cancel-in-progress': false })
      const steps = Object.values(workflow.jobs).flatMap((job) => job.steps)
      expect(steps.map((step) => step.uses).filter(Boolean), path).toEqual(expect.arrayContaining(['actions/checkout@v4', 'actions/setup-node@v4', 'actions/upload-artifact@v4']))
      const run = steps.find((step) => step.run?.includes('npx eurowatch run'))
      expect(run?.run, path).toContain('--state "$STATE" --exit-code --format markdown >> "$GITHUB_STEP_SUMMARY"')
      for (const secret of ['SMTP_USER', 'SMTP_PASSWORD', 'WEBHOOK_URL', 'WEBHOOK_SECRET']) expect(run?.env?.[secret], path).toBe(`\${{ secrets.${secret} }}`)
    }
    const byCache = parse(readFileSync(join(EXAMPLES, 'github/eurowatch-cache.yml'), 'utf8')) as Workflow
    const uses = Object.values(byCache.jobs).flatMap((job) => job.steps.map((step) => step.uses))
    expect(uses).toEqual(expect.arrayContaining(['actions/cache/restore@v4', 'actions/cache/save@v4']))
    const byBranch = readFileSync(join(EXAMPLES, 'github/eurowatch-state-branch.yml'), 'utf8')
    expect(byBranch).toContain('git push --force origin "$commit:refs/heads/state"')
  })

  it('GitLab: a scheduled job, one at a time, the state in its cache, the feed and pages as artifacts', () => {
    const { eurowatch: job } = parse(readFileSync(GITLAB, 'utf8')) as { eurowatch: GitlabJob }
    expect(job.rules.map((rule) => rule.if)).toContain('$CI_PIPELINE_SOURCE == "schedule"')
    expect(job.resource_group).toBe('eurowatch')
    expect(job.cache).toContainEqual({ key: 'eurowatch-state', paths: ['state/'], when: 'always' })
    expect(job.artifacts.paths).toEqual(['out/'])
    expect(job.script.join('\n')).toContain('npx eurowatch run --state "$STATE" --exit-code --format markdown')
  })

  it('names only verbs and flags the CLI has, in every example', async () => {
    const scripts = [
      ...WORKFLOWS.flatMap((path) => Object.values((parse(readFileSync(path, 'utf8')) as Workflow).jobs).flatMap((job) => job.steps.flatMap((step) => (step.run === undefined ? [] : [step.run])))),
      ...(parse(readFileSync(GITLAB, 'utf8')) as { eurowatch: GitlabJob }).eurowatch.script,
    ]
    const commands = scripts.flatMap(eurowatchCommands)
    expect(commands.map((words) => words.slice(0, words[0] === 'state' ? 2 : 1).join(' ')).sort()).toEqual(['export', 'export', 'export', 'run', 'run', 'run', 'state load', 'state load', 'state load'])
    for (const words of commands) expect(await unknownFlags(words), words.join(' ')).toEqual({ verb: expect.any(String), unknown: [] })
    // and the check catches a flag the CLI lacks
    expect((await unknownFlags(['run', '--state', 'x', '--exit-status'])).unknown).toEqual(['--exit-status'])
  })

  it('the configuration they run with is valid, its secrets from the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eurowatch-ci-example-'))
    try {
      const secrets = { SMTP_HOST: 'smtp.example.org', SMTP_USER: 'u', SMTP_PASSWORD: 'p', WEBHOOK_URL: 'https://hooks.example.org/x', WEBHOOK_SECRET: 'a-secret-of-32-characters-or-so!' }
      const sources = await runCli(dir, ['--config', join(EXAMPLES, 'eurowatch.yaml'), 'sources'], secrets)
      expect(sources.code, sources.stderr).toBe(0)
      expect(sources.stdout).toMatch(/latest/)
      const missing = await runCli(dir, ['--config', join(EXAMPLES, 'eurowatch.yaml'), 'sources'], { ...secrets, WEBHOOK_SECRET: '' })
      expect(missing.code).toBe(2)
      expect(missing.stderr).toContain('WEBHOOK_SECRET')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
