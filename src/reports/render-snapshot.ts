import type { ListingSnapshot } from '../../domain/archive.ts'
import type { SnapshotFormat } from './archive-formats.ts'
import { renderSnapshotCsv, renderSnapshotJson, renderSnapshotMarkdown, renderSnapshotText } from './snapshot.ts'
import { renderSnapshotHtml } from './snapshot-html.ts'

export function renderSnapshot(snapshot: ListingSnapshot, format: SnapshotFormat): string {
  switch (format) {
    case 'text':
      return renderSnapshotText(snapshot)
    case 'json':
      return renderSnapshotJson(snapshot)
    case 'csv':
      return renderSnapshotCsv(snapshot)
    case 'markdown':
      return renderSnapshotMarkdown(snapshot)
    case 'html':
      return renderSnapshotHtml(snapshot)
  }
}
