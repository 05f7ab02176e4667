import { z } from 'zod'
import { UserError } from '../../domain/errors.ts'

const EnvironmentSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  EUROWATCH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  CI: z.string().optional(),
  CHROMIUM_PATH: z.string().min(1).optional(),
  /** Where a system Chromium is looked for when none is configured. */
  PATH: z.string().optional(),
  /** Any non-empty value turns terminal colour off (https://no-color.org). */
  NO_COLOR: z.string().optional(),
  /** The password `user add` and `user password` set, for scripts (never a flag: argv is visible to all). */
  EUROWATCH_PASSWORD: z.string().optional(),
})

/** The environment variables eurowatch reads; secrets (DATABASE_URL) live here, never in the configuration file. */
export type Environment = z.infer<typeof EnvironmentSchema>

export function readEnvironment(env: NodeJS.ProcessEnv): Environment {
  // an empty variable (`DATABASE_URL= eurowatch run`) means unset, as in most shells' idiom
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''))
  const parsed = EnvironmentSchema.safeParse(set)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  // never echo the value: it may hold a password
  throw new UserError(`environment variable ${String(issue?.path[0] ?? '?')}: ${issue?.message ?? 'invalid'}`)
}
