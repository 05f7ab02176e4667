import type { Command } from 'commander'
import { openCliContext } from '../context.ts'


export default async function migrate(_raw: unknown, command: Command): Promise<void> {
  const context = await openCliContext(command)
  await context.close()
  process.stdout.write('database schema is up to date\n')
}
