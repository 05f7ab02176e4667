// The page reader's worker when eurowatch runs from its TypeScript sources (tests, benchmarks):
// tsx compiles them in the worker thread. The built CLI runs dist/jobs/read-page-worker.js instead.
import { tsImport } from 'tsx/esm/api'

const worker = await tsImport('./read-page-worker.ts', import.meta.url)
export default worker.default
export const warmUp = worker.warmUp
