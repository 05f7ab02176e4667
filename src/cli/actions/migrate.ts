import type { Command } from 'commander'
import { openCliContext } from '../context.ts'
import { openJobQueue } from '../job-queue.ts'

export default async function migrate(_raw: unknown, command: Command): Promise<void> {
  const context = await openCliContext(command)
  try {
    // on PostgreSQL, the crawl queue's schema (pgboss) too, for `eurowatch worker`
    if (context.target.kind === 'postgres') await (await openJobQueue(context, 'migrate', { migrate: true, supervise: false })).stop({ graceful: false, wait: true })
  } finally {
    await context.close()
  }
  process.stdout.write(context.target.kind === 'postgres' ? 'database schema and crawl queue are up to date\n' : 'database schema is up to date\n')
}
