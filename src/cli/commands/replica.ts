import { Command } from 'commander'
import { lazyAction } from '../action.ts'

export const replicaCommand = new Command('replica')
  .description('serve the offline replica of the EUROCITIES site on loopback until interrupted')
  .option('--port <n>', 'port to listen on (0: any free port)', '8080')
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--step <n>', 'timeline step to serve (0: the start; the steps are listed when it starts)', '0')
  .option('--archive-pages <n>', 'pages of the generated archive listing', '5')
  .action(lazyAction(() => import('../actions/replica.ts')))
