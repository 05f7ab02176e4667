import type { Command } from 'commander'
import { z } from 'zod'
import { createApiToken, findWebUser } from '../../../db/web-access.ts'
import { issueApiToken } from '../../web/secrets.ts'
import { openCliContext } from '../context.ts'
import { parseOptions } from '../options.ts'
import { unknownWebUser } from '../web-users.ts'

const Options = z.object({
  user: z.string().min(1),
  label: z.string().max(200, 'at most 200 characters').default(''),
})

export default async function tokenCreate(raw: unknown, command: Command): Promise<void> {
  const options = parseOptions(Options, raw)
  const context = await openCliContext(command)
  try {
    const user = await findWebUser(context.db, options.user)
    if (user === null) throw await unknownWebUser(context.db, 'token create --user', options.user)
    const token = issueApiToken()
    const id = await createApiToken(context.db, { userId: user.id, label: options.label, sha256: token.sha256, prefix: token.prefix })
    // the token alone on standard output, for `TOKEN=$(eurowatch token create ...)`
    process.stderr.write(`token ${id} for ${user.name} (${user.role}); shown this once, only its hash is kept:\n`)
    process.stdout.write(`${token.value}\n`)
  } finally {
    await context.close()
  }
}
