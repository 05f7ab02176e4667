import { Command } from 'commander'
import { lazyAction } from '../action.ts'

export const workerCommand = new Command('worker')
  .description('take crawl jobs from the queue on PostgreSQL (DATABASE_URL) and crawl them; any number of workers on any number of machines (see `eurowatch enqueue`)')
  .option('--concurrency <n>', 'listings crawled at once by this worker', '1')
  .option('--poll-seconds <s>', 'how often an idle worker asks for a job', '2')
  .action(lazyAction(() => import('../actions/worker.ts')))
