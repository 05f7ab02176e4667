// What a failed write to standard output means. A reader that stops early (`eurowatch sources |
// head -2`) closes the pipe: for text meant for reading that ends the output, quietly, with the
// verb's own exit code. An export is data meant whole: cut short, it failed (exit 4), as when it
// is interrupted. Any other failure (a full disk: ENOSPC) is a failure of every verb.
import { ExitCode } from './exit-codes.ts'

let wholeOutput: string | null = null

/** From now on, standard output cut short by a closed pipe is a failure of `what` (e.g. "the export"). */
export function requireWholeOutput(what: string): void {
  wholeOutput = what
}

/** The one line to say (null: nothing) and the exit code, for an error of standard output. */
export function standardOutputFailure(error: NodeJS.ErrnoException, exitCode: number | undefined): { line: string | null; code: number } {
  if (error.code === 'EPIPE' && wholeOutput === null) return { line: null, code: exitCode ?? ExitCode.ok }
  const line =
    error.code === 'EPIPE'
      ? `standard output was closed before ${wholeOutput} was complete (EPIPE): the output is incomplete`
      : `cannot write standard output: ${error.message}`
  return { line, code: ExitCode.failure }
}
