// The formats of `snapshot` and `export`: lists of their own, so that declaring the flags (for
// --help) loads no renderer.
export const SNAPSHOT_FORMATS = ['text', 'json', 'csv', 'markdown', 'html'] as const
export type SnapshotFormat = (typeof SNAPSHOT_FORMATS)[number]

export const EXPORT_FORMATS = ['warc', 'jsonl', 'csv'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]
