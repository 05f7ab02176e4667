// `npm run build` (also run by `npm install` in a clone, through `prepare`): the application as a
// few ES modules in dist/. Every verb is a chunk of its own, loaded when it runs. commander, zod
// and yaml, which every start needs, are bundled in: their hundreds of small files cost more to
// load than their code (measured: `eurowatch sources` 280 -> 230 ms). The other dependencies stay
// packages (PGlite and Chromium find their own files beside their code).
import { cpSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs'

// An installed package is built already and has no sources (nor esbuild): nothing to do.
if (!existsSync(new URL('./src/cli/main.ts', import.meta.url))) process.exit(0)
const { build } = await import('esbuild')

// cheerio too, from its own `load` module: its package entry also loads undici, for cheerio.fromURL,
// which we never call (measured: 0.2 s of CPU and 13 MB less in each thread that reads pages).
// kysely too, with its PGlite dialect: every verb with a database loaded its 263 files one by one
// (measured: `eurowatch report` and `status` on PGlite 0.19 s of CPU less). And what checking a
// configuration loads, cron-parser (17 CommonJS files, with luxon), re2js and fastest-levenshtein
// (measured: `eurowatch sources` 0.05 s of CPU less). Not node-cron: it finds a file of its own.
// And what a crawl loads besides, in some 90 files: cheerio's selector engine, the charset sniffer,
// p-queue, robots-parser and proper-lockfile (measured: an unchanged re-run on PostgreSQL 1.11 ->
// 1.06 s, medians of 6). Not iconv-lite: bundled, its charset tables, loaded one by one as needed,
// would all be parsed at every start. Not tinypool: its threads start from a file of its own.
const BUNDLED = new Set([
  'commander', 'zod', 'yaml', 'cheerio', 'kysely', 'kysely-pglite-dialect', 'cron-parser', 'luxon', 're2js', 'fastest-levenshtein',
  'cheerio-select', 'encoding-sniffer', 'p-queue', 'robots-parser', 'proper-lockfile',
])
const manifest = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))
const packages = [...Object.keys(manifest.dependencies), ...Object.keys(manifest.optionalDependencies ?? {})]

// built beside dist/ and swapped in: a CLI started during a build finds the old dist/ or the new one
rmSync('dist.next', { recursive: true, force: true })
await build({
  // the replica is an entry of its own: only --offline, demo, replica and doctor load it; the page
  // reader's worker thread loads its own (jobs/page-reader.ts finds it beside dist/chunks/)
  entryPoints: ['src/cli/main.ts', 'replica/index.ts', 'jobs/read-page-worker.ts'],
  outbase: '.',
  outdir: 'dist.next',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: packages.filter((name) => !BUNDLED.has(name)).flatMap((name) => [name, `${name}/*`]),
  // yaml asks for a Node built-in with require(), which an ES module has not got by itself
  banner: { js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);" },
  alias: { cheerio: './node_modules/cheerio/dist/esm/load-parse.js' },
  logLevel: 'warning',
})
// the web pages' script and style sheet, found by src/web/static-files.ts beside the chunks
cpSync('src/web/static', 'dist.next/static', { recursive: true })
// the empty PGlite data directory new databases start from, found by db/pglite-template.ts in dist/
cpSync('db/pglite-template.tar.gz', 'dist.next/pglite-template.tar.gz')
rmSync('dist', { recursive: true, force: true })
renameSync('dist.next', 'dist')
