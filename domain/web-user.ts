/** What a web user may do: a viewer reads, an admin also starts crawls and resends deliveries. */
export const WEB_ROLES = ['viewer', 'admin'] as const
export type WebRole = (typeof WEB_ROLES)[number]
