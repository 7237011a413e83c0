/**
 * `keys rotate` against a real SQLite file and the emulator: the key file goes NEW,OLD then NEW,
 * never printed; a rotation interrupted half-way (some rows under the new key, some under the
 * old) is finished by running it again; with ZOHO_AUTH_ENCRYPTION_KEY the user passes the ring.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { KeyRing, generateEncryptionKey } from '../src/stores/crypto.js'
import { openSqliteStore } from '../src/stores/sqlite.js'
import { spawnBin } from './support/bin.js'
import { runCommand as cli } from './support/cli.js'
import { useSelfClientCli } from './support/self-client-cli.js'

const fixture = useSelfClientCli('keys')
const environment = (key?: string): Record<string, string> => fixture.environment(key)

const keyFile = (env: Record<string, string>): string =>
  join(env.HOME ?? '', '.config', 'zoho-auth', 'encryption.key')

/** Connects `name` and returns the access token it serves. */
async function connect(env: Record<string, string>, name: string): Promise<string> {
  await fixture.connect(env, { name })
  return (await cli(['token', '--connection', name], env)).stdout
}

/** Every stored row read under `keyText` alone. */
async function readAllWith(env: Record<string, string>, keyText: string): Promise<string[]> {
  const store = await openSqliteStore({
    path: env.ZOHO_AUTH_DB ?? '',
    keyRing: KeyRing.parse(keyText),
  })
  try {
    return (await store.list()).map((c) => c.accessToken ?? '')
  } finally {
    await store.close()
  }
}

describe('zoho-auth keys rotate', () => {
  it('with the key file: a new key alone in the file (0600), every row under it, no key printed', async () => {
    const env = environment()
    const tokens = [await connect(env, 'a'), await connect(env, 'b')].map((t) => t.trim())
    const oldKey = readFileSync(keyFile(env), 'utf8').trim()
    const run = await cli(['keys', 'rotate'], env)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Re-encrypted 2 row(s) under a new key')
    const newKey = readFileSync(keyFile(env), 'utf8').trim()
    expect(newKey).not.toBe(oldKey)
    expect(newKey.split(',')).toHaveLength(1)
    expect(statSync(keyFile(env)).mode & 0o777).toBe(0o600)
    expect(run.stdout + run.stderr).not.toContain(newKey)
    expect(await readAllWith(env, newKey)).toEqual(tokens)
    await expect(readAllWith(env, oldKey)).rejects.toMatchObject({ code: 'ERR_ENCRYPTION_KEY' })
  })

  it('interrupted half-way (rows under both keys, the file NEW,OLD), a second run finishes it', async () => {
    const env = environment()
    await connect(env, 'a')
    await connect(env, 'b')
    const oldKey = readFileSync(keyFile(env), 'utf8').trim()
    const newKey = generateEncryptionKey()
    // What the first run leaves if stopped after the file's first write and one row's rewrite.
    writeFileSync(keyFile(env), `${newKey},${oldKey}\n`, { mode: 0o600 })
    const store = await openSqliteStore({
      path: env.ZOHO_AUTH_DB ?? '',
      keyRing: KeyRing.parse(`${newKey},${oldKey}`),
    })
    // Row a's access token is rewritten under NEW, its refresh token still under OLD.
    const a = await store.get('a')
    expect(
      await store.update('a', { accessToken: a?.accessToken ?? null }, a?.version ?? 0, 1),
    ).not.toBeNull()
    await store.close()
    // At this point every process (they read the file) still reads every row.
    expect((await cli(['token', '--connection', 'b'], env)).code).toBe(0)
    const run = await cli(['keys', 'rotate'], env)
    expect(run.code).toBe(0)
    expect(readFileSync(keyFile(env), 'utf8').trim()).toBe(newKey)
    expect(await readAllWith(env, newKey)).toHaveLength(2)
    expect((await cli(['token', '--connection', 'a'], env)).code).toBe(0)
  })

  it('with ZOHO_AUTH_ENCRYPTION_KEY: one key is refused with the command to run; NEW,OLD rotates', async () => {
    const oldKey = generateEncryptionKey()
    const env = environment(oldKey)
    await connect(env, 'a')
    const alone = await cli(['keys', 'rotate'], env)
    expect(alone.code).toBe(1)
    expect(alone.stderr).toContain('→ Make a new key and pass it first')
    expect(alone.stderr).not.toContain(oldKey)
    const newKey = generateEncryptionKey()
    const run = await cli(['keys', 'rotate'], {
      ...env,
      ZOHO_AUTH_ENCRYPTION_KEY: `${newKey},${oldKey}`,
    })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Now set ZOHO_AUTH_ENCRYPTION_KEY to the first key alone')
    expect(run.stdout).not.toContain(newKey)
    expect(await readAllWith(env, newKey)).toHaveLength(1)
    expect((await cli(['token'], { ...env, ZOHO_AUTH_ENCRYPTION_KEY: newKey })).code).toBe(0)
  })

  it('misuse exits 2 and --help documents both ways', async () => {
    expect((await cli(['keys'], environment())).code).toBe(2)
    expect((await cli(['keys', 'spin'], environment())).code).toBe(2)
    expect((await cli(['keys', '--help'], {})).stdout).toContain(
      'ZOHO_AUTH_ENCRYPTION_KEY="$NEW,$OLD"',
    )
  })

  it('the real binary rotates the key file', async () => {
    const env = environment()
    await connect(env, 'a')
    const oldKey = readFileSync(keyFile(env), 'utf8').trim()
    const run = spawnBin(['keys', 'rotate'], env)
    expect((await run.exited).code).toBe(0)
    const newKey = readFileSync(keyFile(env), 'utf8').trim()
    expect(newKey).not.toBe(oldKey)
    expect(await readAllWith(env, newKey)).toHaveLength(1)
  })
})
