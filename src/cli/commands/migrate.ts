import { Command } from 'commander'
import { lazyAction } from '../action.ts'

export const migrateCommand = new Command('migrate')
  .description('create or upgrade the database schema (every storing verb also does this first)')
  .action(lazyAction(() => import('../actions/migrate.ts')))
