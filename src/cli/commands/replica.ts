import { Command } from 'commander'
import { z } from 'zod'
import { startReplica, legacyTimeline } from '../../../replica/index.ts'
import { action } from '../action.ts'
import { parseOptions } from '../options.ts'

const Options = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().default('127.0.0.1'),
  step: z.coerce.number().int().min(0).max(legacyTimeline.length - 1).default(0),
  archivePages: z.coerce.number().int().min(1).max(100_000).default(5),
})

export const replicaCommand = new Command('replica')
  .description('serve the offline replica of the EUROCITIES site on loopback until interrupted')
  .option('--port <n>', 'port to listen on (0: any free port)', '8080')
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--step <n>', `timeline step to serve (0-${legacyTimeline.length - 1})`, '0')
  .option('--archive-pages <n>', 'pages of the generated archive listing', '5')
  .action(
    action(async (raw: unknown) => {
      const options = parseOptions(Options, raw)
      const replica = await startReplica(options)
      process.stdout.write(`replica of the EUROCITIES legacy site at ${replica.origin} (step ${replica.step})\n`)
      for (const step of legacyTimeline) process.stdout.write(`  step ${step.step}: ${step.description}\n`)
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve)
        process.once('SIGTERM', resolve)
      })
      await replica.close()
    }),
  )
