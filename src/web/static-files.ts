// The few files the pages load (/static/...): read once at start, served from memory.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface StaticFile {
  body: Buffer
  type: string
  etag: string
}

/**
 * src/web/static/ when run from source; dist/static/ (copied by build.mjs) when run built, from
 * whichever chunk this code landed in: the nearest folder above that holds static/app.js.
 */
function staticFolder(): string {
  let folder = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(folder, 'static', 'app.js'))) return join(folder, 'static')
    const parent = dirname(folder)
    if (parent === folder) throw new Error('the web pages\' static files (static/app.js) are missing: run `npm run build`')
    folder = parent
  }
}

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' }

export function loadStaticFiles(): Map<string, StaticFile> {
  const folder = staticFolder()
  const paths: Record<string, string> = {
    'app.js': join(folder, 'app.js'),
    'app.css': join(folder, 'app.css'),
    'htmx.min.js': createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js'),
  }
  return new Map(
    Object.entries(paths).map(([name, path]) => {
      const body = readFileSync(path)
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`
      return [name, { body, type: TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream', etag }]
    }),
  )
}
