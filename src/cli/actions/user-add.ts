import type { Command } from 'commander'
import { z } from 'zod'
import { addWebUser, findWebUser } from '../../../db/web-access.ts'
import { UserError } from '../../../domain/errors.ts'
import { WEB_ROLES, webUserNameProblem } from '../../../domain/web-user.ts'
import { hashPassword } from '../../web/passwords.ts'
import { openCliContext } from '../context.ts'
import { parseOptions } from '../options.ts'
import { readNewPassword } from '../secret-input.ts'

const Options = z.object({ role: z.enum(WEB_ROLES, { error: `must be ${WEB_ROLES.join(' or ')}` }) })

export default async function userAdd(name: string, raw: unknown, command: Command): Promise<void> {
  const problem = webUserNameProblem(name)
  if (problem !== null) throw new UserError(`user add ${JSON.stringify(name)}: ${problem}`)
  const { role } = parseOptions(Options, raw)
  const context = await openCliContext(command)
  try {
    // said before the password is asked for, not after it was typed twice
    if ((await findWebUser(context.db, name)) !== null) throw new UserError(`user add: a web user named "${name}" exists already`, `\`eurowatch user password ${name}\` sets a new password`)
    const password = await readNewPassword({ fromEnvironment: context.env.EUROWATCH_PASSWORD, input: process.stdin, prompt: process.stderr })
    const added = await addWebUser(context.db, { name, role, passwordHash: await hashPassword(password) })
    if (added === null) throw new UserError(`user add: a web user named "${name}" exists already`)
    process.stdout.write(`added web user ${name} (${role})\n`)
  } finally {
    await context.close()
  }
}
