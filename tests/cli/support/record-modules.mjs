// Loaded with --import into a CLI process under test: every module URL it resolves is appended
// to the file named by EUROWATCH_TEST_MODULE_LOG (the hook runs on the loader thread).
import { register } from 'node:module'

register('./record-modules-hook.mjs', import.meta.url, { data: { log: process.env.EUROWATCH_TEST_MODULE_LOG } })
