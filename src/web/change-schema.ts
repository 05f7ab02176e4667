// The API's change, described for validation and OpenAPI: the JSON report's change
// (src/reports/json.ts, docs/report-json.md) with its id, its permalink and the viewer's read state.
import { z } from 'zod'
import type { InboxChange } from '../../db/inbox.ts'
import { changeJson } from '../reports/json.ts'
import { CHANGE_KINDS } from './inbox-query.ts'

const listingRef = z.object({ source: z.string(), url: z.string() })
/** A field's value in the JSON report: text, a list (themes), or null. */
export const FieldValueJson = z.union([z.string(), z.array(z.string()), z.null()])

/** An entry's fields as its listing gave them. */
export const EntryFieldsJson = z.object({
  url: z.string(),
  title: z.string().nullable(),
  type: z.string().nullable(),
  date: z.string().nullable(),
  endDate: z.string().nullable(),
  themes: z.array(z.string()),
  summary: z.string().nullable(),
  documentType: z.string().nullable(),
})

/** What an entry's own page added (docs/report-json.md `detail`). */
export const EntryDetailJson = z.object({
  postId: z.string().nullable(),
  published: z.string().nullable(),
  documentType: z.string().nullable(),
  author: z.string().nullable(),
  contact: z.string().nullable(),
  tags: z.array(z.string()),
  files: z.array(z.object({ url: z.string(), label: z.string() })),
  text: z.string().nullable(),
})

export const changeSchema = z.object({
  id: z.number().int(),
  read: z.boolean().describe('whether the viewer has read it'),
  permalink: z.string().describe("the change's page"),
  kind: z.enum(CHANGE_KINDS),
  runId: z.number().int(),
  listing: listingRef.nullable(),
  listings: z.array(listingRef.extend({ position: z.number().int() })),
  entry: EntryFieldsJson.extend({ key: z.string(), detail: EntryDetailJson.nullable() }),
  fields: z.array(
    z.object({
      field: z.enum(['url', 'title', 'type', 'date', 'endDate', 'documentType', 'themes', 'summary']),
      before: FieldValueJson,
      after: FieldValueJson,
      added: z.array(z.string()).optional(),
      removed: z.array(z.string()).optional(),
    }),
  ),
  detectedAt: z.string().describe('ISO 8601'),
})

export type ChangeItem = z.infer<typeof changeSchema>

export function changeItem({ event, read }: InboxChange): ChangeItem {
  return { id: event.id, read, permalink: `/changes/${event.id}`, ...changeJson(event) }
}
