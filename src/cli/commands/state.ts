import { Command } from 'commander'
import { lazyAction } from '../action.ts'

export const stateCommand = new Command('state')
  .description('the embedded database as one file, for runners that start empty (CI): see also `run --state`')
  .addCommand(
    new Command('save')
      .description('write the whole PGlite database to one compressed file (beside it first, then renamed over it)')
      .argument('<file>', 'the state file, e.g. eurowatch-state.tar.gz')
      .action(lazyAction(() => import('../actions/state-save.ts'))),
  )
  .addCommand(
    new Command('load')
      .description('unpack a state file into the configured data directory, which must hold no database yet; an older schema is migrated')
      .argument('<file>', 'a file written by `state save` or `run --state`')
      .action(lazyAction(() => import('../actions/state-load.ts'))),
  )
  .addHelpText(
    'after',
    `
The file is the PGlite data directory as a gzip'd tar. A corrupt or truncated file, or one written
by a newer eurowatch, is refused (exit 2) and nothing is changed. Not for a PostgreSQL server
(DATABASE_URL): the server keeps the state.`,
  )
