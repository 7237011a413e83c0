/**
 * The TokenManager against the emulator over a socket, with a real SQLite file: the failure
 * classes of docs/architecture.md ("How a token is served", 7–9) as Zoho really produces them.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { revokeToken } from '../src/protocol/token-endpoint.js'
import { KeyRing } from '../src/stores/crypto.js'
import { openSqliteStore, type SqliteStore } from '../src/stores/sqlite.js'
import { NeedsReauthError } from '../src/tokens/errors.js'
import { TokenManager } from '../src/tokens/manager.js'
import type { TokenEvent } from '../src/tokens/types.js'
import { startTestEmulator, type TestClient, type TestEmulator } from './support/emulator.js'

let zoho: TestEmulator
let store: SqliteStore
let client: TestClient
let manager: TokenManager
let events: TokenEvent[]

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
  const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-manager-e2e-'))
  store = await openSqliteStore({
    path: join(dir, 'tokens.db'),
    keyRing: KeyRing.parse(Buffer.alloc(32, 9).toString('base64')),
  })
  manager = newManager()
  events = []
  manager.on((event) => events.push(event))
})
afterEach(async () => {
  await manager.close()
  await store.close()
})

function newManager(
  options: {
    retry?: { attempts?: number; baseDelayMs?: number; deadlineMs?: number }
    now?: () => number
  } = {},
): TokenManager {
  return new TokenManager({
    store,
    client: { clientId: client.client_id, clientSecret: client.client_secret },
    dataCenters: zoho.dataCenters,
    allowInsecureHTTP: true,
    ...options,
  })
}

async function connect(id: string, scope = 'ZohoCRM.users.READ'): Promise<void> {
  const code = await zoho.selfClientCode({
    client_id: client.client_id,
    scope,
    email: 'ada@example.com',
  })
  await manager.createFromCode({ id, code, dc: 'us' })
}

/** This test's client's refreshes: an earlier test's delayed request may still land. */
async function refreshes(): Promise<number> {
  return (await zoho.stats()).by_client[client.client_id]?.token_endpoint.refresh_token ?? 0
}

describe('TokenManager against the emulator', () => {
  it('getToken after the refresh token was revoked at Zoho marks needs_reauth and keeps the connection', async () => {
    await connect('crm')
    const stored = await store.get('crm')
    await revokeToken(
      { accountsServer: stored!.accountsServer, token: stored!.refreshToken },
      { allowInsecureHTTP: true },
    )
    // A fresh process: nothing cached, and the stored access token died with its refresh token.
    await store.update('crm', { accessTokenExpiresAt: Date.now() - 1 }, stored!.version, Date.now())
    const fresh = newManager()
    const error = await fresh.getToken('crm').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NeedsReauthError)
    expect((error as NeedsReauthError).message).toBe(
      'Connection "crm" needs to be authorised again: Zoho rejected its refresh token (invalid_code): it was revoked, or deleted by Zoho',
    )
    const kept = await store.get('crm')
    expect(kept).toMatchObject({
      id: 'crm',
      status: 'needs_reauth',
      refreshToken: stored!.refreshToken,
    })
    await fresh.close()
  })

  it('getToken keeps serving a still-valid token while Zoho answers 503 and times out, within bounded retries', async () => {
    await connect('crm')
    const stored = await store.get('crm')
    await zoho.control('faults', {
      path: '/oauth/v2/token',
      status: 503,
      body: 'Service Unavailable',
      count: 2,
    })
    await zoho.control('faults', { path: '/oauth/v2/token', latency_ms: 3000, count: 1 })
    await zoho.control('stats/reset', {})
    // A process whose clock says the hour-long token has 10 s left: inside the refresh margin,
    // still valid, so it is served at once and refreshed in the background.
    const fresh = newManager({
      now: () => Date.now() + 3_590_000,
      retry: { attempts: 3, baseDelayMs: 10, deadlineMs: 2000 },
    })
    const warnings: TokenEvent[] = []
    fresh.on((event) => warnings.push(event))
    const served = await Promise.all(Array.from({ length: 50 }, () => fresh.getAccessToken('crm')))
    expect(new Set(served)).toEqual(new Set([stored!.accessToken]))
    await fresh.close() // waits for the background refresh to give up
    expect(warnings.some((e) => e.type === 'warning')).toBe(true)
    expect((await store.get('crm'))!.status).toBe('active')
    // Faulted requests are not counted by the emulator; none got through to mint.
    expect(await refreshes()).toBe(0)
  })

  it('invalidate: 100 concurrent 401s for the same token cause one refresh', async () => {
    await connect('crm')
    const before = await manager.getToken('crm')
    await zoho.control('stats/reset', {})
    const fresh = await Promise.all(
      Array.from({ length: 100 }, () => manager.invalidate('crm', before.accessToken)),
    )
    expect(new Set(fresh.map((t) => t.accessToken)).size).toBe(1)
    expect(fresh[0]!.accessToken).not.toBe(before.accessToken)
    expect(await refreshes()).toBe(1)
  })

  it('createFromCode warns at the 21st grant of one user, and the evicted connection says so', async () => {
    for (let i = 1; i <= 20; i += 1) await connect(`c${i}`)
    expect(events.filter((e) => e.type === 'warning')).toEqual([])
    await connect('c21')
    const created = events.find((e) => e.type === 'created' && e.connectionId === 'c21')
    expect(created).toMatchObject({ evicts: ['c1'] })
    expect(events.some((e) => e.type === 'warning' && e.connectionId === 'c1')).toBe(true)

    const c1 = await store.get('c1')
    await store.update('c1', { accessTokenExpiresAt: Date.now() - 1 }, c1!.version, Date.now())
    const error = await newManager()
      .getToken('c1')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NeedsReauthError)
    expect((error as NeedsReauthError).evicted).toBe(true)
    expect((error as NeedsReauthError).message).toContain(
      'Zoho evicted this refresh token because the same user granted this client 20 newer ones',
    )
  }, 30_000)

  it('revoke: a 503 or an HTTP-200 Access Denied leaves the connection active and usable, and a later revoke retries', async () => {
    await connect('crm')
    const before = await store.get('crm')
    const path = '/oauth/v2/token/revoke'
    await zoho.control('faults', { path, status: 503, body: '{"error":"server_error"}', count: 1 })
    await zoho.control('faults', {
      path,
      status: 200,
      body: '{"error":"Access Denied","error_description":"You have made too many requests continuously. Please try again after some time."}',
      count: 1,
    })
    for (const said of [/HTTP 503|server_error/, /Access Denied/]) {
      const error = await manager.revoke('crm').catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'ERR_REVOKE_FAILED', connectionId: 'crm' })
      expect((error as Error).message).toMatch(said)
      expect(await store.get('crm')).toEqual(before)
    }
    // Still live at Zoho, and still served.
    await zoho.control('stats/reset', {})
    await manager.invalidate('crm', before!.accessToken!)
    expect(await refreshes()).toBe(1)
    await manager.revoke('crm')
    expect(await store.get('crm')).toMatchObject({ status: 'revoked', accessToken: null })
    const byClient = (await zoho.stats()).by_client[client.client_id] as unknown as {
      revoke: number
    }
    expect(byClient.revoke).toBe(1)
  })

  it('revoke: a refresh token the emulator no longer knows (HTTP 400) is already revoked', async () => {
    await connect('crm')
    const stored = await store.get('crm')
    await revokeToken(
      { accountsServer: stored!.accountsServer, token: stored!.refreshToken },
      { allowInsecureHTTP: true },
    )
    await manager.revoke('crm')
    expect(await store.get('crm')).toMatchObject({ status: 'revoked', accessToken: null })
    expect(events).toContainEqual({ type: 'revoked', connectionId: 'crm' })
  })

  it('getToken hands out no token for a row whose api_domain was altered in the database', async () => {
    await connect('crm')
    const stored = await store.get('crm')
    expect(stored?.apiDomain).toBe(zoho.dataCenters.byLocation('us')?.apiDomain)
    await store.update('crm', { apiDomain: 'https://evil.example' }, stored!.version, Date.now())
    const error = await newManager()
      .getToken('crm')
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_UNTRUSTED_API_DOMAIN', connectionId: 'crm' })
  })
})
