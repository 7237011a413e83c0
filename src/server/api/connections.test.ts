import { afterEach, describe, expect, it } from 'vitest'
import { brokerHarness, type BrokerHarness, type Json } from '../test-support.js'
import { expectError, selfClient, send } from './test-kit.js'

let harness: BrokerHarness
afterEach(() => harness?.close())

describe('GET /api/v1/connections', () => {
  it('lists every connection without a token or secret, times as ISO 8601', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    await harness.connect('globex')
    const stored = await harness.deps.store.get('acme')
    const response = await harness.request('/api/v1/connections')
    expect(response.status).toBe(200)
    const text = await response.text()
    expect(text).not.toContain(stored?.refreshToken)
    expect(text).not.toContain(stored?.accessToken)
    const { connections } = JSON.parse(text) as { connections: Json[] }
    expect(connections.map((c) => c.id)).toEqual(['acme', 'globex'])
    expect(connections[0]).toEqual({
      id: 'acme',
      client_id: stored?.clientId,
      dc: 'us',
      api_domain: 'http://127.0.0.1:9/us/api',
      scopes: [
        'ZohoCRM.modules.ALL',
        'ZohoCRM.settings.ALL',
        'ZohoCRM.users.READ',
        'ZohoCRM.org.READ',
      ],
      user: { zuid: stored?.zuid, email: 'ada@example.com' },
      status: 'active',
      evicted: false,
      last_error: null,
      access_token_expires_at: new Date(stored?.accessTokenExpiresAt ?? 0).toISOString(),
      last_refresh_at: new Date(stored?.updatedAt ?? 0).toISOString(),
      created_at: new Date(stored?.createdAt ?? 0).toISOString(),
      // The code exchange minted one access token of the ten per ten minutes.
      quota: { mints_left: 9, window_seconds: 600 },
    })
  })

  it('answers an empty list when there is no connection', async () => {
    harness = await brokerHarness()
    const response = await harness.request('/api/v1/connections')
    expect(await response.json()).toEqual({ connections: [] })
  })
})

describe('GET /api/v1/connections/:id', () => {
  it('answers one connection, and 404 ERR_CONNECTION_NOT_FOUND for an unknown id', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const found = (await (await harness.request('/api/v1/connections/acme')).json()) as Json
    expect([found.id, found.status, (found.user as Json).email]).toEqual([
      'acme',
      'active',
      'ada@example.com',
    ])
    const error = await expectError(
      await harness.request('/api/v1/connections/nobody'),
      404,
      'ERR_CONNECTION_NOT_FOUND',
    )
    expect(error.message).toBe('No connection "nobody"')
  })

  it("shows the DC table's API domain, not one written into the row", async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const row = await harness.deps.store.get('acme')
    await harness.deps.store.update(
      'acme',
      { apiDomain: 'https://evil.example.com' },
      row?.version ?? 0,
      Date.now(),
    )
    const found = (await (await harness.request('/api/v1/connections/acme')).json()) as Json
    expect(found.api_domain).toBe('http://127.0.0.1:9/us/api')
  })
})

describe('POST /api/v1/connections', () => {
  it('creates a connection from a Self Client code, keeping that client for its refreshes', async () => {
    harness = await brokerHarness()
    const other = await selfClient(harness)
    const response = await send(harness, 'POST', '/api/v1/connections', {
      id: 'tenant-1',
      code: await other.code(),
      client_id: other.clientId,
      client_secret: other.clientSecret,
    })
    expect(response.status).toBe(201)
    const created = (await response.json()) as Json
    expect([created.id, created.client_id, created.status, created.dc]).toEqual([
      'tenant-1',
      other.clientId,
      'active',
      'us',
    ])
    expect((await harness.deps.store.getClient(other.clientId))?.clientSecret).toBe(
      other.clientSecret,
    )
    // A forced refresh is sent as the other client, with its secret.
    const refreshed = await send(harness, 'POST', '/api/v1/connections/tenant-1/refresh')
    expect(refreshed.status).toBe(200)
    const stats = await harness.control('stats')
    const byClient = stats.by_client as Record<string, { token_endpoint: Json }>
    expect(byClient[other.clientId]?.token_endpoint.refresh_token).toBe(1)
  })

  it('imports a refresh token of another client', async () => {
    harness = await brokerHarness()
    const other = await selfClient(harness)
    await send(harness, 'POST', '/api/v1/connections', {
      id: 'first',
      code: await other.code(),
      client_id: other.clientId,
      client_secret: other.clientSecret,
    })
    const refreshToken = (await harness.deps.store.get('first'))?.refreshToken
    await harness.deps.manager.delete('first')
    const response = await send(harness, 'POST', '/api/v1/connections', {
      id: 'imported',
      refresh_token: refreshToken,
      client_id: other.clientId,
    })
    expect(response.status).toBe(201)
    expect(((await response.json()) as Json).client_id).toBe(other.clientId)
  })

  it('refuses an existing id with 409 ERR_CONNECTION_EXISTS before spending the code; replace: true replaces', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const other = await selfClient(harness)
    const code = await other.code()
    const body = { id: 'acme', code, client_id: other.clientId, client_secret: other.clientSecret }
    const before = (await harness.control('stats')).token_endpoint as Json
    const error = await expectError(
      await send(harness, 'POST', '/api/v1/connections', body),
      409,
      'ERR_CONNECTION_EXISTS',
    )
    expect(error.message).toBe('A connection with id "acme" already exists')
    expect(error.remedy).toContain('"replace": true')
    expect(((await harness.control('stats')).token_endpoint as Json).authorization_code).toBe(
      before.authorization_code,
    )
    // The same code still works: it was not spent.
    const replaced = await send(harness, 'POST', '/api/v1/connections', { ...body, replace: true })
    expect(replaced.status).toBe(201)
    expect(((await replaced.json()) as Json).client_id).toBe(other.clientId)
  })

  it('answers a Self Client code sent without its client_id and secret with a remedy that asks for them', async () => {
    harness = await brokerHarness()
    const other = await selfClient(harness)
    const error = await expectError(
      await send(harness, 'POST', '/api/v1/connections', { id: 'a', code: await other.code() }),
      400,
      'ERR_ZOHO_OAUTH',
    )
    expect(error.remedy).toContain('send that client\'s "client_id" and "client_secret" with it')
    expect(await harness.deps.store.listIds()).toEqual([])
  })

  it('answers a used code with 400 and the remedy, storing nothing and forgetting the new client', async () => {
    harness = await brokerHarness()
    const other = await selfClient(harness)
    const code = await other.code()
    const body = { code, client_id: other.clientId, client_secret: other.clientSecret }
    expect((await send(harness, 'POST', '/api/v1/connections', { id: 'a', ...body })).status).toBe(
      201,
    )
    await harness.deps.manager.delete('a')
    await harness.deps.store.deleteClient(other.clientId)
    const error = await expectError(
      await send(harness, 'POST', '/api/v1/connections', { id: 'b', ...body }),
      400,
      'ERR_ZOHO_OAUTH',
    )
    expect(error.remedy).toContain('This code was already used or expired')
    expect(error.remedy).toContain('mint a new one')
    expect(await harness.deps.store.listIds()).toEqual([])
    expect(await harness.deps.store.getClient(other.clientId)).toBeNull()
  })

  it('keeps a stored client secret when a grant sent with another one fails', async () => {
    harness = await brokerHarness()
    const other = await selfClient(harness)
    await send(harness, 'POST', '/api/v1/connections', {
      id: 'a',
      code: await other.code(),
      client_id: other.clientId,
      client_secret: other.clientSecret,
    })
    const wrongSecret = 'f'.repeat(42)
    const response = await send(harness, 'POST', '/api/v1/connections', {
      id: 'b',
      code: await other.code(),
      client_id: other.clientId,
      client_secret: wrongSecret,
    })
    expect(response.status).toBe(400)
    expect(await response.text()).not.toContain(wrongSecret)
    expect((await harness.deps.store.getClient(other.clientId))?.clientSecret).toBe(
      other.clientSecret,
    )
    expect((await send(harness, 'POST', '/api/v1/connections/a/refresh')).status).toBe(200)
  })

  it('refuses bad bodies with 400 ERR_BAD_REQUEST naming what to send', async () => {
    harness = await brokerHarness()
    const cases: Array<[unknown, string]> = [
      [{ code: '1000.x' }, 'Field "id" is missing or empty'],
      [{ id: 'a' }, 'Send a "code" or a "refresh_token"'],
      [{ id: 'a', code: 'x', refresh_token: 'y' }, 'Send a "code" or a "refresh_token", not both'],
      [{ id: 'a', refreshToken: 'y' }, 'Unknown field "refreshToken"'],
      [{ id: 'a', code: 'x', dc: 'mars' }, 'Unknown Zoho data centre "mars"'],
      [{ id: 'a', code: 42 }, 'Field "code" must be a string'],
      [{ id: 'a', code: 'x', client_secret: 's' }, '"client_secret" was sent without "client_id"'],
      [
        { id: 'a', code: 'x', client_id: '1000.UNKNOWN' },
        'OAuth client "1000.UNKNOWN" is not known to this broker',
      ],
      [{ id: 'a', code: 'x', replace: 'yes' }, 'Field "replace" must be true or false'],
      [
        { id: 'a', code: 'x', client_id: harness.serverClient.clientId, client_secret: 'nope' },
        '"client_id" is this broker\'s own client, whose secret is configured (ZOHO_CLIENT_SECRET)',
      ],
      [
        { id: 'a/../b', code: 'x' },
        '"a/../b" is not a valid connection id: it contains a slash, backslash, %, ?, # or a control character',
      ],
      [[1, 2], 'The request body must be a JSON object'],
      ['{"id": ', 'The request body is not valid JSON'],
      ['', 'The request body is empty'],
    ]
    for (const [body, message] of cases) {
      const error = await expectError(
        await send(harness, 'POST', '/api/v1/connections', body),
        400,
        'ERR_BAD_REQUEST',
      )
      expect(error.message).toBe(message)
    }
    expect(await harness.deps.store.listIds()).toEqual([])
  })

  it("answers a code that is not a Zoho code with the library's 400 before any request", async () => {
    harness = await brokerHarness()
    const before = (await harness.control('stats')).token_endpoint as Json
    const error = await expectError(
      await send(harness, 'POST', '/api/v1/connections', { id: 'a', code: '"1000.abc' }),
      400,
      'ERR_CREDENTIAL_FORMAT',
    )
    expect(error.message.length).toBeGreaterThan(0)
    expect((await harness.control('stats')).token_endpoint).toEqual(before)
  })
})
