import { describe, it, expect } from 'vitest'
import { createEmulator } from '../app.js'
import { DEFAULT_SETTINGS } from '../settings.js'
import { BASE, control, post, selfClientTokens, tokenURL } from '../test-kit.js'

describe('control API /__emulator', () => {
  it('POST clients registers each type in Zoho formats', async () => {
    const emulator = createEmulator({ seed: 30 })
    const server = await control(emulator, 'clients', {
      type: 'server',
      redirect_uris: ['http://localhost:3001/oauth/callback'],
      dcs: ['eu', 'us'],
    })
    expect(server.client_id).toMatch(/^1000\.[A-Z0-9]{30}$/)
    expect(server.client_secret).toMatch(/^[0-9a-f]{42}$/)
    expect(server.home_dc).toBe('eu')
    const device = await control(emulator, 'clients', { type: 'device' })
    expect(device.client_id).toMatch(/^1004\.[A-Z0-9]{30}$/)
    const listed = await control(emulator, 'clients')
    expect(listed.clients).toHaveLength(2)
  })

  it('POST clients refuses a multi-DC self client and an unknown dc with 400', async () => {
    const emulator = createEmulator({ seed: 31 })
    const self = await emulator.fetch(
      new Request(`${BASE}/__emulator/clients`, {
        method: 'POST',
        body: JSON.stringify({ type: 'self', dcs: ['us', 'eu'] }),
      }),
    )
    expect(self.status).toBe(400)
    expect(await self.json()).toEqual({ error: 'a self client lives in exactly one dc' })
    expect(await control(emulator, 'clients', { dcs: ['mars'] })).toEqual({
      error: 'unknown dc "mars" in "dcs"',
    })
  })

  it('POST users returns a numeric zuid and refuses a duplicate email', async () => {
    const emulator = createEmulator({ seed: 32 })
    const user = await control(emulator, 'users', { email: 'ada@example.com', dc: 'eu' })
    expect(user).toMatchObject({ email: 'ada@example.com', dc: 'eu' })
    expect(user.zuid).toMatch(/^\d+$/)
    expect(await control(emulator, 'users', { email: 'ada@example.com', dc: 'us' })).toEqual({
      error: 'a user with email "ada@example.com" exists',
    })
  })

  it('POST settings changes values, returns them all, and names an unknown setting', async () => {
    const emulator = createEmulator({ seed: 33 })
    expect(await control(emulator, 'settings')).toEqual(DEFAULT_SETTINGS)
    const changed = await control(emulator, 'settings', { code_ttl: 60, include_scope: false })
    expect(changed).toEqual({ ...DEFAULT_SETTINGS, code_ttl: 60, include_scope: false })
    const response = await emulator.fetch(
      new Request(`${BASE}/__emulator/settings`, {
        method: 'POST',
        body: JSON.stringify({ code_tll: 1 }),
      }),
    )
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: 'unknown setting "code_tll"' })
  })

  it('POST settings refuses names inherited from Object.prototype and wrong types with 400', async () => {
    const emulator = createEmulator({ seed: 37 })
    for (const [body, error] of [
      [{ constructor: 1 }, 'unknown setting "constructor"'],
      [{ toString: 1 }, 'unknown setting "toString"'],
      [
        { code_ttl: '60' },
        'setting "code_ttl" must be a whole number of seconds from 1 to 3600 (got "60")',
      ],
      [{ include_scope: 1 }, 'setting "include_scope" must be a boolean'],
    ] as const) {
      const response = await emulator.fetch(
        new Request(`${BASE}/__emulator/settings`, { method: 'POST', body: JSON.stringify(body) }),
      )
      expect(response.status).toBe(400)
      expect(await response.json()).toEqual({ error })
    }
    expect(emulator.settings()).toEqual(DEFAULT_SETTINGS)
  })

  it('POST clock advances the emulator clock from the injected base', async () => {
    const emulator = createEmulator({ now: () => 1_000_000 })
    expect(await control(emulator, 'clock', { advance_seconds: 90 })).toEqual({ now: 1_090_000 })
  })

  it('GET stats counts per grant, error, DC and client; stats/reset zeroes them', async () => {
    const emulator = createEmulator({ seed: 34 })
    const { client, tokens } = await selfClientTokens(emulator, { dc: 'eu' })
    await post(emulator, tokenURL('eu'), {
      grant_type: 'refresh_token',
      client_id: client.client_id,
      client_secret: client.client_secret,
      refresh_token: String(tokens.refresh_token),
    })
    await post(emulator, tokenURL('eu'), {
      grant_type: 'refresh_token',
      client_id: client.client_id,
      client_secret: client.client_secret,
      refresh_token: 'revoked',
    })
    const stats = (await control(emulator, 'stats')) as {
      token_endpoint: Record<string, number>
      token_errors: Record<string, number>
      by_dc: Record<string, { token_endpoint: Record<string, number> }>
      by_client: Record<string, { token_endpoint: Record<string, number> }>
    }
    expect(stats.token_endpoint).toEqual({
      authorization_code: 1,
      refresh_token: 2,
      client_credentials: 0,
      device_token: 0,
    })
    expect(stats.token_errors.invalid_code).toBe(1)
    expect(stats.by_dc.eu?.token_endpoint.refresh_token).toBe(2)
    expect(stats.by_dc.us?.token_endpoint.refresh_token).toBe(0)
    expect(stats.by_client[client.client_id]?.token_endpoint.authorization_code).toBe(1)
    const zeroed = (await control(emulator, 'stats/reset', {})) as typeof stats
    expect(zeroed.token_endpoint.refresh_token).toBe(0)
    expect(emulator.stats().token_errors.invalid_code).toBe(0)
  })

  it('POST reset wipes clients, tokens, settings and clock, and re-seeds the same ids', async () => {
    const emulator = createEmulator({ seed: 35, demo: true, now: () => 0 })
    const before = await control(emulator, 'clients')
    await control(emulator, 'clients', { type: 'server' })
    await control(emulator, 'settings', { code_ttl: 5 })
    await control(emulator, 'clock', { advance_seconds: 10 })
    await control(emulator, 'reset', {})
    expect(await control(emulator, 'clients')).toEqual(before)
    expect(emulator.settings().code_ttl).toBe(120)
    expect(await control(emulator, 'clock', { advance_seconds: 0 })).toEqual({ now: 0 })
  })

  it('POST self-client/code refuses lifetimes the console does not offer', async () => {
    const emulator = createEmulator({ seed: 36 })
    const client = await control(emulator, 'clients', { type: 'self' })
    await control(emulator, 'users', { email: 'a@example.com' })
    expect(
      await control(emulator, 'self-client/code', {
        client_id: client.client_id,
        scope: 'ZohoCRM.users.READ',
        minutes: 4,
      }),
    ).toEqual({ error: '"minutes" must be one of 3, 5, 7, 10 (got 4)' })
  })

  it('answers an unknown control route or method with a JSON 404 naming it', async () => {
    const emulator = createEmulator({ seed: 38 })
    for (const [method, path] of [
      ['GET', 'nope'],
      ['DELETE', 'clients'],
    ] as const) {
      const response = await emulator.fetch(new Request(`${BASE}/__emulator/${path}`, { method }))
      expect(response.status).toBe(404)
      expect(await response.json()).toEqual({
        error: `no control route ${method} /__emulator/${path}`,
      })
    }
  })

  it('POST clients names a bad type and a non-array dcs with 400', async () => {
    const emulator = createEmulator({ seed: 39 })
    expect(await control(emulator, 'clients', { type: 'web' })).toEqual({
      error: '"type" must be one of server, self, client, device (got "web")',
    })
    expect(await control(emulator, 'clients', { dcs: 'eu' })).toEqual({
      error: '"dcs" must be an array of strings',
    })
    expect(await control(emulator, 'clients')).toEqual({ clients: [] })
  })

  it('GET stats has exactly the contract keys at the top, per DC (all nine) and per client', async () => {
    const emulator = createEmulator({ seed: 40 })
    const { client } = await selfClientTokens(emulator)
    const stats = await control(emulator, 'stats')
    const counts = [
      'token_endpoint',
      'token_errors',
      'revoke',
      'device_code',
      'user_info',
      'authorize',
      'api',
    ]
    expect(Object.keys(stats).sort()).toEqual([...counts, 'by_dc', 'by_client'].sort())
    const byDc = stats.by_dc as Record<string, Record<string, unknown>>
    expect(Object.keys(byDc)).toEqual(['us', 'eu', 'in', 'au', 'jp', 'ca', 'sa', 'uk', 'cn'])
    expect(Object.keys(byDc.us ?? {}).sort()).toEqual([...counts].sort())
    const byClient = stats.by_client as Record<string, Record<string, unknown>>
    expect(Object.keys(byClient[client.client_id] ?? {}).sort()).toEqual([...counts].sort())
    expect(stats.token_endpoint).toEqual({
      authorization_code: 1,
      refresh_token: 0,
      client_credentials: 0,
      device_token: 0,
    })
  })

  it('GET settings lists the Zoho-variant settings with their defaults; POST checks their values', async () => {
    const emulator = createEmulator({ seed: 41 })
    expect(await control(emulator, 'settings')).toMatchObject({
      expired_token_code: 'INVALID_TOKEN',
      throttle_message: 'legacy',
      api_concurrency_limit: 0,
      api_credits_per_day: 0,
    })
    for (const [body, error] of [
      [{ throttle_message: 'newer' }, 'setting "throttle_message" must be one of "legacy", "new"'],
      [
        { expired_token_code: 1 },
        'setting "expired_token_code" must be one of "INVALID_TOKEN", "AUTHENTICATION_FAILURE"',
      ],
      [
        { api_concurrency_limit: -1 },
        'setting "api_concurrency_limit" must be a whole number from 0 to 10000 (got -1)',
      ],
      [
        { api_credits_per_day: 2.5 },
        'setting "api_credits_per_day" must be a whole number from 0 to 10000000 (got 2.5)',
      ],
    ] as const) {
      expect(await control(emulator, 'settings', body)).toEqual({ error })
    }
    expect(
      await control(emulator, 'settings', {
        expired_token_code: 'AUTHENTICATION_FAILURE',
        api_concurrency_limit: 0,
        api_credits_per_day: 100,
      }),
    ).toEqual({
      ...DEFAULT_SETTINGS,
      expired_token_code: 'AUTHENTICATION_FAILURE',
      api_credits_per_day: 100,
    })
  })

  it('POST clients, users and faults name an unknown field instead of ignoring it', async () => {
    const emulator = createEmulator({ seed: 42 })
    expect(await control(emulator, 'clients', { type: 'server', dc: 'eu' })).toEqual({
      error:
        'unknown field "dc" (expected one of type, redirect_uris, javascript_origins, dcs, dc_secrets)',
    })
    expect(await control(emulator, 'users', { email: 'a@example.com', data_centre: 'eu' })).toEqual(
      { error: 'unknown field "data_centre" (expected one of email, dc, first_name, last_name)' },
    )
    expect(await control(emulator, 'faults', { path: '/oauth', lantency_ms: 5 })).toEqual({
      error:
        'unknown field "lantency_ms" (expected one of path, dc, status, body, latency_ms, drop, roadblock, count, probability)',
    })
    expect(await control(emulator, 'clients')).toEqual({ clients: [] })
    expect(await control(emulator, 'faults')).toEqual({ faults: [] })
  })
})
