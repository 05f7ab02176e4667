import type { Command } from 'commander'
import { ExitCode, type ExitCodeValue } from './exit-codes.ts'

let pendingExitCode: ExitCodeValue = ExitCode.ok

/** Wraps a verb so that it returns its exit code instead of calling process.exit (cleanup must run). */
export function action<Args extends unknown[]>(
  run: (...args: [...Args, Command]) => Promise<ExitCodeValue | void>,
): (...args: [...Args, Command]) => Promise<void> {
  return async (...args) => {
    pendingExitCode = (await run(...args)) ?? ExitCode.ok
  }
}

export function takeExitCode(): ExitCodeValue {
  return pendingExitCode
}
