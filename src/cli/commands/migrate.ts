import { Command } from 'commander'
import { action } from '../action.ts'
import { openCliContext } from '../context.ts'

export const migrateCommand = new Command('migrate')
  .description('create or upgrade the database schema (every storing verb also does this first)')
  .action(
    action(async (_raw: unknown, command: Command) => {
      const context = await openCliContext(command)
      await context.close()
      process.stdout.write('database schema is up to date\n')
    }),
  )
