import type { Command } from 'commander'
import { listApiTokens } from '../../../db/web-access.ts'
import { openReadOnlyContext } from '../context.ts'

export default async function tokenList(_raw: unknown, command: Command): Promise<void> {
  const context = await openReadOnlyContext(command)
  try {
    const tokens = await listApiTokens(context.db)
    if (tokens.length === 0) {
      process.stdout.write('no API tokens: `eurowatch token create --user NAME`\n')
      return
    }
    const idWidth = Math.max(...tokens.map((token) => String(token.id).length))
    const userWidth = Math.max(...tokens.map((token) => token.user.length))
    for (const token of tokens) {
      const used = token.lastUsedAt === null ? 'never used' : `last used ${token.lastUsedAt.toISOString()}`
      const fields = [String(token.id).padStart(idWidth), token.user.padEnd(userWidth), `${token.prefix}…`, `created ${token.createdAt.toISOString()}`, used, token.label]
      process.stdout.write(`${fields.join('  ').trimEnd()}\n`)
    }
  } finally {
    await context.close()
  }
}
