// A word-level diff of two texts, shared by the text and Markdown renderers (and history).
// the word diff alone: the package's entry loads every kind of diff it has (21 modules)
import { diffWords } from 'diff/lib/diff/word.js'

export interface WordSegment {
  kind: 'same' | 'added' | 'removed'
  text: string
}

/**
 * The most words (and marks) a diff removes and adds before the texts count as rewritten: a word
 * diff is for edits, and its cost grows with the square of the edits (a 600-word summary rewritten
 * took 150 ms; on the entry page of a 40-word summary rewritten three times, most of its time).
 */
export const MAX_WORD_EDITS = 20

/**
 * Segments in reading order; a null text counts as empty. Adjacent segments of one kind are merged.
 * A rewrite (more than MAX_WORD_EDITS words removed and added) is the old text removed and the new added.
 */
export function wordDiff(before: string | null, after: string | null): WordSegment[] {
  const parts = diffWords(before ?? '', after ?? '', { maxEditLength: MAX_WORD_EDITS })
  if (parts === undefined) {
    return [
      { kind: 'removed' as const, text: before ?? '' },
      { kind: 'added' as const, text: after ?? '' },
    ].filter((segment) => segment.text !== '')
  }
  const segments: WordSegment[] = []
  for (const part of parts) {
    const kind = part.added ? 'added' : part.removed ? 'removed' : 'same'
    const last = segments.at(-1)
    if (last && last.kind === kind) last.text += part.value
    else if (part.value !== '') segments.push({ kind, text: part.value })
  }
  return segments
}
