import type { Environment } from '../config/environment.ts'

/**
 * A progress line for long crawls, rewritten in place on standard error, only on a terminal
 * and never in CI (CI=true): logs and reports stay clean.
 */
export function terminalProgress(env: Environment, stream: NodeJS.WriteStream = process.stderr): {
  progress?: (stored: { pages: number; newEntries: number }) => void
  done(): void
} {
  if (!stream.isTTY || (env.CI !== undefined && env.CI !== 'false')) return { done: () => undefined }
  let shown = false
  return {
    progress: ({ pages, newEntries }) => {
      shown = true
      stream.write(`\r\u001b[2Kcrawling: ${pages} pages stored, ${newEntries} new entries`)
    },
    done: () => {
      if (shown) stream.write('\r\u001b[2K')
    },
  }
}
