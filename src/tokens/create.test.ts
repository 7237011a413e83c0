import { describe, it, expect, vi } from 'vitest'
import { mintKey } from './budget.js'
import { harness, TEST_CLIENT, UnreadableRowStore } from './test-support.js'
import { TokenManager } from './manager.js'

const WINDOW = 600_000

describe('TokenManager.createFromCode', () => {
  it('createFromCode: sends the code to the DC of the user with that DC secret and stores the grant', async () => {
    const h = harness({
      client: { ...TEST_CLIENT, dcSecrets: { eu: 'fedcba9876543210fedcba9876543210fedcba9876' } },
    })
    const code = h.zoho.newCode()
    const connection = await h.manager.createFromCode({
      id: 'acme',
      code,
      dc: 'eu',
      redirectURI: 'http://localhost:3001/oauth/callback',
      codeVerifier: 'v'.repeat(43),
    })
    const request = h.zoho.requests[0]
    expect(request?.url.origin).toBe('https://accounts.zoho.eu')
    expect(request?.form.get('client_secret')).toBe('fedcba9876543210fedcba9876543210fedcba9876')
    expect(request?.form.get('code_verifier')).toBe('v'.repeat(43))
    expect(connection).toMatchObject({
      id: 'acme',
      clientId: TEST_CLIENT.clientId,
      dc: 'eu',
      accountsServer: 'https://accounts.zoho.eu',
      apiDomain: 'https://www.zohoapis.eu',
      scopes: ['ZohoCRM.modules.ALL', 'AaaServer.profile.READ'],
      zuid: '700000001',
      email: 'ada@example.com',
      status: 'active',
      accessTokenExpiresAt: h.clock.value + 3_600_000,
    })
    // The user info call went to the same DC's accounts server.
    expect(h.zoho.requests[1]?.url.href).toBe('https://accounts.zoho.eu/oauth/user/info')
    // The exchange's access token is a mint of the new refresh token.
    expect(
      await h.store.mintsInWindow(mintKey(connection.refreshToken), h.clock.value, WINDOW),
    ).toEqual([h.clock.value])
    // And it is served without another request.
    expect((await h.manager.getToken('acme')).accessToken).toBe(connection.accessToken)
    expect(h.zoho.count('refresh_token')).toBe(0)
    expect(h.events).toEqual([{ type: 'created', connectionId: 'acme' }])
  })

  it("createFromCode: stores its DC's API domain, not another one the token answer names, and warns", async () => {
    const h = harness()
    h.zoho.apiDomain = 'https://www.zohoapis.eu'
    const connection = await h.manager.createFromCode({ id: 'acme', code: h.zoho.newCode() })
    expect(connection.apiDomain).toBe('https://www.zohoapis.com')
    expect((await h.manager.getToken('acme')).apiDomain).toBe('https://www.zohoapis.com')
    expect(h.events).toContainEqual({
      type: 'warning',
      connectionId: 'acme',
      message:
        'Zoho\'s token answer for "acme" named API domain "https://www.zohoapis.eu", not https://www.zohoapis.com of its data centre (us): the data centre\'s is used.',
    })
    // The CRM user lookup went to the trusted host too.
    h.zoho.scope = 'ZohoCRM.users.READ'
    await h.manager.createFromCode({ id: 'crm', code: h.zoho.newCode() })
    const crm = h.zoho.requests.find((r) => r.url.pathname === '/crm/v8/users')
    expect(crm?.url.origin).toBe('https://www.zohoapis.com')
  })

  it('createFromCode: finds the user through CRM when only CRM users scope is granted', async () => {
    const h = harness()
    h.zoho.scope = 'ZohoCRM.modules.ALL,ZohoCRM.users.READ'
    const connection = await h.manager.createFromCode({ id: 'crm', code: h.zoho.newCode() })
    const crm = h.zoho.requests.find((r) => r.url.pathname === '/crm/v8/users')
    expect(crm?.url.href).toBe('https://www.zohoapis.com/crm/v8/users?type=CurrentUser')
    expect(crm?.headers.get('authorization')).toBe(`Zoho-oauthtoken ${connection.accessToken}`)
    expect(h.zoho.requests.some((r) => r.url.pathname === '/oauth/user/info')).toBe(false)
    expect(connection).toMatchObject({ zuid: '700000001', email: 'ada@example.com' })
  })

  it('createFromCode: with unknown scopes tries both lookups and tolerates failure', async () => {
    const h = harness()
    h.zoho.scope = undefined
    const failing: typeof fetch = async (input, init) => {
      if (String(input).includes('/oauth/v2/token')) return h.zoho.fetch(input, init)
      return new Response('{"code":"OAUTH_SCOPE_MISMATCH"}', { status: 401 })
    }
    const manager = h.sibling({ fetch: failing })
    const connection = await manager.createFromCode({ id: 'who', code: h.zoho.newCode() })
    expect(connection).toMatchObject({ scopes: [], zuid: null, email: null, status: 'active' })
  })

  it('createFromCode: an existing id without replace fails with ERR_CONNECTION_EXISTS before spending the code', async () => {
    const h = harness()
    await h.seed({ id: 'acme', expiresInMs: 60_000 })
    const code = h.zoho.newCode()
    await expect(h.manager.createFromCode({ id: 'acme', code })).rejects.toMatchObject({
      code: 'ERR_CONNECTION_EXISTS',
      message: 'A connection with id "acme" already exists',
    })
    expect(h.zoho.requests).toEqual([])
    const replaced = await h.manager.createFromCode({ id: 'acme', code, replace: true })
    expect((await h.manager.getToken('acme')).accessToken).toBe(replaced.accessToken)
  })

  it('createFromCode: replace fences a refresh of the old grant still in flight', async () => {
    const h = harness()
    await h.seed({ id: 'acme', expiresInMs: -1 })
    let release = (): void => undefined
    h.zoho.refreshOutcomes.push({
      hold: new Promise<void>((resolve) => {
        release = resolve
      }),
    })
    const stale = h.manager.getToken('acme')
    await vi.waitFor(() => expect(h.zoho.count('refresh_token')).toBe(1))
    const replaced = await h
      .sibling()
      .createFromCode({ id: 'acme', code: h.zoho.newCode(), replace: true })
    release()
    expect((await stale).accessToken).toBe(replaced.accessToken)
    expect(await h.store.get('acme')).toMatchObject({
      refreshToken: replaced.refreshToken,
      accessToken: replaced.accessToken,
    })
  })

  it("createFromCode: a spent code fails with Zoho's invalid_code and stores nothing", async () => {
    const h = harness()
    await expect(
      h.manager.createFromCode({ id: 'acme', code: h.zoho.newToken() }),
    ).rejects.toMatchObject({ code: 'ERR_ZOHO_OAUTH', error: 'invalid_code' })
    expect(await h.manager.get('acme')).toBeNull()
  })

  it('createFromCode: an unknown DC fails before any request', async () => {
    const h = harness()
    await expect(
      h.manager.createFromCode({
        id: 'acme',
        code: `1000.${'a'.repeat(32)}.${'b'.repeat(32)}`,
        dc: 'xx' as 'us',
      }),
    ).rejects.toMatchObject({ code: 'ERR_UNKNOWN_DATA_CENTER' })
    expect(h.zoho.requests).toEqual([])
  })

  it('createFromCode: the 21st grant of one user warns that Zoho evicts the oldest, whose later invalid_code says so', async () => {
    const h = harness()
    const created: string[] = []
    for (let i = 1; i <= 21; i++) {
      h.clock.advance(1000)
      created.push((await h.manager.createFromCode({ id: `c${i}`, code: h.zoho.newCode() })).id)
    }
    const createdEvents = h.events.filter((e) => e.type === 'created')
    expect(createdEvents.slice(0, 20).every((e) => !('evicts' in e))).toBe(true)
    expect(createdEvents[20]).toEqual({ type: 'created', connectionId: 'c21', evicts: ['c1'] })
    expect(h.events).toContainEqual({
      type: 'warning',
      connectionId: 'c1',
      message:
        'Zoho evicted the refresh token of "c1": ada@example.com granted this client 20 newer ones (the newest is "c21"); grant access again for "c1" if it is still needed.',
    })
    // Zoho deleted it: the next refresh answers invalid_code.
    const c1 = await h.store.get('c1')
    h.zoho.validRefreshTokens.delete(c1?.refreshToken ?? '')
    h.clock.advance(3_600_000)
    const error = await h.manager.getToken('c1').catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'ERR_NEEDS_REAUTH',
      evicted: true,
      message:
        'Connection "c1" needs to be authorised again: Zoho evicted this refresh token because the same user granted this client 20 newer ones',
    })
    expect(h.events).toContainEqual({
      type: 'needs_reauth',
      connectionId: 'c1',
      reason:
        'Zoho evicted this refresh token because the same user granted this client 20 newer ones',
      evicted: true,
    })
    expect(await h.store.get('c1')).toMatchObject({ status: 'needs_reauth', evicted: true })
    // Another process that never saw the warning reaches the same verdict from the store.
    const c2 = await h.store.get('c2')
    h.zoho.validRefreshTokens.delete(c2?.refreshToken ?? '')
    const fresh = new TokenManager({ ...h.options, ownerId: 'process-c' })
    await expect(fresh.getToken('c2')).rejects.toMatchObject({ evicted: false })
    await expect(fresh.getToken('c1')).rejects.toMatchObject({ evicted: true })
  })
})

describe('TokenManager eviction accounting', () => {
  it("createFromCode: revoked grants of the same user do not count towards Zoho's 20", async () => {
    const h = harness()
    for (let i = 1; i <= 20; i++) {
      h.clock.advance(1000)
      await h.manager.createFromCode({ id: `c${i}`, code: h.zoho.newCode() })
    }
    await h.manager.revoke('c5')
    h.clock.advance(1000)
    await h.manager.createFromCode({ id: 'c21', code: h.zoho.newCode() })
    expect(h.events.filter((e) => e.type === 'warning')).toEqual([])
    expect(h.events.at(-1)).toEqual({ type: 'created', connectionId: 'c21' })
  })
  it('getToken: invalid_code for a grant whose 20 newer ones include a revoked one is not called an eviction', async () => {
    const h = harness()
    for (let i = 1; i <= 21; i++) {
      h.clock.advance(1000)
      // c5 is revoked before c21 is granted: Zoho never holds more than 20, c1 is not evicted.
      if (i === 21) await h.manager.revoke('c5')
      await h.manager.createFromCode({ id: `c${i}`, code: h.zoho.newCode() })
    }
    expect(h.events.filter((e) => e.type === 'warning')).toEqual([])
    // The user revokes c1 at Zoho: its 20 newer grants hold only 19 slots.
    const c1 = await h.store.get('c1')
    h.zoho.validRefreshTokens.delete(c1?.refreshToken ?? '')
    h.clock.advance(3_600_000)
    await expect(h.manager.getToken('c1')).rejects.toMatchObject({
      code: 'ERR_NEEDS_REAUTH',
      evicted: false,
    })
    expect(await h.store.get('c1')).toMatchObject({ status: 'needs_reauth', evicted: false })
  })

  it('getToken: whether a connection was evicted is read from the stored flag, not from lastError', async () => {
    const h = harness()
    await h.seed({ id: 'a', expiresInMs: -1 })
    await h.seed({ id: 'b', expiresInMs: -1 })
    const a = await h.store.get('a')
    const b = await h.store.get('b')
    await h.store.update(
      'a',
      { status: 'needs_reauth', lastError: 'refresh failed: evicted?', evicted: false },
      a?.version ?? 0,
      h.clock.value,
    )
    await h.store.update(
      'b',
      { status: 'needs_reauth', lastError: null, evicted: true },
      b?.version ?? 0,
      h.clock.value,
    )
    await expect(h.manager.getToken('a')).rejects.toMatchObject({ evicted: false })
    await expect(h.manager.getToken('b')).rejects.toMatchObject({ evicted: true })
  })

  it('createFromCode: a replaced connection counts as the newest grant, so the oldest other one is evicted', async () => {
    const h = harness()
    for (let i = 1; i <= 21; i++) {
      h.clock.advance(1000)
      await h.manager.createFromCode({ id: `c${i}`, code: h.zoho.newCode() })
    }
    h.events.length = 0
    h.clock.advance(1000)
    await h.manager.createFromCode({ id: 'c1', code: h.zoho.newCode(), replace: true })
    expect(h.events.at(-1)).toEqual({ type: 'created', connectionId: 'c1', evicts: ['c2'] })
  })

  it('createFromCode: a stored row that cannot be decrypted does not fail the creation', async () => {
    const h = harness({ store: new UnreadableRowStore() })
    const connection = await h.manager.createFromCode({ id: 'acme', code: h.zoho.newCode() })
    expect(connection).toMatchObject({ id: 'acme', status: 'active' })
    expect(h.events).toContainEqual({ type: 'created', connectionId: 'acme' })
  })
})

describe('TokenManager.importRefreshToken', () => {
  it('importRefreshToken: validates the token with one counted refresh and stores it', async () => {
    const h = harness()
    const refreshToken = h.zoho.newToken()
    h.zoho.validRefreshTokens.add(refreshToken)
    const connection = await h.manager.importRefreshToken({
      id: 'imp',
      refreshToken: ` ${refreshToken}\n`,
    })
    expect(connection).toMatchObject({
      id: 'imp',
      refreshToken,
      zuid: '700000001',
      status: 'active',
    })
    expect(h.zoho.count('refresh_token')).toBe(1)
    expect(await h.store.mintsInWindow(mintKey(refreshToken), h.clock.value, WINDOW)).toHaveLength(
      1,
    )
  })

  it('importRefreshToken: a mangled paste fails before any request', async () => {
    const h = harness()
    await expect(
      h.manager.importRefreshToken({ id: 'imp', refreshToken: `Bearer ${h.zoho.newToken()}` }),
    ).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_FORMAT' })
    expect(h.zoho.requests).toEqual([])
  })

  it('importRefreshToken: a dead token fails now with invalid_code, spends no budget, stores nothing', async () => {
    const h = harness()
    const refreshToken = h.zoho.newToken()
    await expect(h.manager.importRefreshToken({ id: 'imp', refreshToken })).rejects.toMatchObject({
      code: 'ERR_CREDENTIAL_FORMAT',
      message: 'Zoho rejected the refresh token although it is well-formed',
    })
    expect(await h.manager.get('imp')).toBeNull()
    expect(await h.store.mintsInWindow(mintKey(refreshToken), h.clock.value, WINDOW)).toEqual([])
  })
})

describe('TokenManager.list', () => {
  it('list: returns the stored connections', async () => {
    const h = harness()
    await h.seed({ id: 'b' })
    await h.seed({ id: 'a' })
    expect((await h.manager.list()).map((c) => c.id)).toEqual(['a', 'b'])
    expect((await h.manager.get('a'))?.id).toBe('a')
  })

  it('importRefreshToken: a spent budget fails with ERR_TOKEN_THROTTLED before any request', async () => {
    const h = harness()
    const { refreshToken } = await h.seed()
    for (let i = 0; i < 10; i++)
      await h.store.recordMint(mintKey(refreshToken), h.clock.value - 1000 + i, WINDOW)
    await expect(
      h.manager.importRefreshToken({ id: 'again', refreshToken, replace: true }),
    ).rejects.toMatchObject({
      code: 'ERR_TOKEN_THROTTLED',
      retryAt: h.clock.value - 1000 + WINDOW + 1,
    })
    expect(h.zoho.count('refresh_token')).toBe(0)
    expect(await h.manager.get('again')).toBeNull()
  })
})
