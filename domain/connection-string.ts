// A PostgreSQL connection string as it may be shown: what says where the database is stays, every
// other value is masked. Parsed by the WHATWG URL rules, as pg (pg-connection-string) parses it.
// Parameters are kept by an allowlist: any other (sslpassword, sslkey, options, an unknown one) may
// carry a secret, or name a file that does.

const MASK = '***'

/** Parameters whose values say how to reach the database and never hold a secret. */
const SAFE_PARAMETERS = new Set([
  'host', 'port', 'dbname', 'user', 'sslmode', 'application_name', 'fallback_application_name', 'connect_timeout',
  'target_session_attrs', 'client_encoding', 'keepalives', 'keepalives_idle', 'keepalives_interval', 'keepalives_count',
])

// a parameter name as libpq spells them; anything else in a name (a stray '@' or '/') may be a secret's tail
const PARAMETER_NAME = /^[a-z_]+$/i

/**
 * `postgres://user:secret@host:5432/db?sslmode=require&sslpassword=x` ->
 * `postgres://user:***@host:5432/db?sslmode=require&sslpassword=***`. A string that is not a URL,
 * or has a fragment (a password with an unencoded '#'), shows its scheme only.
 */
export function maskConnectionString(connectionString: string): string {
  const url = parse(connectionString)
  if (url === null) return `${/^[a-z][a-z0-9+.-]*:\/\//i.exec(connectionString)?.[0] ?? ''}${MASK}`
  const credentials = url.username === '' && url.password === '' ? '' : `${url.username}${url.password === '' ? '' : `:${MASK}`}@`
  const parameters = [...url.searchParams].map(([name, value]) => {
    if (!PARAMETER_NAME.test(name)) return MASK
    return SAFE_PARAMETERS.has(name) ? `${name}=${encodeURIComponent(value)}` : `${name}=${MASK}`
  })
  return `${url.protocol}//${credentials}${url.host}${url.pathname}${parameters.length === 0 ? '' : `?${parameters.join('&')}`}`
}

/**
 * The secrets of a connection string as they may appear in a driver's message (as written, and
 * decoded): the password and the values of every parameter not known to be safe. A string that
 * is not a URL is a secret whole.
 */
export function connectionSecrets(connectionString: string): string[] {
  const url = parse(connectionString)
  if (url === null) return [connectionString]
  const raw = [url.password]
  for (const pair of url.search.slice(1).split('&')) {
    const [name = '', ...rest] = pair.split('=')
    if (!SAFE_PARAMETERS.has(decode(name))) raw.push(rest.join('='), ...(PARAMETER_NAME.test(decode(name)) ? [] : [name]))
  }
  return [...new Set(raw.flatMap((secret) => [secret, decode(secret)]))].filter((secret) => secret !== '')
}

/** `text` with every secret of the connection string replaced by the mask. */
export function scrubConnectionSecrets(text: string, connectionString: string): string {
  // longest first: a secret that contains another is masked whole
  const secrets = connectionSecrets(connectionString).sort((a, b) => b.length - a.length)
  return secrets.reduce((scrubbed, secret) => scrubbed.split(secret).join(MASK), text)
}

function parse(connectionString: string): URL | null {
  try {
    const url = new URL(connectionString)
    return url.hash === '' ? url : null
  } catch {
    return null
  }
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return s
  }
}
