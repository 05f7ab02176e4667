// A subscription's feed file: after each run, the newest changes delivered to it, rewritten
// whole as Atom, RSS or JSON Feed for a feed reader or a web server to pick up.
import { writeFileAtomically } from '../../channels/atomic-file.ts'
import type { Alert, AlertChannel } from '../../domain/alert.ts'
import { buildReport, reportEvents } from '../../domain/change-report.ts'
import type { ChangeEvent } from '../../domain/change.ts'
import type { FeedChannelConfig } from '../config/schema.ts'
import { renderFeed } from '../reports/feed.ts'

export function feedFileChannel(config: FeedChannelConfig, path: string): AlertChannel {
  return {
    description: `${config.format} feed ${path}`,
    historyItems: config.maxItems,
    async send(alert) {
      // an operator message has no entries to show; a test writes its sample, to see the file appear
      if (alert.kind === 'operator') return
      const events: ChangeEvent[] = alert.kind === 'test' ? reportEventsOf(alert) : alert.history
      const report = buildReport(events, [], [], { runIds: [...new Set(events.map((event) => event.runId))].sort((a, b) => a - b) }, alert.createdAt)
      await writeFileAtomically(path, renderFeed(report, config.format))
    },
  }
}

function reportEventsOf(alert: Alert): ChangeEvent[] {
  return reportEvents(alert.report)
}
