import { once } from 'node:events'

/** Resolves at the first SIGINT or SIGTERM (Ctrl-C, systemd's stop), and stops listening for either. */
export async function stopRequested(): Promise<void> {
  const listening = new AbortController()
  try {
    await Promise.race([once(process, 'SIGINT', { signal: listening.signal }), once(process, 'SIGTERM', { signal: listening.signal })])
  } finally {
    listening.abort()
  }
}
