import type { Command } from 'commander'
import { z } from 'zod'
import { runDoctor, type Check } from '../../../jobs/doctor.ts'
import { checkAlertTarget } from '../../alerts/alert-checks.ts'
import { alertTargetsOf } from '../../alerts/alert-targets.ts'
import { loadConfigRecordingUnset } from '../../config/load.ts'
import { globalOptions } from '../config-file.ts'
import { databaseTarget, environment } from '../context.ts'
import { selectSources } from '../crawl-setup.ts'
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts'
import { parseOptions } from '../options.ts'

const Options = z.object({ json: z.boolean().default(false) })

export default async function doctor(raw: unknown, command: Command): Promise<ExitCodeValue> {
  const options = parseOptions(Options, raw)
  const env = environment()
  // an unset ${NAME} is a failed check in the list, not a refusal: the rest is still checked
  const { loaded, unset } = loadConfigRecordingUnset(globalOptions(command).config)
  const sources = selectSources(loaded.config, undefined, undefined)
  const checks = await runDoctor({
    nodeVersion: process.versions.node,
    configuration: {
      file: loaded.file,
      listings: sources.length,
      inBrowser: sources.filter((source) => source.render === 'browser').length,
      unset: unset.map((variable) => variable.message),
    },
    database: databaseTarget(loaded, env),
    // as a run looks for its Chromium (see crawlSettings)
    chromium: { configured: env.CHROMIUM_PATH ?? loaded.config.browser.executablePath, searchPath: env.PATH },
    startReplica: async () => (await import('../../../replica/index.ts')).startReplica({ port: 0 }),
    checkAlerts: () => Promise.all(alertTargetsOf(loaded.config, loaded.baseDir, unset).map(checkAlertTarget)),
  })
  const healthy = checks.every((check) => check.status !== 'fail')
  process.stdout.write(options.json ? `${JSON.stringify({ healthy, checks }, null, 2)}\n` : formatChecks(checks, healthy))
  return healthy ? ExitCode.ok : ExitCode.failure
}

function formatChecks(checks: Check[], healthy: boolean): string {
  const width = Math.max(...checks.map((check) => check.name.length))
  const lines = checks.map((check) => `${check.status.padEnd(4)}  ${check.name.padEnd(width)}  ${check.detail}`)
  const failed = checks.filter((check) => check.status === 'fail').map((check) => check.name)
  lines.push(healthy ? 'ready to run' : `a run would break: ${failed.join(', ')}`)
  return `${lines.join('\n')}\n`
}
