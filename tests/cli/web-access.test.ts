// `eurowatch user` and `eurowatch token` as an operator runs them, on both backends. The password
// never goes through argv: EUROWATCH_PASSWORD or standard input.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { verifyPassword } from '../../src/web/passwords.ts'
import { sha256Hex } from '../../src/web/secrets.ts'
import { backends } from '../support/databases.ts'
import { createCliDatabase, type CliDatabase } from './support/cli-database.ts'
import { BIN, runCli, runCliWithInput, useWorkDir } from './support/cli.ts'

describe.each(backends)('web users and API tokens through the CLI on %s', { timeout: 600_000 }, (backend) => {
  const workDir = useWorkDir('eurowatch-web-access-')
  let database: CliDatabase
  beforeEach(async () => {
    database = await createCliDatabase(backend, workDir())
  })
  afterEach(async () => database.drop())

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(workDir(), args, { ...database.env, ...env })
  const storedHash = (name: string) => database.read(async (db) => (await db.selectFrom('web_user').select('password_hash').where('name', '=', name).executeTakeFirstOrThrow()).password_hash)

  it('adds users with a password from the environment or a pipe, stored as a scrypt hash; refuses mistakes with exit 2', async () => {
    const ann = await cli(['user', 'add', 'ann', '--role', 'admin'], { EUROWATCH_PASSWORD: 'correct horse' })
    expect(ann, ann.stderr).toMatchObject({ code: 0, stdout: 'added web user ann (admin)\n' })
    const bob = await runCliWithInput(workDir(), ['user', 'add', 'bob'], 'battery staple\nignored second line\n', database.env)
    expect(bob, bob.stderr).toMatchObject({ code: 0, stdout: 'added web user bob (viewer)\n' })

    for (const [args, message] of [
      [['user', 'add', 'ann'], /^eurowatch: user add: a web user named "ann" exists already \(`eurowatch user password ann` sets a new password\)\n$/],
      [['user', 'add', 'carl', '--role', 'root'], /^eurowatch: --role: must be viewer or admin\n$/],
      [['user', 'add', 'local'], /^eurowatch: user add "local": "local" is the implicit admin/],
      [['user', 'add', 'carl'], /^eurowatch: the password must have at least 8 characters\n$/],
      [['user', 'remove', 'zed'], /^eurowatch: user remove: no web user named "zed" \(web users: ann, bob\)\n$/],
      [['user', 'password', 'zed'], /^eurowatch: user password: no web user named "zed" \(web users: ann, bob\)\n$/],
    ] as const) {
      const refused = await cli([...args], { EUROWATCH_PASSWORD: 'short' })
      expect(refused.stderr).toMatch(message)
      expect(refused.code).toBe(2)
    }

    expect((await cli(['user', 'list'])).stdout).toMatch(/^ann  admin   added \S+Z\nbob  viewer  added \S+Z\n$/)
    const annHash = await storedHash('ann')
    expect(annHash).toMatch(/^scrypt\$32768\$8\$1\$/)
    expect(annHash).not.toContain('correct horse')
    expect(await verifyPassword('correct horse', annHash)).toBe(true)
    expect(await verifyPassword('battery staple', await storedHash('bob'))).toBe(true)

    const changed = await runCliWithInput(workDir(), ['user', 'password', 'bob'], 'a new password\n', database.env)
    expect(changed, changed.stderr).toMatchObject({ code: 0 })
    expect(await verifyPassword('a new password', await storedHash('bob'))).toBe(true)
    expect(await verifyPassword('battery staple', await storedHash('bob'))).toBe(false)

    expect(await cli(['user', 'remove', 'bob'])).toMatchObject({ code: 0, stdout: 'removed web user bob with its tokens and sessions\n' })
    expect((await cli(['user', 'list'])).stdout).not.toMatch(/bob/)
  })

  it('creates a token shown once and stored as its hash, lists it by its first characters, and revokes it', async () => {
    expect((await cli(['user', 'add', 'ann'], { EUROWATCH_PASSWORD: 'whatever1' })).code).toBe(0)
    const created = await cli(['token', 'create', '--user', 'ann', '--label', 'feed reader'])
    expect(created.code, created.stderr).toBe(0)
    const token = created.stdout.trim()
    expect(token).toMatch(/^ew_[A-Za-z0-9_-]{43}$/)
    expect(created.stderr).toBe('token 1 for ann (viewer); shown this once, only its hash is kept:\n')

    const stored = await database.read((db) => sql<Record<string, unknown>>`select * from api_token`.execute(db))
    expect(stored.rows).toHaveLength(1)
    expect(stored.rows[0]?.token_sha256).toBe(sha256Hex(token))
    expect(JSON.stringify(stored.rows)).not.toContain(token.slice(10))

    expect((await cli(['token', 'list'])).stdout).toMatch(new RegExp(`^1  ann  ${token.slice(0, 9)}…  created \\S+Z  never used  feed reader\\n$`))
    for (const [args, message] of [
      [['token', 'create', '--user', 'zed'], /^eurowatch: token create --user: no web user named "zed" \(web users: ann\)\n$/],
      [['token', 'revoke', '7'], /^eurowatch: token revoke: no API token with id 7 \(`eurowatch token list` shows the ids\)\n$/],
      [['token', 'revoke', 'ew_x'], /^eurowatch: token revoke: "ew_x" is not a token id \(`eurowatch token list` shows the ids\)\n$/],
    ] as const) {
      const refused = await cli([...args])
      expect(refused.stderr).toMatch(message)
      expect(refused.code).toBe(2)
    }
    expect(await cli(['token', 'revoke', '1'])).toMatchObject({ code: 0, stdout: 'revoked API token 1\n' })
    expect((await cli(['token', 'list'])).stdout).toBe('no API tokens: `eurowatch token create --user NAME`\n')
  })
})

describe('serve beyond loopback', { timeout: 300_000 }, () => {
  const workDir = useWorkDir('eurowatch-web-bind-')

  it('is refused while there are no web users, and listens, asking for sign-in, once there is one', async () => {
    const refused = await runCli(workDir(), ['serve', '--host', '0.0.0.0', '--port', '0'])
    expect(refused.stderr).toMatch(/^eurowatch: --host 0\.0\.0\.0: serving beyond loopback needs sign-in/m)
    expect(refused.code).toBe(2)

    expect((await runCli(workDir(), ['user', 'add', 'ann'], { EUROWATCH_PASSWORD: 'ann-password' })).code).toBe(0)
    const server = spawn('node', [BIN, 'serve', '--host', '0.0.0.0', '--port', '0'], { cwd: workDir(), env: { ...process.env, DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      const port = await new Promise<string>((resolve, reject) => {
        let out = ''
        server.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          const found = /serving http:\/\/[^:]+:(\d+)\//.exec(out)
          if (found?.[1] !== undefined) resolve(found[1])
        })
        server.on('exit', (code) => reject(new Error(`serve exited (${code})`)))
      })
      const answer = await fetch(`http://127.0.0.1:${port}/api/openapi.json`)
      expect(answer.status).toBe(401)
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="eurowatch"')
    } finally {
      server.kill('SIGTERM')
      await once(server, 'exit')
    }
  })
})
