import type { z } from 'zod'
import '../config/zod-messages.ts'
import { UserError } from '../../domain/errors.ts'

/** Validates a verb's flags at the edge; the first problem becomes one line naming the flag. */
export function parseOptions<Schema extends z.ZodType>(schema: Schema, raw: unknown): z.infer<Schema> {
  const parsed = schema.safeParse(raw)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const flag = issue?.path.length ? `--${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : 'options'
  throw new UserError(`${flag}: ${issue?.message ?? 'invalid value'}`)
}
