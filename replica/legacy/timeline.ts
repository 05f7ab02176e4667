// The legacy site's timeline: cumulative steps applied on top of the step-0 dataset.
// Step 0 is the reference state; see ../README.md for what each step changes and why.
import type { ChangeKind, TimelineStep } from '../types.ts'
import type { LegacyEntry } from './model.ts'
import { BASE_ENTRIES, REMOVED_AT_STEP4 } from './dataset.ts'
import { DOCUMENTS, SOCIAL_INNOVATION } from './listings.ts'

type State = Map<string, LegacyEntry>

interface Op {
  kind: ChangeKind
  id: string
  apply(state: State): void
}

function published(id: string, posted: string, fields: Partial<LegacyEntry>): Op {
  const entry: LegacyEntry = {
    id, section: 'documents', titleHtml: null, summaryHtml: null, type: 'news', date: posted, endDate: null, posted,
    themes: [], docType: null, absoluteHref: false, listings: [SOCIAL_INNOVATION], ...fields,
  }
  return { kind: 'publish', id, apply: (s) => void s.set(id, entry) }
}

function edit(kind: ChangeKind, id: string, change: (e: LegacyEntry) => Partial<LegacyEntry>): Op {
  return {
    kind, id,
    apply: (s) => {
      const e = s.get(id)
      if (e === undefined) throw new Error(`timeline: no entry ${id}`)
      s.set(id, { ...e, ...change(e) })
    },
  }
}

const STEPS: { description: string; ops: Op[] }[] = [
  { description: 'the reference state: page 1 of social-innovation is the reference page', ops: [] },
  {
    description: 'three new entries at the top of social-innovation (one also in documents): later entries move down, page boundaries shift',
    ops: [
      published('BH4N7W', '2019-10-28', {
        section: 'news', titleHtml: 'Mayors call for a European child guarantee',
        summaryHtml: 'Mayors of 25 cities asked the new Commission to fund a child guarantee that reaches children in every neighbourhood.',
      }),
      published('BH4N5T', '2019-10-29', {
        section: 'allcontent', type: 'case study', themes: ['cooperation'], titleHtml: 'Social services under one roof in Łódź',
        summaryHtml: 'Łódź brought housing, benefits and job advice together in one office, so residents tell their story once.',
      }),
      published('BH4N2R', '2019-10-30', {
        section: 'documents', type: 'publication', docType: 'policy publication', listings: [SOCIAL_INNOVATION, DOCUMENTS],
        titleHtml: 'Cities for active inclusion: 2019 progress report',
        summaryHtml: 'Nine cities report on two years of active inclusion strategies: what changed for residents furthest from the labour market, what it cost &amp; what they would do differently next time.',
      }),
    ],
  },
  {
    description: 'Munich summary edited; Rennes re-tagged culture -> cooperation + culture; cosmetic-only edits to Bristol (entities, spaces) and Cluj-Napoca (theme order)',
    ops: [
      edit('edit-summary', 'BGYT8M', (e) => ({
        summaryHtml: (e.summaryHtml ?? '').replace('(AKIM) team is', '(AKIM) team, now twelve mediators strong, is'),
      })),
      edit('retag', 'BGYT6F', () => ({ themes: ['cooperation', 'culture'] })),
      edit('cosmetic', 'BGYTC2', (e) => ({
        summaryHtml: (e.summaryHtml ?? '')
          .replace('tomorrow&rsquo;s', 'tomorrow&#8217;s')
          .replace('community engagement', 'community&nbsp;engagement')
          .replace('today. Its', 'today.  \n Its'),
      })),
      edit('cosmetic', 'BBZL7H', (e) => ({ themes: [...e.themes].reverse() })),
    ],
  },
  {
    description: 'Vilnius retitled "Vilnius Tech Park: a hospital reborn": new slug, same WSPO id (old URL redirects)',
    ops: [edit('retitle', 'BCKM2P', () => ({ titleHtml: 'Vilnius Tech Park: a hospital reborn' }))],
  },
  {
    description: 'a generated entry on page 2 of social-innovation (also in documents) removed from every listing',
    ops: [{ kind: 'remove', id: REMOVED_AT_STEP4, apply: (s) => void s.delete(REMOVED_AT_STEP4) }],
  },
]

export const LAST_STEP = STEPS.length - 1

const states: State[] = []
const timeline: TimelineStep[] = []

// Build every state once at load: ~200 entries x 5 steps, well under a millisecond each.
let current: State = new Map(BASE_ENTRIES.map((e) => [e.id, e]))
STEPS.forEach(({ description, ops }, step) => {
  const changes = ops.map((op) => {
    const before = current.get(op.id)
    op.apply(current)
    const after = current.get(op.id) ?? before
    return { kind: op.kind, key: `WSPO-${op.id}`, listings: [...(after?.listings ?? [])] }
  })
  states.push(current)
  timeline.push({ step, description, changes })
  current = new Map(current)
})

export const legacyTimeline: TimelineStep[] = timeline

/** Entries of the site at a step (insertion order is dataset order). */
export function entriesAt(step: number): ReadonlyMap<string, LegacyEntry> {
  const state = states[step]
  if (state === undefined) throw new RangeError(`no step ${step} in the legacy timeline (0..${LAST_STEP})`)
  return state
}
