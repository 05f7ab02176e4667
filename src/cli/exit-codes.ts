/** Exit codes a cron job or CI step can branch on (documented in the README). */
export const ExitCode = {
  ok: 0,
  /** Only with --exit-code: the run found changes (as `git diff --exit-code`). */
  changes: 1,
  /** A mistake in a flag, file, key, URL or the database address. */
  userError: 2,
  /** Some listing could not be crawled or parsed completely; what was stored is kept. */
  partial: 3,
  /** The run failed: nothing usable was crawled, or a bug. */
  failure: 4,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]
