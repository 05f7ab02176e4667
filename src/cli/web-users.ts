import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { listWebUsers } from '../../db/web-access.ts'
import { UserError } from '../../domain/errors.ts'

/** "no web user named X", with the names there are as the hint. */
export async function unknownWebUser(db: Kysely<Database>, verb: string, name: string): Promise<UserError> {
  const names = (await listWebUsers(db)).map((user) => user.name)
  return new UserError(`${verb}: no web user named "${name}"`, names.length === 0 ? 'there are no web users yet: `eurowatch user add NAME`' : `web users: ${names.join(', ')}`)
}
