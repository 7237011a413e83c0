/**
 * The protocol core against the emulator over a real socket: every flow and every error class a
 * user meets, as a user's process would meet them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  buildAuthorizationURL,
  buildImplicitAuthorizationURL,
  exchangeAuthorizationCode,
  fetchUserInfo,
  generatePKCE,
  parseAuthorizationCallback,
  parseImplicitCallback,
  pollDeviceToken,
  refreshAccessToken,
  requestClientCredentialsToken,
  requestDeviceCode,
  revokeToken,
} from '../src/protocol/index.js'
import {
  ERR_TRANSPORT,
  ERR_UNEXPECTED_RESPONSE,
  ERR_ZOHO_OAUTH,
  ERR_ZOHO_THROTTLED,
  UntrustedAccountsServerError,
  ZohoOAuthError,
} from '../src/protocol/errors.js'
import {
  approve,
  REDIRECT_URI,
  startTestEmulator,
  type TestClient,
  type TestEmulator,
} from './support/emulator.js'

const insecure = { allowInsecureHTTP: true }
let zoho: TestEmulator

beforeAll(async () => {
  zoho = await startTestEmulator()
})
afterAll(async () => {
  await zoho.close()
})
beforeEach(async () => {
  await zoho.control('reset', {})
})

function accounts(dc: string): string {
  const found = zoho.dataCenters.byLocation(dc)
  if (!found) throw new Error(`no DC ${dc}`)
  return found.accountsServer
}

async function errorOf(promise: Promise<unknown>): Promise<ZohoOAuthError & { code: string }> {
  try {
    await promise
  } catch (error) {
    return error as ZohoOAuthError
  }
  throw new Error('expected a rejection')
}

async function grant(
  client: TestClient,
  email: string,
  scopes: string[],
  extra: { codeChallenge?: string } = {},
) {
  const url = buildAuthorizationURL({
    accountsServer: accounts('us'),
    clientId: client.client_id,
    redirectURI: REDIRECT_URI,
    scopes,
    state: 'st-1',
    accessType: 'offline',
    prompt: 'consent',
    ...(extra.codeChallenge
      ? { codeChallenge: extra.codeChallenge, codeChallengeMethod: 'S256' as const }
      : {}),
  })
  const callback = await approve(url, email)
  return parseAuthorizationCallback(callback, {
    dataCenters: zoho.dataCenters,
    expectedState: 'st-1',
  })
}

/** What a server app sends to exchange the code of `callback`: everything from the callback. */
function codeParams(client: TestClient, callback: { accountsServer: string; code: string }) {
  return {
    accountsServer: callback.accountsServer,
    clientId: client.client_id,
    clientSecret: client.client_secret,
    code: callback.code,
    redirectURI: REDIRECT_URI,
  }
}

describe('server-based flow against the emulator', () => {
  it("exchangeAuthorizationCode sends the code to the user's DC and refreshAccessToken keeps the refresh token", async () => {
    const client = await zoho.client({ dcs: ['us', 'eu'] })
    await zoho.user('ada@example.eu', 'eu')
    const callback = await grant(client, 'ada@example.eu', [
      'ZohoCRM.users.READ',
      'AaaServer.profile.READ',
    ])
    expect(callback.location).toBe('eu')
    expect(callback.accountsServer).toBe(accounts('eu'))

    const tokens = await exchangeAuthorizationCode(codeParams(client, callback), insecure)
    expect(tokens.apiDomain).toBe(`${zoho.url}/eu/api`)
    expect(tokens.expiresInSeconds).toBe(3600)
    expect(tokens.refreshToken).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/)

    const refreshed = await refreshAccessToken(
      {
        accountsServer: callback.accountsServer,
        clientId: client.client_id,
        clientSecret: client.client_secret,
        refreshToken: tokens.refreshToken!,
      },
      insecure,
    )
    expect(refreshed.refreshToken).toBe(tokens.refreshToken)
    expect(refreshed.accessToken).not.toBe(tokens.accessToken)

    const user = await fetchUserInfo(
      { accountsServer: callback.accountsServer, accessToken: refreshed.accessToken },
      insecure,
    )
    expect(user.email).toBe('ada@example.eu')
  })

  it('exchangeAuthorizationCode at the wrong DC fails with invalid_code carried in an HTTP 200', async () => {
    const client = await zoho.client({ dcs: ['us', 'in'] })
    await zoho.user('ravi@example.in', 'in')
    const callback = await grant(client, 'ravi@example.in', ['ZohoCRM.users.READ'])
    // The seed guide's mistake: authorize on .com, exchange on .com although the user lives in .in.
    const error = await errorOf(
      exchangeAuthorizationCode(
        {
          accountsServer: accounts('us'),
          clientId: client.client_id,
          clientSecret: client.client_secret,
          code: callback.code,
          redirectURI: REDIRECT_URI,
        },
        insecure,
      ),
    )
    expect(error).toBeInstanceOf(ZohoOAuthError)
    expect(error.code).toBe(ERR_ZOHO_OAUTH)
    expect(error.error).toBe('invalid_code')
    expect(error.status).toBe(200)
    expect(error.remedy).toMatch(/mint a new one/)
  })

  it('exchangeAuthorizationCode refuses a code used twice', async () => {
    const client = await zoho.client()
    await zoho.user('bo@example.com')
    const callback = await grant(client, 'bo@example.com', ['ZohoCRM.users.READ'])
    const params = codeParams(client, callback)
    await exchangeAuthorizationCode(params, insecure)
    expect((await errorOf(exchangeAuthorizationCode(params, insecure))).error).toBe('invalid_code')
  })

  it('exchangeAuthorizationCode fails after the code lifetime, driven by the emulator clock', async () => {
    const client = await zoho.client()
    await zoho.user('cy@example.com')
    const callback = await grant(client, 'cy@example.com', ['ZohoCRM.users.READ'])
    await zoho.control('clock', { advance_seconds: 121 })
    const error = await errorOf(exchangeAuthorizationCode(codeParams(client, callback), insecure))
    expect(error.error).toBe('invalid_code')
  })

  it('exchangeAuthorizationCode with PKCE needs the matching verifier', async () => {
    const client = await zoho.client()
    await zoho.user('di@example.com')
    const pkce = await generatePKCE()
    const first = await grant(client, 'di@example.com', ['ZohoCRM.users.READ'], {
      codeChallenge: pkce.challenge,
    })
    const base = {
      accountsServer: first.accountsServer,
      clientId: client.client_id,
      clientSecret: client.client_secret,
      redirectURI: REDIRECT_URI,
    }
    const wrong = await errorOf(
      exchangeAuthorizationCode(
        { ...base, code: first.code, codeVerifier: 'x'.repeat(43) },
        insecure,
      ),
    )
    expect(wrong.error).toBe('invalid_code')
    const second = await grant(client, 'di@example.com', ['ZohoCRM.users.READ'], {
      codeChallenge: pkce.challenge,
    })
    const tokens = await exchangeAuthorizationCode(
      { ...base, code: second.code, codeVerifier: pkce.verifier },
      insecure,
    )
    expect(tokens.accessToken).toMatch(/^1000\./)
  })

  it('exchangeAuthorizationCode with another redirect URI fails with invalid_redirect_uri', async () => {
    const client = await zoho.client()
    await zoho.user('ed@example.com')
    const callback = await grant(client, 'ed@example.com', ['ZohoCRM.users.READ'])
    const error = await errorOf(
      exchangeAuthorizationCode(
        {
          accountsServer: callback.accountsServer,
          clientId: client.client_id,
          clientSecret: client.client_secret,
          code: callback.code,
          redirectURI: `${REDIRECT_URI}/`,
        },
        insecure,
      ),
    )
    expect(error.error).toBe('invalid_redirect_uri')
  })

  it('refreshAccessToken with a wrong secret fails with invalid_client_secret, and an unknown client with invalid_client', async () => {
    const client = await zoho.client()
    await zoho.user('fa@example.com')
    const callback = await grant(client, 'fa@example.com', ['ZohoCRM.users.READ'])
    const tokens = await exchangeAuthorizationCode(codeParams(client, callback), insecure)
    const base = { accountsServer: callback.accountsServer, refreshToken: tokens.refreshToken! }
    const badSecret = await errorOf(
      refreshAccessToken(
        { ...base, clientId: client.client_id, clientSecret: '0'.repeat(42) },
        insecure,
      ),
    )
    expect(badSecret.error).toBe('invalid_client_secret')
    const unknown = await errorOf(
      refreshAccessToken(
        { ...base, clientId: `1000.${'Z'.repeat(30)}`, clientSecret: client.client_secret },
        insecure,
      ),
    )
    expect(unknown.error).toBe('invalid_client')
  })

  it('refreshAccessToken is throttled with "Access Denied" after 10 mints in the window', async () => {
    const client = await zoho.client()
    await zoho.user('gu@example.com')
    const callback = await grant(client, 'gu@example.com', ['ZohoCRM.users.READ'])
    const tokens = await exchangeAuthorizationCode(codeParams(client, callback), insecure)
    const params = {
      accountsServer: callback.accountsServer,
      clientId: client.client_id,
      clientSecret: client.client_secret,
      refreshToken: tokens.refreshToken!,
    }
    // The exchange's token was mint 1 of 10.
    for (let i = 0; i < 9; i += 1) await refreshAccessToken(params, insecure)
    const throttled = await errorOf(refreshAccessToken(params, insecure))
    expect(throttled.code).toBe(ERR_ZOHO_THROTTLED)
    expect(throttled.error).toBe('Access Denied')
    expect(throttled.status).toBe(400)
    await zoho.control('clock', { advance_seconds: 601 })
    await expect(refreshAccessToken(params, insecure)).resolves.toMatchObject({
      refreshToken: tokens.refreshToken,
    })
  })

  it('revokeToken kills the refresh token, which then answers invalid_code', async () => {
    const client = await zoho.client()
    await zoho.user('ha@example.com')
    const callback = await grant(client, 'ha@example.com', ['ZohoCRM.users.READ'])
    const tokens = await exchangeAuthorizationCode(codeParams(client, callback), insecure)
    await revokeToken(
      { accountsServer: callback.accountsServer, token: tokens.refreshToken! },
      insecure,
    )
    const error = await errorOf(
      refreshAccessToken(
        {
          accountsServer: callback.accountsServer,
          clientId: client.client_id,
          clientSecret: client.client_secret,
          refreshToken: tokens.refreshToken!,
        },
        insecure,
      ),
    )
    expect(error.error).toBe('invalid_code')
    const again = await errorOf(
      revokeToken(
        { accountsServer: callback.accountsServer, token: tokens.refreshToken! },
        insecure,
      ),
    )
    expect(again.status).toBe(400)
  })

  it('parseAuthorizationCallback refuses a foreign accounts-server before any secret is sent', async () => {
    const callback = new URL(
      `${REDIRECT_URI}?code=1000.${'a'.repeat(32)}.${'b'.repeat(32)}&location=us&accounts-server=${encodeURIComponent('https://accounts.evil.example')}&state=s`,
    )
    expect(() =>
      parseAuthorizationCallback(callback, { dataCenters: zoho.dataCenters, expectedState: 's' }),
    ).toThrow(UntrustedAccountsServerError)
  })

  it('parseAuthorizationCallback reports a refused consent', async () => {
    const client = await zoho.client()
    await zoho.user('io@example.com')
    const url = buildAuthorizationURL({
      accountsServer: accounts('us'),
      clientId: client.client_id,
      redirectURI: REDIRECT_URI,
      scopes: ['ZohoCRM.users.READ'],
      state: 's2',
    })
    const callback = await approve(url, 'io@example.com', 'deny')
    expect(() =>
      parseAuthorizationCallback(callback, { dataCenters: zoho.dataCenters, expectedState: 's2' }),
    ).toThrow(expect.objectContaining({ reason: 'access_denied' }))
  })
})

describe('Self Client and client credentials against the emulator', () => {
  it('exchangeAuthorizationCode takes a Self Client code without redirect_uri, once', async () => {
    const client = await zoho.client({ type: 'self', redirect_uris: [] })
    await zoho.user('jo@example.com')
    const code = await zoho.selfClientCode({
      client_id: client.client_id,
      scope: 'ZohoCRM.users.READ',
      email: 'jo@example.com',
    })
    const params = {
      accountsServer: accounts('us'),
      clientId: client.client_id,
      clientSecret: client.client_secret,
      code,
    }
    const tokens = await exchangeAuthorizationCode(params, insecure)
    expect(tokens.refreshToken).toBeDefined()
    expect((await errorOf(exchangeAuthorizationCode(params, insecure))).error).toBe('invalid_code')
  })

  it('requestClientCredentialsToken needs soid (missing_org_info without)', async () => {
    const client = await zoho.client({ type: 'self', redirect_uris: [] })
    const params = {
      accountsServer: accounts('us'),
      clientId: client.client_id,
      clientSecret: client.client_secret,
      scopes: ['ZohoCRM.modules.ALL'],
    }
    const tokens = await requestClientCredentialsToken(
      { ...params, soid: 'ZohoCRM.5725767000000524157' },
      insecure,
    )
    expect(tokens.refreshToken).toBeUndefined()
    expect(
      (await errorOf(requestClientCredentialsToken({ ...params, soid: '' }, insecure))).error,
    ).toBe('missing_org_info')
  })
})

describe('client-based (implicit) flow against the emulator', () => {
  it('parseImplicitCallback reads the access token from the fragment', async () => {
    const client = await zoho.client({ type: 'client' })
    await zoho.user('ka@example.com')
    const url = buildImplicitAuthorizationURL({
      accountsServer: accounts('us'),
      clientId: client.client_id,
      redirectURI: REDIRECT_URI,
      scopes: ['ZohoCRM.users.READ'],
      state: 'imp',
    })
    const callback = await approve(url, 'ka@example.com')
    const parsed = parseImplicitCallback(callback, {
      dataCenters: zoho.dataCenters,
      expectedState: 'imp',
    })
    expect(parsed.accessToken).toMatch(/^1000\./)
    expect(parsed.expiresInSeconds).toBeGreaterThan(0)
  })
})

describe('device flow against the emulator', () => {
  it('pollDeviceToken goes pending → approved, and reports other_dc for a user of another DC', async () => {
    const client = await zoho.client({ type: 'device', redirect_uris: [], dcs: ['us', 'eu'] })
    await zoho.user('lu@example.com')
    await zoho.user('mo@example.eu', 'eu')
    await zoho.control('settings', { device_poll_interval: 0 })
    const base = {
      accountsServer: accounts('us'),
      clientId: client.client_id,
      scopes: ['ZohoCRM.users.READ'],
    }

    const device = await requestDeviceCode({ ...base, accessType: 'offline' }, insecure)
    const poll = {
      accountsServer: accounts('us'),
      clientId: client.client_id,
      clientSecret: client.client_secret,
      deviceCode: device.deviceCode,
    }
    expect(await pollDeviceToken(poll, insecure)).toEqual({ status: 'pending' })
    await zoho.control('device/approve', { user_code: device.userCode, email: 'lu@example.com' })
    const approved = await pollDeviceToken(poll, insecure)
    expect(approved.status).toBe('approved')

    const eu = await requestDeviceCode({ ...base, accessType: 'offline' }, insecure)
    await zoho.control('device/approve', { user_code: eu.userCode, email: 'mo@example.eu' })
    const other = await pollDeviceToken({ ...poll, deviceCode: eu.deviceCode }, insecure)
    expect(other).toEqual({ status: 'other_dc', location: 'eu' })
    const there = await pollDeviceToken(
      { ...poll, accountsServer: accounts('eu'), deviceCode: eu.deviceCode },
      insecure,
    )
    expect(there.status).toBe('approved')
  })
})

describe('transport and unexpected responses against the emulator', () => {
  async function selfClientParams() {
    const client = await zoho.client({ type: 'self', redirect_uris: [] })
    await zoho.user('no@example.com')
    const code = await zoho.selfClientCode({
      client_id: client.client_id,
      scope: 'ZohoCRM.users.READ',
      email: 'no@example.com',
    })
    return {
      accountsServer: accounts('us'),
      clientId: client.client_id,
      clientSecret: client.client_secret,
      code,
    }
  }

  it("exchangeAuthorizationCode turns Zoho's HTML roadblock page into an unexpected-response error", async () => {
    const params = await selfClientParams()
    await zoho.control('faults', { path: '/oauth/v2/token', roadblock: true, count: 1 })
    const error = await errorOf(exchangeAuthorizationCode(params, insecure))
    expect(error.code).toBe(ERR_UNEXPECTED_RESPONSE)
    // The code was not spent by the roadblock: it still works.
    await expect(exchangeAuthorizationCode(params, insecure)).resolves.toMatchObject({
      tokenType: expect.any(String),
    })
  })

  it('exchangeAuthorizationCode reports a dropped connection and a timeout as transport errors', async () => {
    const params = await selfClientParams()
    await zoho.control('faults', { path: '/oauth/v2/token', drop: true, count: 1 })
    expect((await errorOf(exchangeAuthorizationCode(params, insecure))).code).toBe(ERR_TRANSPORT)
    await zoho.control('faults', { path: '/oauth/v2/token', latency_ms: 2000, count: 1 })
    const slow = await errorOf(exchangeAuthorizationCode(params, { ...insecure, timeoutMs: 200 }))
    expect(slow.code).toBe(ERR_TRANSPORT)
    expect((slow as unknown as { timeout: boolean }).timeout).toBe(true)
  })

  it('refreshAccessToken prefers expires_in_sec when Zoho sends expires_in in milliseconds', async () => {
    const params = await selfClientParams()
    await zoho.control('settings', { expires_in_millis: true })
    const tokens = await exchangeAuthorizationCode(params, insecure)
    expect(tokens.expiresInSeconds).toBe(3600)
  })
})
