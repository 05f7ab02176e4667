// A subscription's feed file: after each run, the newest changes delivered to it, rewritten
// whole as Atom, RSS or JSON Feed for a feed reader or a web server to pick up.
import { stat } from 'node:fs/promises'
import { parse, join } from 'node:path'
import { writeFileAtomically } from '../../channels/atomic-file.ts'
import type { AlertChannel } from '../../domain/alert.ts'
import { buildReport, reportEvents } from '../../domain/change-report.ts'
import type { ChangeEvent } from '../../domain/change.ts'
import type { FeedChannelConfig } from '../config/schema.ts'
import { renderReport } from '../reports/render.ts'

export function feedFileChannel(config: FeedChannelConfig, path: string): AlertChannel {
  const samplePath = sampleFeedPath(path)
  const write = async (target: string, events: readonly ChangeEvent[], at: Date) =>
    writeFileAtomically(target, await renderReport(buildReport(events, [], [], { runIds: [...new Set(events.map((event) => event.runId))].sort((a, b) => a - b) }, at), config.format, { color: false }))
  return {
    description: `${config.format} feed ${path}`,
    sampleDescription: `${config.format} feed ${samplePath} (the live feed is untouched)`,
    historyItems: config.maxItems,
    async send(alert) {
      // an operator message has no entries to show
      if (alert.kind === 'operator') return
      // a sample beside the live file: readers of the live feed never see the fake entry
      if (alert.kind === 'test') return write(samplePath, reportEvents(alert.report), alert.createdAt)
      await write(path, alert.history, alert.createdAt)
    },
    async restore(history, at) {
      // an existing file is left alone: a run without changes rewrites nothing
      if (await exists(path)) return
      await write(path, await history(), at)
    },
  }
}

/** Where `alerts test` writes its sample: beside the live feed, e.g. reader.test.atom for reader.atom. */
export function sampleFeedPath(path: string): string {
  const { dir, name, ext } = parse(path)
  return join(dir, `${name}.test${ext}`)
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
}
