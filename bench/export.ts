// Export of 10,000 stored pages to WARC beside a bare read of the same bodies from the database,
// each in a process of its own (its peak memory is its own; the speed is the best of three,
// alternating, and the CPU time is shown too: the machine is shared), on PGlite and on
// PostgreSQL. The bodies are the replica's archive pages, each made distinct, stored as a crawl
// stores them (brotli, content-addressed). Memory is flat when exporting a tenth of the pages
// peaks as high as exporting them all.
// Alone: `npx tsx bench/export.ts` (PostgreSQL too when DATABASE_URL or TEST_DATABASE_URL is set).
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { seedPageFetches } from '../tests/support/archive-seed.ts'
import { createDatabase } from './crawl.ts'
import { productNodeFlags } from './startup.ts'

const run = promisify(execFile)

export interface ExportFigures {
  backend: 'pglite' | 'postgres'
  pages: number
  bodyMb: number
  warcMb: number
  bareMbPerSecond: number
  exportMbPerSecond: number
  /** Export speed over bare-read speed (target >= 0.5). */
  ratio: number
  /** CPU seconds of the bare read and of the export (in their processes; a server's own is not counted). */
  bareCpuS: number
  exportCpuS: number
  bareRssMb: number
  exportRssMb: number
  /** Peak RSS exporting a tenth of the pages: flat memory peaks as high as for all of them. */
  tenthRssMb: number
}

interface ChildFigures {
  ms: number
  cpuMs: number
  bodyBytes: number
  fileBytes: number
  maxRssMb: number
}

export async function benchExport(backend: 'pglite' | 'postgres', options: { pages?: number; serverUrl?: string } = {}): Promise<ExportFigures> {
  const pages = options.pages ?? 10_000
  const dir = mkdtempSync(join(tmpdir(), 'eurowatch-bench-export-'))
  const database = backend === 'postgres' ? await createDatabase(options.serverUrl ?? '') : null
  try {
    const where = database?.url ?? join(dir, 'pglite')
    const times = await seedPageFetches(database ? { kind: 'postgres', url: database.url } : { kind: 'pglite', dataDir: where }, pages)
    const child = async (mode: 'bare' | 'warc', until: Date): Promise<ChildFigures> => {
      const { stdout } = await run('node', [...productNodeFlags(), '--import', 'tsx', 'bench/export-child.ts', mode, where, until.toISOString(), join(dir, 'bench.warc')], { maxBuffer: 10_000_000 })
      return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildFigures
    }
    const last = times.at(-1) ?? new Date()
    // alternating, best of three: the machine is shared, and both deserve its quietest moment
    const rounds: { bare: ChildFigures; warc: ChildFigures }[] = []
    for (let round = 0; round < 3; round += 1) rounds.push({ bare: await child('bare', last), warc: await child('warc', last) })
    const best = (mode: 'bare' | 'warc'): ChildFigures => {
      const all = rounds.map((round) => round[mode])
      return { ...all.reduce((a, b) => (b.ms < a.ms ? b : a)), maxRssMb: Math.max(...all.map((figures) => figures.maxRssMb)) }
    }
    const bare = best('bare')
    const exported = best('warc')
    const tenth = await child('warc', times[Math.floor(pages / 10) - 1] ?? last)
    const mbPerSecond = (figures: ChildFigures) => figures.bodyBytes / 1e6 / (figures.ms / 1000)
    return {
      backend,
      pages,
      bodyMb: Math.round(bare.bodyBytes / 1e6),
      warcMb: Math.round(exported.fileBytes / 1e6),
      bareMbPerSecond: Math.round(mbPerSecond(bare)),
      exportMbPerSecond: Math.round(mbPerSecond(exported)),
      ratio: Math.round((mbPerSecond(exported) / mbPerSecond(bare)) * 100) / 100,
      bareCpuS: Math.round(bare.cpuMs / 100) / 10,
      exportCpuS: Math.round(exported.cpuMs / 100) / 10,
      bareRssMb: Math.round(bare.maxRssMb),
      exportRssMb: Math.round(exported.maxRssMb),
      tenthRssMb: Math.round(tenth.maxRssMb),
    }
  } finally {
    await database?.drop()
    rmSync(dir, { recursive: true, force: true })
  }
}

export function formatExportBench(figures: ExportFigures): string {
  return (
    `export to WARC on ${figures.backend}: ${figures.pages} pages, ${figures.bodyMb} MB of bodies -> ${figures.warcMb} MB of WARC at ${figures.exportMbPerSecond} MB/s; ` +
    `bare read of the same bodies ${figures.bareMbPerSecond} MB/s; ratio ${figures.ratio.toFixed(2)} (target >= 0.5); CPU ${figures.exportCpuS} s (bare read ${figures.bareCpuS} s); ` +
    `peak RSS ${figures.exportRssMb} MB (bare read ${figures.bareRssMb} MB; a tenth of the pages ${figures.tenthRssMb} MB)`
  )
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const serverUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL
  for (const backend of ['pglite', ...(serverUrl ? ['postgres' as const] : [])] as const) console.log(formatExportBench(await benchExport(backend, { serverUrl })))
}
