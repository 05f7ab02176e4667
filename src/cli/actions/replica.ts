import { z } from 'zod'
import { startReplica, legacyTimeline } from '../../../replica/index.ts'
import { parseOptions } from '../options.ts'

const Options = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().default('127.0.0.1'),
  step: z.coerce.number().int().min(0).max(legacyTimeline.length - 1).default(0),
  archivePages: z.coerce.number().int().min(1).max(100_000).default(5),
})

export default async function serveReplica(raw: unknown): Promise<void> {
  const options = parseOptions(Options, raw)
  const replica = await startReplica(options)
  process.stdout.write(`replica of the EUROCITIES legacy site at ${replica.origin} (step ${replica.step})\n`)
  for (const step of legacyTimeline) process.stdout.write(`  step ${step.step}: ${step.description}\n`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await replica.close()
}
