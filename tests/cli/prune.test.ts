// `eurowatch prune` as a user runs it: its help, a duration it cannot read (one line, exit 2),
// a dry run that lists and drops nothing, then the prune, then a second one that drops nothing.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LEGACY_CONFIG_EVERY_CRAWL_FULL, runCli, useWorkDir } from './support/cli.ts'


describe('eurowatch prune', { timeout: 300_000 }, () => {
  const workDir = useWorkDir('eurowatch-prune-')

  it('names its flags in --help and says in one line when the duration is not one', async () => {
    const help = await runCli(workDir(), ['prune', '--help'])
    expect(help.code).toBe(0)
    for (const flag of ['--keep-raw-pages <duration>', '--dry-run', 'latest read']) expect(help.stdout).toContain(flag)
    const bad = await runCli(workDir(), ['prune', '--keep-raw-pages', 'a month'])
    expect(bad.code).toBe(2)
    expect(bad.stdout).toBe('')
    expect(bad.stderr.trim().split('\n')[0]).toMatch(/^eurowatch: --keep-raw-pages: not a duration: "a month"/)
    expect(bad.stderr).not.toMatch(/\n\s+at /)
    const missing = await runCli(workDir(), ['prune'])
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toContain('--keep-raw-pages')
  })

  it('drops nothing of recent crawls, and lists then drops the superseded bodies, once', async () => {
    writeFileSync(join(workDir(), 'eurowatch.yaml'), LEGACY_CONFIG_EVERY_CRAWL_FULL)
    expect((await runCli(workDir(), ['crawl', '--offline', '--step', '0'])).code).toBe(0)
    expect((await runCli(workDir(), ['crawl', '--offline', '--step', '2'])).code).toBe(0)
    expect((await runCli(workDir(), ['crawl', '--offline', '--step', '4'])).code).toBe(0)
    const recent = await runCli(workDir(), ['prune', '--keep-raw-pages', '30d'])
    expect(recent).toMatchObject({ code: 0, stdout: expect.stringMatching(/^dropped 0 raw page bodies \(0 bytes stored\) last fetched before /) })

    // the smallest duration, once the crawls aged a moment
    await new Promise((done) => setTimeout(done, 1_100))
    const dry = await runCli(workDir(), ['prune', '--keep-raw-pages', 'PT1S', '--dry-run'])
    expect(dry.code).toBe(0)
    const lines = dry.stdout.trim().split('\n')
    const summary = /^(\d+) raw page bodies \((\d+) bytes stored\) last fetched before .* would be dropped$/.exec(lines.at(-1) ?? '')
    expect(summary).not.toBeNull()
    // step 2 shifted the later pages of social-innovation (new entries above them, no new version
    // on them) and step 4 shifted them again (a removal): the step-2 bodies of those pages go
    expect(Number(summary?.[1])).toBeGreaterThan(0)
    expect(Number(summary?.[1])).toBe(lines.length - 1)
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^[0-9a-f]{64}  \d+ bytes  \d{4}-\d\d-\d\dT.*Z  http:\/\/www\.eurocities\.eu\//)

    const pruned = await runCli(workDir(), ['prune', '--keep-raw-pages', 'PT1S'])
    expect(pruned.stdout).toBe(`dropped ${summary?.[1]} raw page ${summary?.[1] === '1' ? 'body' : 'bodies'} (${summary?.[2]} bytes stored) last fetched before ${/before (\S+)/.exec(pruned.stdout)?.[1]}\n`)
    const again = await runCli(workDir(), ['prune', '--keep-raw-pages', 'PT1S'])
    expect(again.stdout).toMatch(/^dropped 0 raw page bodies \(0 bytes stored\)/)
    // what it kept still reads: the listing as it stood after step 2
    const snapshot = await runCli(workDir(), ['snapshot', 'social-innovation', '--as-of', '2099-12-31', '--format', 'json'])
    expect(snapshot.code).toBe(0)
  })
})
