import type { Command } from 'commander'
import { deliverPending, registerSubscriptions } from '../../../jobs/deliver.ts'
import { runExclusively } from '../../../jobs/exclusive.ts'
import { UserError } from '../../../domain/errors.ts'
import { openCliContext } from '../context.ts'
import { describeDelivery } from '../delivery-line.ts'
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts'
import { withOutbox } from '../outbox.ts'

export default async function deliver(_raw: unknown, command: Command): Promise<ExitCodeValue> {
  const context = await openCliContext(command)
  try {
    const deps = { db: context.db, now: () => new Date(), log: context.log }
    const summary = await withOutbox(context.loaded, async (outbox) => {
      if (outbox === null) throw new UserError('no subscriptions and no operator channel in the configuration', 'see "Alerts" in the README')
      const send = async () => {
        await registerSubscriptions(deps, outbox.subscribers)
        return deliverPending(deps, outbox)
      }
      // PostgreSQL: deliverers lock the messages they send (SKIP LOCKED), so several may run at once;
      // PGlite has one writer: the run lock
      return context.target.kind === 'pglite' ? runExclusively(deps, context.target, send) : send()
    })
    process.stdout.write(describeDelivery(summary))
    return summary.failed + summary.dead > 0 ? ExitCode.partial : ExitCode.ok
  } finally {
    await context.close()
  }
}
