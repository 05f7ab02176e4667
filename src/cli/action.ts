import type { Command } from 'commander'
import { UserError } from '../../domain/errors.ts'
import { ExitCode, type ExitCodeValue } from './exit-codes.ts'

let pendingExitCode: ExitCodeValue = ExitCode.ok

/** What a verb does once its flags are parsed: commander's arguments, then the command. */
export type VerbAction<Args extends unknown[]> = (...args: [...Args, Command]) => Promise<ExitCodeValue | void>

/** Wraps a verb so that it returns its exit code instead of calling process.exit (cleanup must run). */
export function action<Args extends unknown[]>(run: VerbAction<Args>): (...args: [...Args, Command]) => Promise<void> {
  return async (...args) => {
    pendingExitCode = (await run(...args)) ?? ExitCode.ok
  }
}

/**
 * A verb whose work lives in a module loaded only when the verb runs: `--help` and the light
 * verbs never load crawlee, Playwright, the databases or the replica.
 */
export function lazyAction<Args extends unknown[]>(load: () => Promise<{ default: VerbAction<Args> }>): (...args: [...Args, Command]) => Promise<void> {
  return action<Args>(async (...args) => (await loadVerb(load)).default(...args))
}

/** A verb's chunk that is gone: dist/ rebuilt (its chunk names change) while this process ran. */
async function loadVerb<Module>(load: () => Promise<Module>): Promise<Module> {
  try {
    return await load()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error
    throw new UserError('the built CLI in dist/ changed while it ran (`npm run build`?): run the command again')
  }
}

export function takeExitCode(): ExitCodeValue {
  return pendingExitCode
}
