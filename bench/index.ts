// `npm run bench`: figures measured in one run on this machine, printed as ratios where a target is a ratio.
import { startReplica } from '../src/replica/index'
import { bareLoop, crawlFigures, fetchArchivePages, parseFigures } from './crawl'

const PAGES = Number(process.env.BENCH_PAGES ?? 1000)
const serverUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL
const replica = await startReplica({ port: 0, archivePages: PAGES })
const line = (text: string) => process.stdout.write(`${text}\n`)

try {
  const sample = await fetchArchivePages(replica, Math.min(PAGES, 200))
  const parse = parseFigures(sample)
  line(`parser: ${Math.round(parse.entriesPerSecond)} entries/s over ${sample.length} replica pages; time / bare cheerio.load = ${parse.ratioToLoad.toFixed(2)}`)

  const bare = await bareLoop(replica)
  const barePps = bare.pages / (bare.ms / 1000)
  line(`bare fetch+parse loop: ${bare.pages} pages, ${bare.entries} entries in ${(bare.ms / 1000).toFixed(1)} s = ${barePps.toFixed(0)} pages/s`)

  for (const backend of ['pglite', ...(serverUrl ? ['postgres' as const] : [])] as const) {
    const crawl = await crawlFigures(replica, backend, bare, serverUrl)
    line(
      `first crawl into ${backend}: ${crawl.pages} pages, ${crawl.entries} entries in ${(crawl.firstMs / 1000).toFixed(1)} s = ${crawl.pagesPerSecond.toFixed(0)} pages/s; ` +
        `ratio to bare loop ${crawl.ratioToBare.toFixed(2)} (target >= 0.5); peak RSS ${crawl.maxRssMb.toFixed(0)} MB (target < 400)`,
    )
    line(
      `unchanged re-crawl into ${backend}: ${crawl.secondPages} pages in ${(crawl.secondMs / 1000).toFixed(1)} s (first: ${(crawl.firstMs / 1000).toFixed(1)} s); ` +
        `${crawl.requests} requests served over both runs`,
    )
  }
} finally {
  await replica.close()
}
