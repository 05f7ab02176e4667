import { Command } from 'commander'
import { lazyAction } from '../action.ts'

export const doctorCommand = new Command('doctor')
  .description('check what a run needs on this machine: Node, the configuration, the database, a Chromium that launches, the replica, the alert channels (nothing sent)')
  .option('--json', 'print the checks as JSON')
  .action(lazyAction(() => import('../actions/doctor.ts')))
