import { Command, CommanderError, Option } from 'commander'
import { LayoutError, UserError } from '../domain/errors'
import { takeExitCode } from './action'
import { ExitCode } from './exit-codes'
import { crawlCommand } from './commands/crawl'
import { demoCommand } from './commands/demo'
import { diffCommand } from './commands/diff'
import { historyCommand } from './commands/history'
import { migrateCommand } from './commands/migrate'
import { parseCommand } from './commands/parse'
import { replicaCommand } from './commands/replica'
import { reportCommand } from './commands/report'
import { runCommand } from './commands/run'
import { scheduleCommand } from './commands/schedule'
import { sourcesCommand } from './commands/sources'

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
  .addCommand(crawlCommand)
  .addCommand(diffCommand)
  .addCommand(reportCommand)
  .addCommand(historyCommand)
  .addCommand(parseCommand)
  .addCommand(sourcesCommand)
  .addCommand(migrateCommand)
  .addCommand(replicaCommand)
  .addCommand(demoCommand)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()

for (const command of program.commands) command.exitOverride()

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
    process.stderr.write(`eurowatch: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`)
    return ExitCode.userError
  }
  if (error instanceof LayoutError) {
    process.stderr.write(`eurowatch: the page does not have the expected layout: ${error.message}\n`)
    return ExitCode.partial
  }
  // anything else is a bug: show where it happened
  process.stderr.write(`eurowatch: unexpected error\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  return ExitCode.failure
}
