// One line on standard error about what a run sent: the report on standard output stays the report.
import type { DeliverySummary } from '../../jobs/deliver.ts'

export function describeDelivery(summary: DeliverySummary): string {
  const failing = [...summary.bySubscription].filter(([, tally]) => tally.lastError !== null)
  const problems = failing.map(([name, tally]) => `${name}: ${tally.dead > 0 ? 'given up' : 'will retry'}: ${tally.lastError}`)
  return `deliveries: ${summary.sent} sent, ${summary.failed} failed, ${summary.dead} given up${problems.length ? ` (${problems.join('; ')})` : ''}\n`
}
