import { describe, it, expect } from 'vitest'
import { createEmulator, type Emulator } from '../app.js'
import { BASE, control, post, selfClientTokens, tokenURL } from '../test-kit.js'

async function currentUser(
  emulator: Emulator,
  dc: string,
  token: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await emulator.fetch(
    new Request(`${BASE}/${dc}/api/crm/v8/users?type=CurrentUser`, {
      headers: token === undefined ? {} : { authorization: `Zoho-oauthtoken ${String(token)}` },
    }),
  )
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

const INVALID_TOKEN = {
  status: 401,
  body: { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' },
}

describe('GET /crm/v8/users?type=CurrentUser', () => {
  it('returns the token’s user', async () => {
    const emulator = createEmulator({ seed: 80 })
    const { tokens } = await selfClientTokens(emulator, { email: 'ada.lovelace@example.com' })
    const { status, body } = await currentUser(emulator, 'us', tokens.access_token)
    expect(status).toBe(200)
    const [user] = body.users as Record<string, unknown>[]
    expect(user).toMatchObject({ email: 'ada.lovelace@example.com', full_name: 'Ada Lovelace' })
    expect(user?.id).toMatch(/^\d{19}$/)
  })

  it('answers 401 INVALID_TOKEN for a missing, unknown, wrong-DC or expired token', async () => {
    const emulator = createEmulator({ seed: 81, settings: { access_token_ttl: 60 } })
    const { tokens } = await selfClientTokens(emulator)
    expect(await currentUser(emulator, 'us', undefined)).toEqual(INVALID_TOKEN)
    expect(await currentUser(emulator, 'us', '1000.nope')).toEqual(INVALID_TOKEN)
    expect(await currentUser(emulator, 'eu', tokens.access_token)).toEqual(INVALID_TOKEN)
    await control(emulator, 'clock', { advance_seconds: 60 })
    expect(await currentUser(emulator, 'us', tokens.access_token)).toEqual(INVALID_TOKEN)
  })

  it('answers an expired token with AUTHENTICATION_FAILURE under expired_token_code, others still INVALID_TOKEN', async () => {
    const emulator = createEmulator({
      seed: 85,
      settings: { access_token_ttl: 60, expired_token_code: 'AUTHENTICATION_FAILURE' },
    })
    const { client, tokens } = await selfClientTokens(emulator)
    await control(emulator, 'clock', { advance_seconds: 60 })
    const failed = {
      status: 401,
      body: {
        code: 'AUTHENTICATION_FAILURE',
        details: {},
        message: 'Authentication failed',
        status: 'error',
      },
    }
    expect(await currentUser(emulator, 'us', tokens.access_token)).toEqual(failed)
    // A refresh prunes the expired token from the active list; it still reads as expired.
    const { body } = await post(emulator, tokenURL('us'), {
      grant_type: 'refresh_token',
      client_id: client.client_id,
      client_secret: client.client_secret,
      refresh_token: String(tokens.refresh_token),
    })
    expect(await currentUser(emulator, 'us', tokens.access_token)).toEqual(failed)
    expect(await currentUser(emulator, 'eu', tokens.access_token)).toEqual(INVALID_TOKEN)
    expect(await currentUser(emulator, 'us', '1000.nope')).toEqual(INVALID_TOKEN)
    expect((await currentUser(emulator, 'us', body.access_token)).status).toBe(200)
  })

  it('answers INVALID_TOKEN for the access token evicted by the 16th', async () => {
    const emulator = createEmulator({ seed: 82, settings: { mints_per_window: 100 } })
    const { client, tokens } = await selfClientTokens(emulator)
    const refresh = (): Promise<{ body: Record<string, unknown> }> =>
      post(emulator, tokenURL('us'), {
        grant_type: 'refresh_token',
        client_id: client.client_id,
        client_secret: client.client_secret,
        refresh_token: String(tokens.refresh_token),
      })
    const second = (await refresh()).body.access_token
    for (let i = 0; i < 13; i++) await refresh()
    expect((await currentUser(emulator, 'us', tokens.access_token)).status).toBe(200)
    await refresh() // the 16th
    expect(await currentUser(emulator, 'us', tokens.access_token)).toEqual(INVALID_TOKEN)
    expect((await currentUser(emulator, 'us', second)).status).toBe(200)
  })

  it('answers INVALID_TOKEN for access tokens of a revoked refresh token', async () => {
    const emulator = createEmulator({ seed: 83 })
    const { tokens } = await selfClientTokens(emulator)
    await post(
      emulator,
      `${BASE}/us/accounts/oauth/v2/token/revoke`,
      { token: String(tokens.refresh_token) },
      'query',
    )
    expect(await currentUser(emulator, 'us', tokens.access_token)).toEqual(INVALID_TOKEN)
  })

  it('answers OAUTH_SCOPE_MISMATCH without ZohoCRM.users.READ, and accepts covering scopes', async () => {
    const emulator = createEmulator({ seed: 84 })
    const narrow = await selfClientTokens(emulator, { scope: 'ZohoCRM.modules.ALL' })
    expect(await currentUser(emulator, 'us', narrow.tokens.access_token)).toEqual({
      status: 401,
      body: {
        code: 'OAUTH_SCOPE_MISMATCH',
        details: {},
        message: 'invalid oauth scope to access this URL',
        status: 'error',
      },
    })
    for (const scope of ['ZohoCRM.users.ALL', 'ZohoCRM.ALL']) {
      const { tokens } = await selfClientTokens(emulator, { scope })
      expect((await currentUser(emulator, 'us', tokens.access_token)).status).toBe(200)
    }
    expect(emulator.stats().api).toBe(3)
  })
})

describe('CRM unknown paths', () => {
  it('answers 404 INVALID_URL_PATTERN', async () => {
    const emulator = createEmulator()
    const response = await emulator.fetch(new Request(`${BASE}/us/api/crm/v8/Nope`))
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({
      code: 'INVALID_URL_PATTERN',
      details: {},
      message: 'Please check if the URL trying to access is a correct one',
      status: 'error',
    })
  })
})
