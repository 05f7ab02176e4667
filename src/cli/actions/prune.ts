import type { Command } from 'commander'
import { z } from 'zod'
import { prunePageBodies } from '../../../jobs/prune.ts'
import { openCliContext } from '../context.ts'
import { durationFlag } from '../dates.ts'
import { parseOptions } from '../options.ts'

const Options = z.object({
  keepRawPages: durationFlag(),
  dryRun: z.boolean().default(false),
})

export default async function prune(raw: unknown, command: Command): Promise<void> {
  const options = parseOptions(Options, raw)
  const context = await openCliContext(command)
  try {
    const cutoff = new Date(Date.now() - options.keepRawPages.milliseconds)
    const result = await prunePageBodies(context.db, context.target, { cutoff, dryRun: options.dryRun })
    const lines = result.bodies.map((body) => `${body.sha256}  ${body.stored} bytes  ${body.lastFetchedAt?.toISOString() ?? 'never fetched'}  ${body.lastUrl ?? ''}`.trimEnd())
    const stored = result.bodies.reduce((sum, body) => sum + body.stored, 0)
    const count = `${result.bodies.length} raw page ${result.bodies.length === 1 ? 'body' : 'bodies'} (${stored} bytes stored)`
    const verdict = result.dryRun ? `${count} last fetched before ${cutoff.toISOString()} would be dropped` : `dropped ${count} last fetched before ${cutoff.toISOString()}`
    process.stdout.write([...(result.dryRun ? lines : []), verdict].join('\n') + '\n')
  } finally {
    await context.close()
  }
}
