// The bare minimum of an unchanged incremental re-run (bench/steady-state.ts): open the same PGlite
// data directory, read the stored validators of the listings' first pages in one query, ask
// robots.txt and each page with them, and expect 304s. Plain node, no eurowatch code.
// Arguments: the data directory, the site's origin, the listing URLs as JSON.
import { PGlite } from '@electric-sql/pglite'

const [dataDir, origin, listingsJson] = process.argv.slice(2)
const listings = JSON.parse(listingsJson)
// the start parameters eurowatch opens PGlite with (db/connection.ts): the cheaper open
const db = await PGlite.create(dataDir, { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] })
try {
  const { rows } = await db.query(
    `select distinct on (url) url, headers->>'etag' as etag, headers->>'last-modified' as last_modified
       from page_fetch where url = any($1) and outcome = 'fetched' and body_sha256 is not null order by url, id desc`,
    [listings],
  )
  await (await fetch(`${origin}/robots.txt`)).arrayBuffer()
  const statuses = await Promise.all(
    rows.map(async (row) => {
      const headers = { ...(row.etag ? { 'if-none-match': row.etag } : {}), ...(row.last_modified ? { 'if-modified-since': row.last_modified } : {}) }
      const response = await fetch(row.url, { headers })
      await response.arrayBuffer()
      return response.status
    }),
  )
  if (statuses.length !== listings.length || statuses.some((status) => status !== 304)) throw new Error(`expected ${listings.length} answers 304, got ${statuses.join(', ')}`)
} finally {
  await db.close()
}
