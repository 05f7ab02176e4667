// `eurowatch status` as text for a person, or as JSON for a script. Pure.
import type { WatchStatus } from '../../jobs/status.ts'
import { formatTime } from './fields.ts'
import { siteLine } from './site-text.ts'

export function renderStatusText(status: WatchStatus, context: { removeAfter: number; configured: string[] }): string {
  const lines: string[] = ['Listings']
  const known = new Map(status.listings.map((listing) => [listing.source, listing]))
  for (const source of context.configured) {
    const listing = known.get(source)
    if (listing === undefined || listing.lastRun === null) {
      lines.push(`  ${source}: never crawled`)
      continue
    }
    const reason = listing.reason ? ` (${siteLine(listing.reason)})` : ''
    const complete = listing.lastCompleteAt ? `last complete ${formatTime(listing.lastCompleteAt)}` : 'never complete'
    lines.push(`  ${source}: run ${listing.lastRun} ${listing.status}${reason}, ${listing.pages} pages, ${listing.entries} entries; ${complete}`)
    if (listing.status === 'incremental') {
      const since = listing.lastCompleteAt ? `the last full crawl (${formatTime(listing.lastCompleteAt)})` : 'no full crawl yet'
      lines.push(`    read incrementally up to its first page with nothing new: changes deeper down and removals since ${since} wait for the next full crawl`)
    }
  }

  const { total, entries } = status.awaitingRemoval
  lines.push('', `Awaiting removal (${total}): missed by a complete crawl, reported removed after ${context.removeAfter}`)
  for (const entry of entries) {
    lines.push(`  ${entry.source}: ${siteLine(entry.title ?? entry.key)} (last seen run ${entry.lastSeenRun}, missed ${entry.missedCrawls} of ${context.removeAfter})`)
  }
  if (total > entries.length) lines.push(`  … and ${total - entries.length} more (--json lists ${entries.length})`)

  lines.push('', 'Deliveries')
  if (status.deliveries.length === 0) lines.push('  no subscriptions')
  for (const channel of status.deliveries) {
    const next = channel.nextAttemptAt ? `; next attempt ${formatTime(channel.nextAttemptAt)}` : ''
    const last = channel.lastSentAt ? `; last sent ${formatTime(channel.lastSentAt)}` : ''
    lines.push(`  ${channel.subscription}: ${channel.sent} sent, ${channel.waiting} waiting, ${channel.pending} pending, ${channel.failing} failing, ${channel.dead} dead${last}${next}`)
    if ((channel.failing > 0 || channel.dead > 0) && channel.lastError) lines.push(`    last error: ${siteLine(channel.lastError)}`)
  }

  lines.push('', `Open problems (${status.problems.length})`)
  for (const problem of status.problems) {
    lines.push(`  ${problem.problem}: ${siteLine(problem.message)} (since ${formatTime(problem.openedAt)}, run ${problem.firstRun}; seen in ${problem.occurrences} run${problem.occurrences === 1 ? '' : 's'})`)
  }

  lines.push('', 'Schedule')
  const { scheduler } = status
  if (scheduler === null) lines.push('  `eurowatch schedule` is not running')
  else {
    const next = scheduler.nextRunAt ? `next run ${formatTime(scheduler.nextRunAt)}` : 'no next run'
    lines.push(`  "${scheduler.cron}" (${scheduler.timeZone}), pid ${scheduler.pid}: ${next} (as of ${formatTime(scheduler.updatedAt)})`)
  }
  const { queue } = status
  if (queue.listings.length > 0 || queue.workers.length > 0) {
    lines.push('', `Crawl queue (${queue.workers.length} worker${queue.workers.length === 1 ? '' : 's'} seen in the last minute)`)
    for (const worker of queue.workers) lines.push(`  worker ${worker.id}: ${worker.concurrency} at a time, ${worker.jobsDone} jobs done since ${formatTime(worker.startedAt)}`)
    for (const listing of queue.listings) lines.push(`  ${listing.source}: ${listing.queued} queued, ${listing.active} crawling, ${listing.failed} failed for good`)
  }
  return `${lines.join('\n')}\n`
}

export function renderStatusJson(status: WatchStatus): string {
  return `${JSON.stringify(status, null, 2)}\n`
}
