/** What a web user may do: a viewer reads, an admin also starts crawls and resends deliveries. */
export const WEB_ROLES = ['viewer', 'admin'] as const
export type WebRole = (typeof WEB_ROLES)[number]

/** Who the server acts for while no web user exists (on a loopback address only). */
export const LOCAL_USER = 'local'

/** Why a name cannot be a web user's, or null when it can. */
export function webUserNameProblem(name: string): string | null {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(name)) return 'a user name is 1-64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit'
  if (name === LOCAL_USER) return `"${LOCAL_USER}" is the implicit admin of a server without users`
  return null
}
