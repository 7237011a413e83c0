/**
 * The setting most CLI tests share: the emulator on a socket, reset before each test with one
 * Self Client and the user ada@example.com, and a fresh HOME and SQLite file per environment.
 * Call it at the top of a test file; it registers its own hooks.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, expect } from 'vitest'
import { runCommand } from './cli.js'
import { startTestEmulator, type TestClient, type TestEmulator } from './emulator.js'

export const SELF_CLIENT_USER = 'ada@example.com'

export interface SelfClientCli {
  readonly zoho: TestEmulator
  readonly client: TestClient
  /** A fresh HOME and database; `key` becomes ZOHO_AUTH_ENCRYPTION_KEY (none: the key file). */
  environment(key?: string): Record<string, string>
  /** Exchanges a fresh Self Client code as connection `name` (default "default"). */
  connect(env: Record<string, string>, options?: { name?: string; scope?: string }): Promise<void>
}

export function useSelfClientCli(prefix: string): SelfClientCli {
  let zoho: TestEmulator | undefined
  let client: TestClient | undefined
  beforeAll(async () => {
    zoho = await startTestEmulator()
  })
  afterAll(async () => {
    await zoho?.close()
  })
  beforeEach(async () => {
    await fixture.zoho.control('reset', {})
    client = await fixture.zoho.client({ type: 'self', redirect_uris: [] })
    await fixture.zoho.user(SELF_CLIENT_USER)
  })
  const fixture: SelfClientCli = {
    get zoho() {
      if (zoho === undefined) throw new Error('the emulator starts in beforeAll')
      return zoho
    },
    get client() {
      if (client === undefined) throw new Error('the client is registered in beforeEach')
      return client
    },
    environment(key) {
      const dir = mkdtempSync(join(tmpdir(), `zoho-auth-${prefix}-`))
      return {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        ZOHO_CLIENT_ID: fixture.client.client_id,
        ZOHO_CLIENT_SECRET: fixture.client.client_secret,
        ZOHO_EMULATOR_URL: fixture.zoho.url,
        ZOHO_AUTH_DB: join(dir, 'tokens.db'),
        ...(key === undefined ? {} : { ZOHO_AUTH_ENCRYPTION_KEY: key }),
      }
    },
    async connect(env, { name = 'default', scope = 'ZohoCRM.users.READ' } = {}) {
      const code = await fixture.zoho.selfClientCode({
        client_id: fixture.client.client_id,
        scope,
        email: SELF_CLIENT_USER,
      })
      const run = await runCommand(['exchange', '--code', code, '--connection', name], env)
      expect(run.code).toBe(0)
    },
  }
  return fixture
}
