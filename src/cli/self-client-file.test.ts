import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readSelfClientFile } from './self-client-file.js'

const ID = '1000.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123'
const SECRET = '0123456789abcdef0123456789abcdef0123456789'
const CODE = `1000.${'a'.repeat(32)}.${'b'.repeat(32)}`

function file(content: unknown): { dir: string; name: string } {
  const dir = mkdtempSync(join(tmpdir(), 'self-client-'))
  writeFileSync(
    join(dir, 'self_client.json'),
    typeof content === 'string' ? content : JSON.stringify(content),
  )
  return { dir, name: 'self_client.json' }
}

function error(run: () => unknown): Error {
  try {
    run()
  } catch (e) {
    return e as Error
  }
  throw new Error('expected a refusal')
}

describe('readSelfClientFile', () => {
  it('readSelfClientFile reads the console’s file, relative to the working directory', () => {
    const { dir, name } = file({
      client_id: ID,
      client_secret: SECRET,
      code: CODE,
      grant_type: 'authorization_code',
      scope: ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ'],
      expiry_time: 1_700_000_180_000,
    })
    expect(readSelfClientFile(name, dir, 1_700_000_000_000)).toEqual({
      path: join(dir, name),
      clientId: ID,
      clientSecret: SECRET,
      code: CODE,
      scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ'],
      expiresAt: 1_700_000_180_000,
    })
  })

  it('readSelfClientFile takes a comma-separated scope and no expiry', () => {
    const { dir, name } = file({
      client_id: ID,
      client_secret: SECRET,
      code: CODE,
      scope: 'A.b, C.d',
    })
    expect(readSelfClientFile(name, dir)).toMatchObject({
      scopes: ['A.b', 'C.d'],
      expiresAt: undefined,
    })
  })

  it('readSelfClientFile names a missing or malformed field, never its value', () => {
    const { dir, name } = file({ client_id: ID, client_secret: SECRET })
    expect(error(() => readSelfClientFile(name, dir)).message).toBe(
      `${join(dir, name)} has no "code"`,
    )
    const swapped = file({ client_id: SECRET, client_secret: ID, code: CODE })
    const refused = error(() => readSelfClientFile(swapped.name, swapped.dir))
    expect(refused.message).toContain('"client_id": The client id looks like a client secret')
    expect(refused.message).not.toContain(SECRET)
    const quoted = file({ client_id: ID, client_secret: SECRET, code: `"${CODE}"` })
    expect(error(() => readSelfClientFile(quoted.name, quoted.dir)).message).toContain('quotes')
  })

  it('readSelfClientFile refuses what is not a code exchange file, without quoting its text', () => {
    const json = file(`{"client_secret": "${SECRET}"`)
    const bad = error(() => readSelfClientFile(json.name, json.dir))
    expect(bad.message).toBe(`${join(json.dir, json.name)} is not valid JSON`)
    const list = file([1, 2])
    expect(error(() => readSelfClientFile(list.name, list.dir)).message).toContain(
      'is not a self_client.json',
    )
    const grant = file({
      client_id: ID,
      client_secret: SECRET,
      code: CODE,
      grant_type: 'refresh_token',
    })
    expect(error(() => readSelfClientFile(grant.name, grant.dir)).message).toContain(
      'is not for a code exchange',
    )
  })

  it('readSelfClientFile refuses a code past its expiry_time, allowing a minute of clock skew', () => {
    const { dir, name } = file({
      client_id: ID,
      client_secret: SECRET,
      code: CODE,
      expiry_time: 1_000_000,
    })
    expect(readSelfClientFile(name, dir, 1_000_000 + 60_000).code).toBe(CODE)
    expect(error(() => readSelfClientFile(name, dir, 1_000_000 + 60_001)).message).toContain(
      'holds a code that expired at 1970-01-01T00:16:40.000Z',
    )
  })
})
