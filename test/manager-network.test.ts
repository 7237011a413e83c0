/**
 * The TokenManager when the network to Zoho fails, over real sockets: a real refused port, a
 * request that times out after it was sent, a connection cut mid-answer. Only a request that
 * provably minted nothing gives its mint back to the budget (docs/architecture.md, "How a token
 * is served").
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { emulatorDataCenters } from '../src/protocol/data-centers.js'
import { KeyRing } from '../src/stores/crypto.js'
import { openSqliteStore, type SqliteStore } from '../src/stores/sqlite.js'
import { mintKey } from '../src/tokens/budget.js'
import { TokenManager } from '../src/tokens/manager.js'
import type { TokenManagerOptions } from '../src/tokens/types.js'
import { switchableServer, type SwitchableServer } from './fixtures/switchable-server.js'
import { startTestEmulator, type TestClient, type TestEmulator } from './support/emulator.js'

const WINDOW = 600_000

let zoho: TestEmulator
let accounts: SwitchableServer
let store: SqliteStore
let client: TestClient

beforeAll(async () => {
  zoho = await startTestEmulator()
  accounts = await switchableServer(zoho.running.emulator)
})
afterAll(async () => {
  await accounts.down()
  await zoho.close()
})
beforeEach(async () => {
  await accounts.up()
  await zoho.control('reset', {})
  await zoho.control('faults', undefined, 'DELETE')
  client = await zoho.client({ type: 'self', redirect_uris: [] })
  await zoho.user('ada@example.com')
  const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-manager-network-'))
  store = await openSqliteStore({
    path: join(dir, 'tokens.db'),
    keyRing: KeyRing.parse(Buffer.alloc(32, 9).toString('base64')),
  })
})
afterEach(async () => {
  await store.close()
})

/** A manager whose accounts servers are on the switchable port. */
function newManager(options: Partial<TokenManagerOptions> = {}): TokenManager {
  return new TokenManager({
    store,
    client: { clientId: client.client_id, clientSecret: client.client_secret },
    dataCenters: emulatorDataCenters(accounts.url),
    allowInsecureHTTP: true,
    retry: { attempts: 3, baseDelayMs: 1 },
    ...options,
  })
}

/**
 * Connects "crm" through the switchable port, then lets its access token expire by our clock; a
 * manager started afterwards has nothing cached, like a new process.
 */
async function connectExpired(): Promise<string> {
  const manager = newManager()
  const code = await zoho.selfClientCode({
    client_id: client.client_id,
    scope: 'ZohoCRM.users.READ',
    email: 'ada@example.com',
  })
  const created = await manager.createFromCode({ id: 'crm', code, dc: 'us' })
  const now = Date.now()
  await store.update('crm', { accessTokenExpiresAt: now - 1 }, created.version, now)
  await manager.close()
  return created.refreshToken
}

async function mints(refreshToken: string): Promise<number> {
  return (await store.mintsInWindow(mintKey(refreshToken), Date.now(), WINDOW)).length
}

async function refreshes(): Promise<number> {
  return (await zoho.stats()).by_client[client.client_id]?.token_endpoint.refresh_token ?? 0
}

describe('TokenManager when the network fails', () => {
  it('getToken: twelve attempts against a refused port spend no budget, and the first one after Zoho is back succeeds', async () => {
    const refreshToken = await connectExpired()
    const manager = newManager()
    expect(await mints(refreshToken)).toBe(1) // the code exchange
    await accounts.down()
    for (let i = 0; i < 4; i++) {
      // 3 attempts each: 12 token requests that never reached a server.
      await expect(manager.getToken('crm')).rejects.toMatchObject({
        code: 'ERR_TRANSPORT',
        timeout: false,
      })
    }
    expect(await mints(refreshToken)).toBe(1)
    await accounts.up()
    const token = await manager.getToken('crm')
    expect((await store.get('crm'))?.accessToken).toBe(token.accessToken)
    expect(await refreshes()).toBe(1)
    expect(await mints(refreshToken)).toBe(2)
    await manager.close()
  })

  it('getToken: a request that timed out after it was sent still counts', async () => {
    const refreshToken = await connectExpired()
    const manager = newManager({ requestTimeoutMs: 200, retry: { attempts: 1 } })
    await zoho.control('faults', { path: '/oauth/v2/token', latency_ms: 2000, count: 1 })
    await expect(manager.getToken('crm')).rejects.toMatchObject({
      code: 'ERR_TRANSPORT',
      timeout: true,
    })
    expect(await mints(refreshToken)).toBe(2)
    await manager.close()
  })

  it('getToken: a connection cut after the request was sent still counts', async () => {
    const refreshToken = await connectExpired()
    const manager = newManager({ retry: { attempts: 1 } })
    await zoho.control('faults', { path: '/oauth/v2/token', drop: true, count: 1 })
    await expect(manager.getToken('crm')).rejects.toMatchObject({
      code: 'ERR_TRANSPORT',
      timeout: false,
    })
    expect(await mints(refreshToken)).toBe(2)
    await manager.close()
  })

  it('getToken: an error answer (invalid_client) spends no budget', async () => {
    const refreshToken = await connectExpired()
    const manager = newManager()
    await zoho.control('faults', {
      path: '/oauth/v2/token',
      body: '{"error":"invalid_client"}',
      count: 1,
    })
    await expect(manager.getToken('crm')).rejects.toMatchObject({ error: 'invalid_client' })
    expect(await mints(refreshToken)).toBe(1)
    await manager.close()
  })
})
