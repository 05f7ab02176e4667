import type { Command } from 'commander'
import { findWebUser, setWebUserPassword } from '../../../db/web-access.ts'
import { hashPassword } from '../../web/passwords.ts'
import { openCliContext } from '../context.ts'
import { readNewPassword } from '../secret-input.ts'
import { unknownWebUser } from '../web-users.ts'

export default async function userPassword(name: string, _raw: unknown, command: Command): Promise<void> {
  const context = await openCliContext(command)
  try {
    if ((await findWebUser(context.db, name)) === null) throw await unknownWebUser(context.db, 'user password', name)
    const password = await readNewPassword({ fromEnvironment: context.env.EUROWATCH_PASSWORD, input: process.stdin, prompt: process.stderr })
    if (!(await setWebUserPassword(context.db, name, await hashPassword(password)))) throw await unknownWebUser(context.db, 'user password', name)
    process.stdout.write(`set the password of ${name}; its browser sessions ended\n`)
  } finally {
    await context.close()
  }
}
