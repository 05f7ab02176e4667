// The report formats a verb may be asked for: a list of its own, so that declaring the flag
// (for --help) does not load the renderers.
export const REPORT_FORMATS = ['text', 'markdown', 'json', 'atom', 'rss', 'jsonfeed'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]
