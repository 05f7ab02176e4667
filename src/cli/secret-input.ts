// A password for `user add` and `user password`: from EUROWATCH_PASSWORD, else typed at the
// terminal without echo, else the first line of standard input (a pipe). Never a flag: argv is
// visible to every user of the machine (ps, /proc) and kept in shell history.
import { UserError } from '../../domain/errors.ts'

const MIN_LENGTH = 8

/** Where the secret comes from: the environment's value when set, else these streams. */
export interface SecretSource {
  fromEnvironment: string | undefined
  input: NodeJS.ReadStream
  prompt: NodeJS.WriteStream
}

export async function readNewPassword(source: SecretSource): Promise<string> {
  const password = await readPassword(source)
  if ([...password].length < MIN_LENGTH) throw new UserError(`the password must have at least ${MIN_LENGTH} characters`)
  return password
}

async function readPassword({ fromEnvironment, input, prompt }: SecretSource): Promise<string> {
  if (fromEnvironment !== undefined) return fromEnvironment
  if (!input.isTTY) return firstLine(await readAll(input))
  const first = await typeSecret(input, prompt, 'password: ')
  const again = await typeSecret(input, prompt, 'the same password again: ')
  if (first !== again) throw new UserError('the two passwords differ: nothing changed')
  return first
}

async function readAll(input: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? ''
  if (line === '') throw new UserError('no password: set EUROWATCH_PASSWORD, type it at a terminal, or pipe it on standard input')
  return line
}

/** One line typed at the terminal with echo off; Ctrl-C cancels. */
function typeSecret(input: NodeJS.ReadStream, prompt: NodeJS.WriteStream, question: string): Promise<string> {
  prompt.write(question)
  input.setRawMode(true)
  input.setEncoding('utf8')
  input.resume()
  let typed = ''
  return new Promise((resolve, reject) => {
    const finish = (error: UserError | null) => {
      input.off('data', onData)
      input.setRawMode(false)
      input.pause()
      prompt.write('\n')
      if (error === null) resolve(typed)
      else reject(error)
    }
    const onData = (keys: string) => {
      for (const key of keys) {
        if (key === '\r' || key === '\n' || key === '\u0004') return finish(null)
        if (key === '\u0003') return finish(new UserError('cancelled: nothing changed'))
        if (key === '\u007f' || key === '\b') typed = [...typed].slice(0, -1).join('')
        else typed += key
      }
    }
    input.on('data', onData)
  })
}
