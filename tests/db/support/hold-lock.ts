// A process that takes the lock of a PGlite data directory and keeps it until it is killed.
import { lockDataDir } from '../../../db/data-dir-lock.ts'

const dataDir = process.argv[2]
if (dataDir === undefined) throw new Error('usage: hold-lock.ts DATA_DIR')
await lockDataDir(dataDir)
process.stdout.write('locked\n')
setInterval(() => undefined, 60_000)
