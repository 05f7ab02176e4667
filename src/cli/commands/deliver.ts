import { Command } from 'commander'
import { lazyAction } from '../action.ts'

export const deliverCommand = new Command('deliver')
  .description('send what is due to the subscriptions (run and schedule do this after every diff): failed sends are retried with backoff, digests go out at their time')
  .action(lazyAction(() => import('../actions/deliver.ts')))
