import { pino, type Logger, type LevelWithSilent } from 'pino'

export type { Logger }

/** Structured JSON logs on standard error, so standard output stays for reports and JSON. */
export function createLogger(level: LevelWithSilent): Logger {
  return pino(
    {
      level,
      base: undefined,
      // connection strings may carry passwords: never let them into a log line
      redact: { paths: ['databaseUrl', '*.databaseUrl', 'url.password'], censor: '***' },
    },
    pino.destination(2),
  )
}
