#!/usr/bin/env -S node --max-old-space-size=512
// The heap limit: without one, V8 sizes the heap against this machine's memory and a crawl's
// garbage lingers (measured: 520-740 MB resident for 1,000 pages; 375 MB with it, as fast).
// Runs the JavaScript built by `npm run build` (run by `npm install` in a clone, through `prepare`).
await import('../dist/src/cli/main.js')
