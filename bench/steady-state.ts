// The steady state on PGlite: an unchanged incremental re-run of the demo's four legacy listings
// with the installed CLI, beside the bare minimum of the same job (steady-state-bare.mjs: the same
// data directory opened, the same conditional requests, one query). Each round copies the data
// directory of one first run twice, and runs the two in turns (the order alternating); the ratio
// is the median of each round's pair. Wall time, CPU time and peak RSS as bench/urlwatch.ts reads them.
// Alone: `npx tsx bench/steady-state.ts` (after `npm run build`); BENCH_STEADY_ROUNDS sets the rounds (5).
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { startReplica } from '../replica/index.ts'
import { eurowatchRunner, LEGACY_LISTING_PATHS, measured, median, type Command, type RunFigures } from './urlwatch.ts'

const BARE = fileURLToPath(new URL('./steady-state-bare.mjs', import.meta.url))

export interface SteadyStateBench {
  rounds: number
  rerun: RunFigures
  bare: RunFigures
  /** Median over the rounds of the re-run's wall time over the bare minimum's. */
  ratio: number
  cpuRatio: number
}

export async function benchSteadyState(rounds = Number(process.env.BENCH_STEADY_ROUNDS ?? 5)): Promise<SteadyStateBench> {
  const replica = await startReplica({ port: 0 })
  const dir = mkdtempSync(join(tmpdir(), 'eurowatch-bench-steady-'))
  try {
    const first = join(dir, 'first')
    const runner = (state: string) => eurowatchRunner(replica, state, undefined)
    mkdirSync(first)
    await measured(replica, first, runner(first))
    const listings = LEGACY_LISTING_PATHS.map((path) => replica.origin + path)
    const pairs: { rerun: RunFigures; bare: RunFigures }[] = []
    for (let round = 0; round < rounds; round += 1) {
      const states = { rerun: copyOf(first, join(dir, `rerun-${round}`)), bare: copyOf(first, join(dir, `bare-${round}`)) }
      const commands: Record<'rerun' | 'bare', Command> = {
        rerun: runner(states.rerun),
        bare: { file: 'node', args: [BARE, join(states.bare, 'pglite'), replica.origin, JSON.stringify(listings)], env: { ...process.env } },
      }
      const order = round % 2 === 0 ? (['rerun', 'bare'] as const) : (['bare', 'rerun'] as const)
      const figures: Partial<Record<'rerun' | 'bare', RunFigures>> = {}
      for (const kind of order) figures[kind] = await measured(replica, states[kind], commands[kind])
      if (figures.rerun === undefined || figures.bare === undefined) throw new Error('a round without its two runs')
      if (figures.rerun.requests !== figures.bare.requests) throw new Error(`the re-run sent ${figures.rerun.requests} requests, the bare minimum ${figures.bare.requests}`)
      pairs.push({ rerun: figures.rerun, bare: figures.bare })
      rmSync(states.rerun, { recursive: true, force: true })
      rmSync(states.bare, { recursive: true, force: true })
    }
    const medianOf = (runs: RunFigures[]): RunFigures => ({
      ms: median(runs.map((run) => run.ms)),
      cpuMs: median(runs.map((run) => run.cpuMs)),
      rssMb: median(runs.map((run) => run.rssMb)),
      requests: median(runs.map((run) => run.requests)),
      notModified: median(runs.map((run) => run.notModified)),
      bytes: median(runs.map((run) => run.bytes)),
    })
    return {
      rounds,
      rerun: medianOf(pairs.map((pair) => pair.rerun)),
      bare: medianOf(pairs.map((pair) => pair.bare)),
      ratio: median(pairs.map((pair) => pair.rerun.ms / pair.bare.ms)),
      cpuRatio: median(pairs.map((pair) => pair.rerun.cpuMs / pair.bare.cpuMs)),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await replica.close()
  }
}

export function formatSteadyState(bench: SteadyStateBench): string[] {
  const run = (figures: RunFigures) =>
    `${(figures.ms / 1000).toFixed(2)} s, CPU ${(figures.cpuMs / 1000).toFixed(2)} s, peak RSS ${figures.rssMb.toFixed(0)} MB, ${figures.requests} requests (${figures.notModified} answered 304)`
  return [
    `${bench.rounds} paired rounds, medians`,
    `eurowatch run, unchanged incremental re-run on PGlite: ${run(bench.rerun)}`,
    `bare minimum (PGlite open, one query, the same conditional requests): ${run(bench.bare)}`,
    `ratio to the bare minimum: wall time ${bench.ratio.toFixed(2)} (target <= 1.5), CPU ${bench.cpuRatio.toFixed(2)}`,
  ]
}

function copyOf(state: string, to: string): string {
  cpSync(join(state, 'pglite'), join(to, 'pglite'), { recursive: true })
  return to
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of formatSteadyState(await benchSteadyState())) console.log(line)
}
