/**
 * What the CLI says when the store cannot be used as it is: the wrong encryption key, a damaged
 * or unwritable file, a garbled row. In-process against the emulator and a real SQLite file.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { KeyRing } from '../src/stores/crypto.js'
import { openSqliteStore } from '../src/stores/sqlite.js'
import { newConnection } from './store-contract.js'
import { runCommand } from './support/cli.js'
import { startTestEmulator, type TestClient, type TestEmulator } from './support/emulator.js'

const KEY = Buffer.alloc(32, 7).toString('base64')
const OTHER_KEY = Buffer.alloc(32, 8).toString('base64')
const KEY_ID = KeyRing.parse(KEY).primaryKeyId
const OTHER_KEY_ID = KeyRing.parse(OTHER_KEY).primaryKeyId
let zoho: TestEmulator
let client: TestClient

beforeAll(async () => {
  zoho = await startTestEmulator()
})
afterAll(async () => {
  await zoho.close()
})
beforeEach(async () => {
  await zoho.control('reset', {})
  client = await zoho.client({ type: 'self', redirect_uris: [] })
  await zoho.user('ada@example.com')
})

function environment(): Record<string, string> & { ZOHO_AUTH_DB: string } {
  const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-cli-stores-'))
  return {
    HOME: dir,
    ZOHO_CLIENT_ID: client.client_id,
    ZOHO_CLIENT_SECRET: client.client_secret,
    ZOHO_EMULATOR_URL: zoho.url,
    ZOHO_AUTH_DB: join(dir, 'tokens.db'),
    ZOHO_AUTH_ENCRYPTION_KEY: KEY,
  }
}

const code = (): Promise<string> =>
  zoho.selfClientCode({
    client_id: client.client_id,
    scope: 'ZohoCRM.users.READ',
    email: 'ada@example.com',
  })

/** The key ids of every ciphertext in the file, read behind the store's back. */
function keyIdsInFile(path: string): string[] {
  const db = new Database(path, { readonly: true })
  try {
    const rows = db
      .prepare('SELECT refresh_token_enc AS r, access_token_enc AS a FROM connections')
      .all() as Array<{ r: string; a: string | null }>
    return [
      ...new Set(rows.flatMap((row) => [row.r, row.a ?? row.r]).map((c) => c.split('.')[1] ?? '')),
    ]
  } finally {
    db.close()
  }
}

describe('zoho-auth with the wrong encryption key', () => {
  it('exchange with another key is refused before it writes, naming the key ids; the right key still serves', async () => {
    const env = environment()
    expect((await runCommand(['exchange', '--code', await code()], env)).code).toBe(0)

    const wrong = { ...env, ZOHO_AUTH_ENCRYPTION_KEY: OTHER_KEY }
    const refused = await runCommand(
      ['exchange', '--code', await code(), '--connection', 'b'],
      wrong,
    )
    expect(refused.code).toBe(1)
    expect(refused.stdout).toBe('')
    expect(refused.stderr).toBe(
      `zoho-auth: ZOHO_AUTH_ENCRYPTION_KEY is not the key this database is encrypted with: its data is under key id ${KEY_ID}, the key ring has ${OTHER_KEY_ID}\n` +
        `  → Set ZOHO_AUTH_ENCRYPTION_KEY to the key with id ${KEY_ID} (nothing was written with this one). To move to a new key, list it first and the old one after it (NEW,OLD), then drop the old one once everything is re-encrypted.\n`,
    )
    expect(keyIdsInFile(env.ZOHO_AUTH_DB)).toEqual([KEY_ID])

    const token = await runCommand(['token'], env)
    expect(token).toMatchObject({ code: 0, stderr: '' })
    expect(token.stdout).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}\n$/)
  })

  it('token finds the default connection without decrypting the others', async () => {
    const env = environment()
    expect((await runCommand(['exchange', '--code', await code()], env)).code).toBe(0)
    // A row under a key this ring lacks (left by a rotation that lost its old key).
    const store = await openSqliteStore({
      path: env.ZOHO_AUTH_DB,
      keyRing: KeyRing.parse(`${OTHER_KEY},${KEY}`),
    })
    await store.create(newConnection('zz-other'), Date.now())
    await store.close()

    const token = await runCommand(['token'], env)
    expect(token).toMatchObject({ code: 0, stderr: '' })
    expect(token.stdout).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}\n$/)
  })
})
