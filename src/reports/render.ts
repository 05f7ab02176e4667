import { renderFeed } from './feed.ts'
import { renderJson } from './json.ts'
import { renderMarkdown } from './markdown.ts'
import type { ChangeReport } from './model.ts'
import { renderText } from './text.ts'

/** Every format a report can be printed in (documented in the README). */
export const REPORT_FORMATS = ['text', 'markdown', 'json', 'atom', 'rss', 'jsonfeed'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

export function renderReport(report: ChangeReport, format: ReportFormat, options: { color: boolean }): string {
  switch (format) {
    case 'text':
      return renderText(report, options)
    case 'markdown':
      return renderMarkdown(report)
    case 'json':
      return renderJson(report)
    default:
      return renderFeed(report, format)
  }
}
