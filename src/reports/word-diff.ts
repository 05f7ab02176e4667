// A word-level diff of two texts, shared by the text and Markdown renderers (and history).
import { diffWords } from 'diff'

export interface WordSegment {
  kind: 'same' | 'added' | 'removed'
  text: string
}

/** Segments in reading order; a null text counts as empty. Adjacent segments of one kind are merged. */
export function wordDiff(before: string | null, after: string | null): WordSegment[] {
  const segments: WordSegment[] = []
  for (const part of diffWords(before ?? '', after ?? '')) {
    const kind = part.added ? 'added' : part.removed ? 'removed' : 'same'
    const last = segments.at(-1)
    if (last && last.kind === kind) last.text += part.value
    else if (part.value !== '') segments.push({ kind, text: part.value })
  }
  return segments
}
