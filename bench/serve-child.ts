// A server of the serve bench, in a process of its own so that its peak RSS is its own:
// `app` is eurowatch's web app (buildWebApp), `bare` a bare Fastify answering each route's db/
// function as JSON (no rendering, no plugins). Prints "listening PORT"; exits on SIGTERM (the
// peak RSS is printed at exit by peak-rss.mjs). Arguments: app|bare SAMPLE_JSON; the database's URL in SERVE_BENCH_DATABASE_URL.
import Fastify from 'fastify'
import { closeDatabase, openDatabase } from '../db/connection.ts'
import { buildWebApp } from '../src/web/app.ts'
import { barePath, serveRoutes, type ServeSample } from './serve-routes.ts'

const [mode, sampleJson] = process.argv.slice(2)
const url = process.env.SERVE_BENCH_DATABASE_URL
if ((mode !== 'app' && mode !== 'bare') || url === undefined || sampleJson === undefined) throw new Error('usage: SERVE_BENCH_DATABASE_URL=... serve-child.ts app|bare SAMPLE_JSON')
const sample = JSON.parse(sampleJson) as ServeSample
const db = await openDatabase({ kind: 'postgres', url })
const app = mode === 'app' ? await buildWebApp({ db, now: () => new Date(), secureCookies: false, sources: [sample.listing] }) : bareApp()
await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
process.stdout.write(`listening ${typeof address === 'object' && address !== null ? address.port : 0}\n`)
function bareApp() {
  const bare = Fastify({ logger: false })
  for (const route of serveRoutes(sample)) bare.get(barePath(route), async () => route.query(db, sample))
  return bare
}

process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => closeDatabase(db))
    .finally(() => process.exit(0))
})
