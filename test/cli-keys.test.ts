/**
 * `keys rotate` against a real SQLite file and the emulator: the key file goes NEW,OLD, and NEW
 * alone only on the second run (after processes restarted), never printed; rows a process still
 * running with the old key wrote meanwhile are named by --check and re-encrypted by that second
 * run; two rotations at once take turns; with ZOHO_AUTH_ENCRYPTION_KEY the user passes the ring.
 */
import { readFileSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { KeyRing, generateEncryptionKey } from '../src/stores/crypto.js'
import { takeRotationLock } from '../src/stores/rotation-lock.js'
import { openSqliteStore } from '../src/stores/sqlite.js'
import { spawnBin } from './support/bin.js'
import { runCommand as cli } from './support/cli.js'
import { useSelfClientCli } from './support/self-client-cli.js'
import { within } from './support/within.js'

const fixture = useSelfClientCli('keys')
const environment = (key?: string): Record<string, string> => fixture.environment(key)

const keyFile = (env: Record<string, string>): string =>
  join(env.HOME ?? '', '.config', 'zoho-auth', 'encryption.key')

/** Resolves once process `pid` holds `file` open (read from /proc; checked every 10 ms). */
async function opened(pid: number, file: string): Promise<void> {
  const holds = (): boolean => {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`) === file
        } catch {
          return false
        }
      })
    } catch {
      return false
    }
  }
  while (!holds()) await new Promise((resolve) => setTimeout(resolve, 10))
}

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
  it('with the key file: NEW,OLD in the file (0600) and every row under NEW; a second run leaves NEW alone; no key printed', async () => {
    const env = environment()
    const tokens = [await connect(env, 'a'), await connect(env, 'b')].map((t) => t.trim())
    const oldKey = readFileSync(keyFile(env), 'utf8').trim()
    const run = await cli(['keys', 'rotate'], env)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Re-encrypted 2 row(s) under a new key')
    expect(run.stdout).toContain(
      'The old key stays until every process using this database has restarted',
    )
    const [newKey, kept] = readFileSync(keyFile(env), 'utf8').trim().split(',')
    expect(newKey).not.toBe(oldKey)
    expect(kept).toBe(oldKey)
    expect(statSync(keyFile(env)).mode & 0o777).toBe(0o600)
    expect(await readAllWith(env, newKey!)).toEqual(tokens)
    await expect(readAllWith(env, oldKey)).rejects.toMatchObject({ code: 'ERR_ENCRYPTION_KEY' })

    const checked = await cli(['keys', 'rotate', '--check'], env)
    expect(checked.code).toBe(0)
    expect(checked.stdout).toContain('the old key (id ')
    const second = await cli(['keys', 'rotate'], env)
    expect(second.code).toBe(0)
    expect(second.stdout).toContain('0 row(s) were still under an old key.')
    expect(readFileSync(keyFile(env), 'utf8').trim()).toBe(newKey)
    expect(statSync(keyFile(env)).mode & 0o777).toBe(0o600)
    for (const output of [run, checked, second]) {
      expect(output.stdout + output.stderr).not.toContain(newKey)
      expect(output.stdout + output.stderr).not.toContain(oldKey)
    }
    expect(await readAllWith(env, newKey!)).toEqual(tokens)
  })

  it('a process still running with the old key writes under it after the rotation: --check names the row, the second run re-encrypts it', async () => {
    const env = environment()
    await connect(env, 'a')
    await connect(env, 'b')
    const oldKey = readFileSync(keyFile(env), 'utf8').trim()
    // A long-running process: opened (and admitted to write) before the rotation.
    const running = await openSqliteStore({
      path: env.ZOHO_AUTH_DB ?? '',
      keyRing: KeyRing.parse(oldKey),
    })
    const read = await running.get('b')
    expect(await running.update('b', { lastError: null }, read!.version, Date.now())).not.toBeNull()
    expect((await cli(['keys', 'rotate'], env)).code).toBe(0)
    const newKey = readFileSync(keyFile(env), 'utf8').trim().split(',')[0]!
    // It stores a new grant (a connect flow it was serving), every secret under the old key.
    await running.create(
      { ...read!, id: 'c', refreshToken: `1000.${'e'.repeat(32)}.${'f'.repeat(32)}` },
      Date.now(),
    )
    await running.close()
    await expect(readAllWith(env, newKey)).rejects.toMatchObject({ code: 'ERR_ENCRYPTION_KEY' })

    const checked = await cli(['keys', 'rotate', '--check'], env)
    expect(checked.code).toBe(1)
    expect(checked.stderr).toContain(
      `1 row(s) still have secrets under a key other than ${KeyRing.parse(newKey).primaryKeyId}: connection c (key ${KeyRing.parse(oldKey).primaryKeyId})`,
    )
    expect(checked.stderr).toContain('→ Keep that key in the ring.')
    const second = await cli(['keys', 'rotate'], env)
    expect(second.code).toBe(0)
    expect(second.stdout).toContain(
      `1 row(s) were still under an old key (connection c (key ${KeyRing.parse(oldKey).primaryKeyId})), written by a process that had not restarted`,
    )
    expect(readFileSync(keyFile(env), 'utf8').trim()).toBe(newKey)
    expect(await readAllWith(env, newKey)).toHaveLength(3)
    expect((await cli(['keys', 'rotate', '--check'], env)).code).toBe(0)
  })

  it('a rotation waits for one already running and then finishes it, instead of starting its own', async () => {
    const env = environment()
    await connect(env, 'a')
    await connect(env, 'b')
    const path = env.ZOHO_AUTH_DB!
    const oldKey = readFileSync(keyFile(env), 'utf8').trim()
    // This test is the first rotation: it holds the lock through step one.
    const release = await takeRotationLock({ kind: 'sqlite', path })
    const second = spawnBin(['keys', 'rotate'], env)
    try {
      // Event: the second process has the lock file open, so it is waiting on our lock.
      await within(15_000, opened(second.child.pid!, `${path}.keys-lock`))
      const newKey = generateEncryptionKey()
      writeFileSync(keyFile(env), `${newKey},${oldKey}\n`, { mode: 0o600 })
      const store = await openSqliteStore({ path, keyRing: KeyRing.parse(`${newKey},${oldKey}`) })
      expect(await store.reencryptAll()).toBe(2)
      await store.close()
    } finally {
      await release()
    }
    expect((await within(15_000, second.exited)).code).toBe(0)
    // It read the key file only after our step: it finished that rotation, not one of its own.
    expect(second.stdout).toContain('0 row(s) were still under an old key.')
    const ring = readFileSync(keyFile(env), 'utf8').trim()
    expect(ring.split(',')).toHaveLength(1)
    expect(await readAllWith(env, ring)).toHaveLength(2)
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
    expect(run.stdout).toContain(
      'Keep ZOHO_AUTH_ENCRYPTION_KEY as NEW,OLD wherever zoho-auth runs until every process has restarted with it',
    )
    expect(run.stdout).not.toContain(newKey)
    const ring = { ...env, ZOHO_AUTH_ENCRYPTION_KEY: `${newKey},${oldKey}` }
    expect(await cli(['keys', 'rotate', '--check'], ring)).toMatchObject({ code: 0 })
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
    const newKey = readFileSync(keyFile(env), 'utf8').trim().split(',')[0]!
    expect(newKey).not.toBe(oldKey)
    expect(await readAllWith(env, newKey)).toHaveLength(1)
  })
})
