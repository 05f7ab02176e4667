import { Command, CommanderError, Option } from 'commander'
import { LayoutError, OutputError, UserError } from '../../domain/errors.ts'
import { takeExitCode } from './action.ts'
import { ExitCode } from './exit-codes.ts'
import { standardOutputFailure } from './standard-output.ts'
import { alertsCommand } from './commands/alerts.ts'
import { backfillCommand } from './commands/backfill.ts'
import { crawlCommand } from './commands/crawl.ts'
import { deliverCommand } from './commands/deliver.ts'
import { demoCommand } from './commands/demo.ts'
import { diffCommand } from './commands/diff.ts'
import { doctorCommand } from './commands/doctor.ts'
import { exportCommand } from './commands/export.ts'
import { historyCommand } from './commands/history.ts'
import { migrateCommand } from './commands/migrate.ts'
import { parseCommand } from './commands/parse.ts'
import { pruneCommand } from './commands/prune.ts'
import { replicaCommand } from './commands/replica.ts'
import { reparseCommand } from './commands/reparse.ts'
import { reportCommand } from './commands/report.ts'
import { runCommand } from './commands/run.ts'
import { scheduleCommand } from './commands/schedule.ts'
import { serveCommand } from './commands/serve.ts'
import { snapshotCommand } from './commands/snapshot.ts'
import { stateCommand } from './commands/state.ts'
import { sourcesCommand } from './commands/sources.ts'
import { statusCommand } from './commands/status.ts'
import { tokenCommand } from './commands/token.ts'
import { userCommand } from './commands/user.ts'
import { workerCommand } from './commands/worker.ts'
import { enqueueCommand } from './commands/enqueue.ts'

const program = new Command('eurowatch')
  .description('watch the listing pages of the EUROCITIES network and report what is new, changed or gone')
  .version('0.1.0')
  .option('-c, --config <file>', 'configuration file (default: ./eurowatch.yaml if present, else the built-in defaults)')
  .addOption(
    new Option('--log-level <level>', 'structured log level on standard error (default: warn)').choices([
      'fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent',
    ]),
  )
  .addCommand(runCommand)
  .addCommand(scheduleCommand)
  .addCommand(serveCommand)
  .addCommand(workerCommand)
  .addCommand(enqueueCommand)
  .addCommand(crawlCommand)
  .addCommand(diffCommand)
  .addCommand(deliverCommand)
  .addCommand(statusCommand)
  .addCommand(alertsCommand)
  .addCommand(reportCommand)
  .addCommand(historyCommand)
  .addCommand(snapshotCommand)
  .addCommand(exportCommand)
  .addCommand(reparseCommand)
  .addCommand(backfillCommand)
  .addCommand(parseCommand)
  .addCommand(sourcesCommand)
  .addCommand(migrateCommand)
  .addCommand(pruneCommand)
  .addCommand(stateCommand)
  .addCommand(replicaCommand)
  .addCommand(demoCommand)
  .addCommand(doctorCommand)
  .addCommand(userCommand)
  .addCommand(tokenCommand)
  .configureOutput({ outputError: (message, write) => write(`eurowatch: ${commanderLine(message)}\n`) })
  .exitOverride()

for (const command of program.commands) {
  command.exitOverride().configureOutput({ outputError: (message, write) => write(`eurowatch: ${commanderLine(message)}\n`) })
  for (const subcommand of command.commands) subcommand.exitOverride().configureOutput({ outputError: (message, write) => write(`eurowatch: ${commanderLine(message)}\n`) })
}

/** commander's complaint about the command line, in our words and on one line. */
function commanderLine(message: string): string {
  const text = message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim()
  const choice = /^option '([^' ]+)[^']*' argument '(.*)' is invalid\. Allowed choices are (.*)\.$/.exec(text)
  if (choice) return `${choice[1]}: "${choice[2]}" is not one of ${choice[3]}`
  const missing = /^option '([^' ]+)[^']*' argument missing$/.exec(text)
  if (missing) return `${missing[1]}: a value is needed`
  const required = /^required option '([^' ]+)[^']*' not specified$/.exec(text)
  if (required) return `${required[1]} is required`
  return `${text.replace(/\.$/, '')} (see --help)`
}

// Whatever escapes every handler is a bug: exit 4 with its stack, never Node's default 1, which
// `run --exit-code` would read as "changes found".
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error: unknown) => {
    process.stderr.write(`eurowatch: unexpected error\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exit(ExitCode.failure)
  })
}

// A reader that stops early (`eurowatch sources | head -2`), a full disk: see standard-output.ts
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  const { line, code } = standardOutputFailure(error, typeof process.exitCode === 'number' ? process.exitCode : undefined)
  if (line !== null) process.stderr.write(`eurowatch: ${line}\n`)
  process.exit(code)
})

process.exitCode = await runCli()

async function runCli(): Promise<number> {
  try {
    await program.parseAsync(process.argv)
    return takeExitCode()
  } catch (error) {
    return exitCodeFor(error)
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander has printed the message (or the help) already
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.userError
  }
  if (error instanceof UserError) {
    process.stderr.write(`eurowatch: ${error.message}${error.hint ? ` (${error.hint})` : ''}\n`)
    return ExitCode.userError
  }
  if (error instanceof OutputError) {
    process.stderr.write(`eurowatch: ${error.message}\n`)
    return ExitCode.failure
  }
  if (error instanceof LayoutError) {
    process.stderr.write(`eurowatch: the page does not have the expected layout: ${error.message}\n`)
    return ExitCode.partial
  }
  // anything else is a bug: show where it happened
  process.stderr.write(`eurowatch: unexpected error\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  return ExitCode.failure
}
