import type { ReportFormat } from './formats.ts'
import { renderJson } from './json.ts'
import { renderMarkdown } from './markdown.ts'
import type { ChangeReport } from '../../domain/change-report.ts'
import { renderText } from './text.ts'

/** The report in one of the formats a verb may be asked for (documented in the README). */
export async function renderReport(report: ChangeReport, format: ReportFormat, options: { color: boolean }): Promise<string> {
  switch (format) {
    case 'text':
      return renderText(report, options)
    case 'markdown':
      return renderMarkdown(report)
    case 'json':
      return renderJson(report)
    default: {
      // the feed library (and its XML writer) only for a feed
      const { renderFeed } = await import('./feed.ts')
      return renderFeed(report, format)
    }
  }
}
