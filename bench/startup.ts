// Start-up of the built CLI next to a bare `node -e ''` in the same run, and a report on an
// existing PGlite database next to a bare PGlite open of the same directory.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGLITE_SETTINGS } from '../db/connection.ts'

const BIN = fileURLToPath(new URL('../bin/eurowatch.js', import.meta.url))
const PEAK_RSS = fileURLToPath(new URL('./peak-rss.mjs', import.meta.url))
const ROUNDS = 9

export interface Timed {
  medianMs: number
  peakRssMb: number
}

export interface StartupFigures {
  bare: Timed
  help: Timed
  sources: Timed
  pgliteOpen: Timed
  report: Timed
}

export function benchStartup(): StartupFigures {
  const dir = mkdtempSync(join(tmpdir(), 'eurowatch-bench-startup-'))
  try {
    const config = join(dir, 'eurowatch.yaml')
    writeFileSync(config, readFileSync(new URL('../examples/eurocities-legacy.yaml', import.meta.url)))
    // the demo's data: the legacy replica crawled at the start of its timeline and after it moved on
    for (const step of ['0', '4', '4']) cli(['run', '--offline', '--step', step, '--config', config], dir)
    const dataDir = join(dir, '.eurowatch', 'pglite')
    return {
      bare: timed(['-e', '']),
      help: timed([...productNodeFlags(), BIN, '--help']),
      sources: timed([...productNodeFlags(), BIN, 'sources', '--config', config]),
      pgliteOpen: timed(['--input-type=module', '-e', `const { PGlite } = await import('@electric-sql/pglite'); const db = await PGlite.create(${JSON.stringify(dataDir)}, { startParams: [...PGlite.defaultStartParams, ...${JSON.stringify(PGLITE_SETTINGS)}] }); await db.query('select 1'); await db.close()`]),
      report: timed([...productNodeFlags(), BIN, 'report', '--config', config], dir),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function formatStartup(f: StartupFigures): string[] {
  const ms = (t: Timed) => `${t.medianMs.toFixed(0)} ms, ${t.peakRssMb.toFixed(0)} MB`
  return [
    `bare node -e '': ${ms(f.bare)}`,
    `eurowatch --help: ${ms(f.help)}; ratio to bare node ${(f.help.medianMs / f.bare.medianMs).toFixed(1)} (target <= 3)`,
    `eurowatch sources: ${ms(f.sources)}; ratio to bare node ${(f.sources.medianMs / f.bare.medianMs).toFixed(1)} (target <= 2)`,
    // the bare open with the start parameters eurowatch uses (a smaller buffer cache: the cheaper open)
    `bare PGlite open and query of the demo's data directory: ${ms(f.pgliteOpen)}`,
    `eurowatch report on it: ${ms(f.report)} (target < 1500 ms and 250 MB); ratio to the bare open ${(f.report.medianMs / f.pgliteOpen.medianMs).toFixed(2)} (target <= 1.3)`,
  ]
}

/** The median wall time of `node ARGS` over several rounds, and its peak RSS. */
function timed(args: string[], cwd = process.cwd()): Timed {
  const times: number[] = []
  let peakKb = 0
  for (let round = 0; round < ROUNDS; round += 1) {
    const started = performance.now()
    const result = spawnSync('node', ['--import', PEAK_RSS, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', DATABASE_URL: '' } })
    times.push(performance.now() - started)
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`)
    peakKb = Math.max(peakKb, Number(/peak-rss-kb (\d+)/.exec(result.stderr)?.[1] ?? 0))
  }
  times.sort((a, b) => a - b)
  return { medianMs: times[Math.floor(times.length / 2)] ?? 0, peakRssMb: peakKb / 1024 }
}

function cli(args: string[], cwd: string): void {
  const result = spawnSync('node', [...productNodeFlags(), BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', DATABASE_URL: '' } })
  // 0: no changes, 1 never (no --exit-code); a partial run would make the figures meaningless
  if (result.status !== 0) throw new Error(`eurowatch ${args.join(' ')} exited ${result.status}: ${result.stderr}`)
}

/** The node flags bin/eurowatch.js runs with (its shebang), so the benchmark measures the product as users run it. */
export function productNodeFlags(): string[] {
  const shebang = readFileSync(BIN, 'utf8').split('\n')[0] ?? ''
  return shebang.split(/\s+/).filter((part) => part.startsWith('--'))
}
