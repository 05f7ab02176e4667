import { Command } from 'commander'
import { lazyAction } from '../action.ts'

export const alertsCommand = new Command('alerts')
  .description('check the alert set-up')
  .addCommand(
    new Command('test')
      .description('send one sample message through a subscription\'s channel (or "operator" for the operator channel)')
      .argument('<subscription>', 'a subscription name from the configuration, or operator')
      .action(lazyAction(() => import('../actions/alerts-test.ts'))),
  )
