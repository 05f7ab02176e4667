import { describe, expect, it } from 'vitest'
import { connectionSecrets, maskConnectionString, scrubConnectionSecrets } from '../../domain/connection-string.ts'

describe('maskConnectionString', () => {
  it('keeps where the database is and masks the password', () => {
    expect(maskConnectionString('postgres://user:p%40ss@host:5432/db?sslmode=require')).toBe('postgres://user:***@host:5432/db?sslmode=require')
    expect(maskConnectionString('postgres://host/db')).toBe('postgres://host/db')
    expect(maskConnectionString('postgresql://user@host/db?application_name=eurowatch&connect_timeout=10')).toBe('postgresql://user@host/db?application_name=eurowatch&connect_timeout=10')
  })

  it('masks every parameter not known to be safe, however it is spelled', () => {
    const masked = maskConnectionString('postgres://u@h/db?sslmode=disable&sslpassword=s3cret&foo=s3cret&password=s3cret&sslkey=/s3cret/key&options=-c%20s3cret&SSLPASSWORD=s3cret')
    expect(masked).toBe('postgres://u@h/db?sslmode=disable&sslpassword=***&foo=***&password=***&sslkey=***&options=***&SSLPASSWORD=***')
  })

  it('masks a name that cannot be a parameter, and a password cut by an unencoded character', () => {
    for (const url of ['postgres://u:s3cret@h/db?x@s3cret', 'postgres://u:se@s3cret@h/db', 'postgres://u:s3#cret@h/db', 'postgres://u:s3cret@h:notaport/db', 'not a url s3cret']) {
      expect(maskConnectionString(url)).not.toMatch(/s3|cret/)
    }
    expect(maskConnectionString('postgres://u:12#s3cret@h/db')).toBe('postgres://***')
  })
})

describe('scrubConnectionSecrets', () => {
  it("masks each secret in a driver's message, as written and decoded", () => {
    const url = 'postgres://u:p%40ss@h/db?sslmode=disable&sslcert=%2Ftmp%2Fs3cret.pem&foo=a+b'
    expect(connectionSecrets(url)).toEqual(expect.arrayContaining(['p%40ss', 'p@ss', '/tmp/s3cret.pem', 'a b']))
    expect(scrubConnectionSecrets("ENOENT: no such file or directory, open '/tmp/s3cret.pem' for p@ss", url)).toBe("ENOENT: no such file or directory, open '***' for ***")
    expect(scrubConnectionSecrets('connect ECONNREFUSED 127.0.0.1:1', url)).toBe('connect ECONNREFUSED 127.0.0.1:1')
  })
})
