import { resolve } from 'node:path'
import type { Command } from 'commander'
import { targetRefusal } from '../../../channels/file-target.ts'
import { z } from 'zod'
import { runDoctor, type Check } from '../../../jobs/doctor.ts'
import type { Config } from '../../config/schema.ts'
import { loadCliConfig } from '../config-file.ts'
import { databaseTarget, environment } from '../context.ts'
import { selectSources } from '../crawl-setup.ts'
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts'
import { parseOptions } from '../options.ts'

const Options = z.object({ json: z.boolean().default(false) })

export default async function doctor(raw: unknown, command: Command): Promise<ExitCodeValue> {
  const options = parseOptions(Options, raw)
  const env = environment()
  const loaded = loadCliConfig(command)
  const sources = selectSources(loaded.config, undefined, undefined)
  const checks = await runDoctor({
    nodeVersion: process.versions.node,
    configuration: {
      file: loaded.file,
      listings: sources.length,
      inBrowser: sources.filter((source) => source.render === 'browser').length,
      refusedFeedPaths: await refusedFeedPaths(loaded.config, loaded.baseDir),
    },
    database: databaseTarget(loaded, env),
    // as a run looks for its Chromium (see crawlSettings)
    chromium: { configured: env.CHROMIUM_PATH ?? loaded.config.browser.executablePath, searchPath: env.PATH },
    startReplica: async () => (await import('../../../replica/index.ts')).startReplica({ port: 0 }),
  })
  const healthy = checks.every((check) => check.status !== 'fail')
  process.stdout.write(options.json ? `${JSON.stringify({ healthy, checks }, null, 2)}\n` : formatChecks(checks, healthy))
  return healthy ? ExitCode.ok : ExitCode.failure
}

/** Feed channels (subscriptions and the operator's) whose path is a link, a device, a FIFO or a directory. */
async function refusedFeedPaths(config: Config, baseDir: string): Promise<{ subscription: string; path: string; refusal: string }[]> {
  const channels = [...config.subscriptions.map((s) => ({ subscription: s.name, channel: s.channel })), ...(config.operator ? [{ subscription: 'operator', channel: config.operator.channel }] : [])]
  const refused = await Promise.all(
    channels.map(async ({ subscription, channel }) => {
      if (channel.type !== 'feed') return []
      const path = resolve(baseDir, channel.path)
      const refusal = await targetRefusal(path)
      return refusal === null ? [] : [{ subscription, path, refusal }]
    }),
  )
  return refused.flat()
}

function formatChecks(checks: Check[], healthy: boolean): string {
  const width = Math.max(...checks.map((check) => check.name.length))
  const lines = checks.map((check) => `${check.status.padEnd(4)}  ${check.name.padEnd(width)}  ${check.detail}`)
  const failed = checks.filter((check) => check.status === 'fail').map((check) => check.name)
  lines.push(healthy ? 'ready to run' : `a run would break: ${failed.join(', ')}`)
  return `${lines.join('\n')}\n`
}
