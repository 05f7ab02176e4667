import type { Command } from 'commander'
import { listWebUsers } from '../../../db/web-access.ts'
import { LOCAL_USER } from '../../../domain/web-user.ts'
import { openReadOnlyContext } from '../context.ts'

export default async function userList(_raw: unknown, command: Command): Promise<void> {
  const context = await openReadOnlyContext(command)
  try {
    const users = await listWebUsers(context.db)
    if (users.length === 0) {
      process.stdout.write(`no web users: \`eurowatch serve\` acts for everyone as the admin "${LOCAL_USER}", on a loopback address only\n`)
      return
    }
    const width = Math.max(...users.map((user) => user.name.length))
    for (const user of users) process.stdout.write(`${user.name.padEnd(width)}  ${user.role.padEnd(6)}  added ${user.createdAt.toISOString()}\n`)
  } finally {
    await context.close()
  }
}
