import type { Command } from 'commander'
import { z } from 'zod'
import { revokeApiToken } from '../../../db/web-access.ts'
import { UserError } from '../../../domain/errors.ts'
import { openCliContext } from '../context.ts'

const TokenId = z.coerce.number().int().positive()

export default async function tokenRevoke(rawId: string, _raw: unknown, command: Command): Promise<void> {
  const id = TokenId.safeParse(rawId)
  if (!id.success) throw new UserError(`token revoke: "${rawId}" is not a token id`, '`eurowatch token list` shows the ids')
  const context = await openCliContext(command)
  try {
    if (!(await revokeApiToken(context.db, id.data))) throw new UserError(`token revoke: no API token with id ${id.data}`, '`eurowatch token list` shows the ids')
    process.stdout.write(`revoked API token ${id.data}\n`)
  } finally {
    await context.close()
  }
}
