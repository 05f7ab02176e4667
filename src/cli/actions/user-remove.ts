import type { Command } from 'commander'
import { removeWebUser } from '../../../db/web-access.ts'
import { openCliContext } from '../context.ts'
import { unknownWebUser } from '../web-users.ts'

export default async function userRemove(name: string, _raw: unknown, command: Command): Promise<void> {
  const context = await openCliContext(command)
  try {
    if (!(await removeWebUser(context.db, name))) throw await unknownWebUser(context.db, 'user remove', name)
    process.stdout.write(`removed web user ${name} with its tokens and sessions\n`)
  } finally {
    await context.close()
  }
}
