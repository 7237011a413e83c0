import { describe, it, expect } from 'vitest'
import { createEmulator } from './app.js'
import { BASE, control, post, selfClientTokens, tokenURL, type Encoding } from './test-kit.js'

const TOKEN_FORMAT = /^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/

describe('POST /oauth/v2/token (authorization_code)', () => {
  it.each<Encoding>(['query', 'urlencoded', 'multipart'])(
    'exchanges a Self Client code sent as %s',
    async (encoding) => {
      const emulator = createEmulator({ seed: 1 })
      await control(emulator, 'users', { email: 'a@example.com', dc: 'eu' })
      const client = await control(emulator, 'clients', { type: 'self', dcs: ['eu'] })
      const { code } = await control(emulator, 'self-client/code', {
        client_id: client.client_id,
        scope: ['ZohoCRM.users.READ', 'ZohoCRM.org.READ'],
        minutes: 5,
        email: 'a@example.com',
      })
      const { status, body } = await post(
        emulator,
        tokenURL('eu'),
        {
          grant_type: 'authorization_code',
          client_id: String(client.client_id),
          client_secret: String(client.client_secret),
          code: String(code),
        },
        encoding,
      )
      expect(status).toBe(200)
      expect(body.access_token).toMatch(TOKEN_FORMAT)
      expect(body.refresh_token).toMatch(TOKEN_FORMAT)
      expect(body).toMatchObject({
        api_domain: `${BASE}/eu/api`,
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'ZohoCRM.users.READ ZohoCRM.org.READ',
      })
    },
  )

  it('answers a reused code with invalid_code and HTTP 200', async () => {
    const emulator = createEmulator({ seed: 2 })
    await control(emulator, 'users', { email: 'a@example.com', dc: 'us' })
    const client = await control(emulator, 'clients', { type: 'self', dcs: ['us'] })
    const { code } = await control(emulator, 'self-client/code', {
      client_id: client.client_id,
      scope: 'ZohoCRM.users.READ',
      email: 'a@example.com',
    })
    const params = {
      grant_type: 'authorization_code',
      client_id: String(client.client_id),
      client_secret: String(client.client_secret),
      code: String(code),
    }
    expect((await post(emulator, tokenURL('us'), params)).body.access_token).toBeDefined()
    expect(await post(emulator, tokenURL('us'), params)).toEqual({
      status: 200,
      body: { error: 'invalid_code' },
    })
  })

  it('answers an expired Self Client code with invalid_code (as minted: 3 min)', async () => {
    const emulator = createEmulator({ seed: 3 })
    await control(emulator, 'users', { email: 'a@example.com', dc: 'us' })
    const client = await control(emulator, 'clients', { type: 'self', dcs: ['us'] })
    const { code } = await control(emulator, 'self-client/code', {
      client_id: client.client_id,
      scope: 'ZohoCRM.users.READ',
      minutes: 3,
    })
    await control(emulator, 'clock', { advance_seconds: 180 })
    const { body } = await post(emulator, tokenURL('us'), {
      grant_type: 'authorization_code',
      client_id: String(client.client_id),
      client_secret: String(client.client_secret),
      code: String(code),
    })
    expect(body).toEqual({ error: 'invalid_code' })
  })

  it('refuses a Self Client code exchanged in another DC (invalid_client: not enabled there)', async () => {
    const emulator = createEmulator({ seed: 4 })
    await control(emulator, 'users', { email: 'a@example.com', dc: 'us' })
    const client = await control(emulator, 'clients', { type: 'self', dcs: ['us'] })
    const { code } = await control(emulator, 'self-client/code', {
      client_id: client.client_id,
      scope: 'ZohoCRM.users.READ',
    })
    const { body } = await post(emulator, tokenURL('in'), {
      grant_type: 'authorization_code',
      client_id: String(client.client_id),
      client_secret: String(client.client_secret),
      code: String(code),
    })
    expect(body).toEqual({ error: 'invalid_client' })
  })

  it('answers a wrong secret with invalid_client_secret and an unknown grant type plainly', async () => {
    const emulator = createEmulator({ seed: 5 })
    const client = await control(emulator, 'clients', { type: 'server', redirect_uris: ['x:/'] })
    const wrong = await post(emulator, tokenURL('us'), {
      grant_type: 'refresh_token',
      client_id: String(client.client_id),
      client_secret: 'nope',
      refresh_token: 'x',
    })
    expect(wrong.body).toEqual({ error: 'invalid_client_secret' })
    const grant = await post(emulator, tokenURL('us'), { grant_type: 'password' })
    expect(grant.body).toEqual({ error: 'unsupported_grant_type' })
  })

  it('uses oauth_error_status for flat errors when a test changes it', async () => {
    const emulator = createEmulator({ seed: 6, settings: { oauth_error_status: 400 } })
    const { status, body } = await post(emulator, tokenURL('us'), {
      grant_type: 'refresh_token',
      client_id: '1000.NOPE',
    })
    expect(status).toBe(400)
    expect(body).toEqual({ error: 'invalid_client' })
  })

  it('sends expires_in in milliseconds beside expires_in_sec in the old variant', async () => {
    const emulator = createEmulator({
      seed: 7,
      settings: { expires_in_millis: true, include_scope: false },
    })
    const { tokens } = await selfClientTokens(emulator)
    expect(tokens.expires_in).toBe(3_600_000)
    expect(tokens.expires_in_sec).toBe(3600)
    expect(tokens).not.toHaveProperty('scope')
  })
})

describe('POST /oauth/v2/token (refresh_token)', () => {
  it('returns a new access token without a refresh_token', async () => {
    const emulator = createEmulator({ seed: 8 })
    const { client, tokens } = await selfClientTokens(emulator)
    const { body } = await post(emulator, tokenURL('us'), {
      grant_type: 'refresh_token',
      client_id: client.client_id,
      client_secret: client.client_secret,
      refresh_token: String(tokens.refresh_token),
    })
    expect(body.access_token).toMatch(TOKEN_FORMAT)
    expect(body.access_token).not.toBe(tokens.access_token)
    expect(body).not.toHaveProperty('refresh_token')
  })

  it('honours per-DC secrets: the eu secret works in eu only', async () => {
    const emulator = createEmulator({ seed: 9 })
    const client = await control(emulator, 'clients', {
      type: 'server',
      redirect_uris: ['http://localhost/cb'],
      dcs: ['us', 'eu'],
      dc_secrets: ['eu'],
    })
    const euSecret = (client.dc_secrets as Record<string, string>).eu ?? ''
    expect(euSecret).toMatch(/^[0-9a-f]{42}$/)
    const at = (dc: string, secret: string): Promise<{ body: unknown }> =>
      post(emulator, tokenURL(dc), {
        grant_type: 'refresh_token',
        client_id: String(client.client_id),
        client_secret: secret,
        refresh_token: 'unknown',
      })
    expect((await at('eu', String(client.client_secret))).body).toEqual({
      error: 'invalid_client_secret',
    })
    expect((await at('eu', euSecret)).body).toEqual({ error: 'invalid_code' })
    expect((await at('us', String(client.client_secret))).body).toEqual({ error: 'invalid_code' })
  })
})

describe('POST /oauth/v2/token (client_credentials)', () => {
  it('mints an access token for a Self Client with soid, and refuses without', async () => {
    const emulator = createEmulator({ seed: 10 })
    const client = await control(emulator, 'clients', { type: 'self', dcs: ['us'] })
    const base = {
      grant_type: 'client_credentials',
      client_id: String(client.client_id),
      client_secret: String(client.client_secret),
      scope: 'ZohoCRM.modules.ALL',
    }
    expect((await post(emulator, tokenURL('us'), base)).body).toEqual({
      error: 'missing_org_info',
    })
    const { body } = await post(emulator, tokenURL('us'), { ...base, soid: 'ZohoCRM.123' })
    expect(body.access_token).toMatch(TOKEN_FORMAT)
    expect(body).not.toHaveProperty('refresh_token')
  })

  it('refuses client credentials for a server client', async () => {
    const emulator = createEmulator({ seed: 11 })
    const client = await control(emulator, 'clients', { type: 'server' })
    const { body } = await post(emulator, tokenURL('us'), {
      grant_type: 'client_credentials',
      client_id: String(client.client_id),
      client_secret: String(client.client_secret),
      soid: 'ZohoCRM.1',
      scope: 'ZohoCRM.modules.ALL',
    })
    expect(body).toEqual({ error: 'invalid_client' })
  })
})

describe('POST /oauth/v2/token/revoke', () => {
  it('revokes a refresh token, which then answers invalid_code, and 400s a bad token', async () => {
    const emulator = createEmulator({ seed: 12 })
    const { client, tokens } = await selfClientTokens(emulator)
    const revokeURL = `${BASE}/us/accounts/oauth/v2/token/revoke`
    const ok = await post(emulator, revokeURL, { token: String(tokens.refresh_token) }, 'query')
    expect(ok).toEqual({ status: 200, body: { status: 'success' } })
    const refreshed = await post(emulator, tokenURL('us'), {
      grant_type: 'refresh_token',
      client_id: client.client_id,
      client_secret: client.client_secret,
      refresh_token: String(tokens.refresh_token),
    })
    expect(refreshed.body).toEqual({ error: 'invalid_code' })
    const census = await control(emulator, `tokens?client_id=${client.client_id}`)
    expect(census.access_token_count).toBe(0)
    const bad = await post(emulator, revokeURL, { token: 'nope' }, 'query')
    expect(bad.status).toBe(400)
  })
})
