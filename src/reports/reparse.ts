// What `eurowatch reparse` found: per entry version, the fields the stored pages read as today
// against what was recorded; then the pages that no longer read. Pure.
import type { FieldDifference, ReparseSummary, VersionReparse } from '../../jobs/reparse.ts'
import { siteInline } from './site-text.ts'

const SHOWN_CHARACTERS = 100

export function renderReparseText(summary: ReparseSummary): string {
  const count = summary.corrections.length
  const entries = new Set(summary.corrections.map((correction) => correction.entryKey)).size
  const lines = [`re-read ${summary.pages} stored page${summary.pages === 1 ? '' : 's'}: ${count === 0 ? 'every version reads as recorded' : `${count} version${count === 1 ? '' : 's'} of ${entries} entr${entries === 1 ? 'y' : 'ies'} read differently`}`]
  for (const correction of summary.corrections) lines.push('', ...correctionLines(correction))
  if (summary.notes.length > 0) lines.push('')
  for (const note of summary.notes) lines.push(`${note.source} run ${note.runId} ${siteInline(note.url)}: ${siteInline(note.note)}`)
  for (const source of summary.unconfigured) lines.push(`${source}: not in the configuration; its pages were not re-read`)
  if (count > 0) {
    lines.push(
      '',
      summary.applied
        ? `corrected ${count} version${count === 1 ? '' : 's'}, marked as re-parsed; the recorded fields are kept (\`eurowatch history KEY\` shows them); no change is reported for them`
        : 'nothing written: run again with --apply to record these corrections',
    )
  }
  return `${lines.join('\n')}\n`
}

function correctionLines(correction: VersionReparse): string[] {
  const until = correction.validToRun === null ? 'current' : `until run ${correction.validToRun}`
  const lines = [`${correction.source} ${siteInline(correction.entryKey)}: version from run ${correction.validFromRun} (${until}), re-read in run${correction.runs.length === 1 ? '' : 's'} ${correction.runs.join(', ')}`]
  const split = correction.parts.length > 1
  for (const part of correction.parts) {
    const indent = split ? '    ' : '  '
    if (split) lines.push(`  from run ${part.fromRun}${part.fromRun === correction.validFromRun ? '' : ' (a version of its own)'}:`)
    if (part.differences.length === 0) lines.push(`${indent}as recorded`)
    for (const difference of part.differences) lines.push(`${indent}${differenceLine(difference)}`)
  }
  return lines
}

function differenceLine(difference: FieldDifference): string {
  return `${difference.field}: ${shown(difference.recorded)} -> ${shown(difference.reparsed)}`
}

function shown(value: unknown): string {
  if (value === null) return '(none)'
  const text = Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? JSON.stringify(value) : String(value)
  return siteInline(text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS)}...` : text)
}

export function renderReparseJson(summary: ReparseSummary): string {
  return `${JSON.stringify({ version: 1, ...summary }, null, 2)}\n`
}
