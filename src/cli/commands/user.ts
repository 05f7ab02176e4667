import { Command, Option } from 'commander'
import { WEB_ROLES } from '../../../domain/web-user.ts'
import { lazyAction } from '../action.ts'

const PASSWORD_HELP = `
The password comes from EUROWATCH_PASSWORD when set, else it is typed at the terminal (twice, not
shown), else read as the first line of standard input: \`printf '%s\\n' "$PW" | eurowatch user add ann\`.
It is never a flag: the arguments of a command are visible to every user of the machine.`

export const userCommand = new Command('user')
  .description('the people who may use `eurowatch serve`: while there are none, it acts for everyone as the admin "local" (loopback only)')
  .addCommand(
    new Command('add')
      .description('add a web user with a password (see below)')
      .argument('<name>', 'the login name')
      // no .choices(): parseOptions says what is wrong in one line and exits 2, like every verb
      .addOption(new Option('--role <role>', `${WEB_ROLES.join(' or ')}: a viewer reads; an admin may also crawl now and resend deliveries`).default('viewer'))
      .addHelpText('after', PASSWORD_HELP)
      .action(lazyAction(() => import('../actions/user-add.ts'))),
  )
  .addCommand(
    new Command('list')
      .description('the web users, their roles and when they were added')
      .action(lazyAction(() => import('../actions/user-list.ts'))),
  )
  .addCommand(
    new Command('remove')
      .description('remove a web user with its API tokens and sessions')
      .argument('<name>', 'the login name')
      .action(lazyAction(() => import('../actions/user-remove.ts'))),
  )
  .addCommand(
    new Command('password')
      .description("set a web user's password (see below); the user's browser sessions end")
      .argument('<name>', 'the login name')
      .addHelpText('after', PASSWORD_HELP)
      .action(lazyAction(() => import('../actions/user-password.ts'))),
  )
