import { Command } from 'commander'
import { lazyAction } from '../action.ts'

export const tokenCommand = new Command('token')
  .description('API tokens for `eurowatch serve`, sent as `Authorization: Bearer TOKEN`; each acts with its user\'s role')
  .addCommand(
    new Command('create')
      .description('create a token and print it, once: only its hash is stored')
      .requiredOption('--user <name>', 'the web user the token acts for')
      .option('--label <text>', 'what the token is for, shown by `token list`')
      .action(lazyAction(() => import('../actions/token-create.ts'))),
  )
  .addCommand(
    new Command('list')
      .description('the tokens: id, user, first characters, label, created, last used')
      .action(lazyAction(() => import('../actions/token-list.ts'))),
  )
  .addCommand(
    new Command('revoke')
      .description('delete a token: requests carrying it are refused from then on')
      .argument('<id>', 'the id `token list` shows')
      .action(lazyAction(() => import('../actions/token-revoke.ts'))),
  )
