import { Command } from 'commander'
import { lazyAction } from '../action.ts'

export const demoCommand = new Command('demo')
  .description('eurowatch at work on the bundled replica: a first run, the site changes, the report (its database kept in .eurowatch/demo for `serve --offline`)')
  .action(lazyAction(() => import('../actions/demo.ts')))
