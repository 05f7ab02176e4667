#!/usr/bin/env -S node --max-old-space-size=512
// The heap limit: without one, V8 sizes the heap against this machine's memory and a crawl's
// garbage lingers (measured: 520-740 MB resident for 1,000 pages; 375 MB with it, as fast).
// Runs the JavaScript built by `npm run build` (run by `npm install` in a clone, through `prepare`).
import { fileURLToPath } from 'node:url'

const dist = new URL('../dist/', import.meta.url)
try {
  await import(new URL('src/cli/main.js', dist).href)
} catch (error) {
  // no dist/, or a part of it gone (never built, or being rebuilt): one line, not Node's stack
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(fileURLToPath(dist))) throw error
  process.stderr.write('eurowatch: the CLI is not built, or `npm run build` is rebuilding it (dist/ is incomplete): run `npm run build`, or wait for it\n')
  process.exit(2)
}
