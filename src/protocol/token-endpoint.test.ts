import { describe, it, expect } from 'vitest'
import {
  ERR_UNEXPECTED_RESPONSE,
  ERR_ZOHO_OAUTH,
  ERR_ZOHO_THROTTLED,
  UnexpectedResponseError,
  ZohoOAuthError,
  ZohoThrottledError,
  remedyFor,
} from './errors.js'
import {
  exchangeAuthorizationCode,
  fetchUserInfo,
  pollDeviceToken,
  refreshAccessToken,
  requestClientCredentialsToken,
  requestDeviceCode,
  revokeToken,
} from './token-endpoint.js'
import { parseTokenResponse } from './token-response.js'
import { zohoDataCenters } from './data-centers.js'

interface Seen {
  url: URL
  method: string
  headers: Record<string, string>
  form: URLSearchParams
}

/** A fetch that answers `status`/`body` and records what it was sent. */
function zoho(
  status: number,
  body: unknown,
  contentType = 'application/json;charset=UTF-8',
): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = []
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    seen.push({
      url: new URL(String(url)),
      method: init?.method ?? 'GET',
      headers: (init?.headers ?? {}) as Record<string, string>,
      form: new URLSearchParams(typeof init?.body === 'string' ? init.body : ''),
    })
    const text = typeof body === 'string' ? body : JSON.stringify(body)
    return new Response(text, { status, headers: { 'content-type': contentType } })
  }) as typeof fetch
  return { fetch: fetchImpl, seen }
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

const hex = (c: string): string => c.repeat(32)
const ACCESS = `1000.${hex('a')}.${hex('b')}`
const REFRESH = `1000.${hex('c')}.${hex('d')}`
const CODE = `1000.${hex('e')}.${hex('f')}`
const CLIENT = { clientId: '1000.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123', clientSecret: '0'.repeat(42) }
const EU = 'https://accounts.zoho.eu'
const SUCCESS = {
  access_token: ACCESS,
  refresh_token: REFRESH,
  api_domain: 'https://www.zohoapis.eu',
  token_type: 'Bearer',
  expires_in: 3600,
}

describe('exchangeAuthorizationCode', () => {
  it('exchangeAuthorizationCode POSTs the code to {accountsServer}/oauth/v2/token', async () => {
    const { fetch, seen } = zoho(200, SUCCESS)
    const tokens = await exchangeAuthorizationCode(
      { accountsServer: EU, ...CLIENT, code: CODE, redirectURI: 'https://app.example/cb' },
      { fetch },
    )
    expect(tokens).toEqual({
      accessToken: ACCESS,
      refreshToken: REFRESH,
      apiDomain: 'https://www.zohoapis.eu',
      tokenType: 'Bearer',
      expiresInSeconds: 3600,
      scopes: undefined,
      idToken: undefined,
    })
    const request = seen[0]
    expect(request?.url.href).toBe('https://accounts.zoho.eu/oauth/v2/token')
    expect(request?.method).toBe('POST')
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      grant_type: 'authorization_code',
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      code: CODE,
      redirect_uri: 'https://app.example/cb',
    })
  })

  it('exchangeAuthorizationCode omits redirect_uri for a Self Client and sends code_verifier', async () => {
    const { fetch, seen } = zoho(200, SUCCESS)
    await exchangeAuthorizationCode(
      { accountsServer: `${EU}/`, ...CLIENT, code: CODE, codeVerifier: 'v'.repeat(43) },
      { fetch },
    )
    expect(seen[0]?.url.href).toBe('https://accounts.zoho.eu/oauth/v2/token')
    expect(seen[0]?.form.has('redirect_uri')).toBe(false)
    expect(seen[0]?.form.get('code_verifier')).toBe('v'.repeat(43))
  })

  it('exchangeAuthorizationCode appends endpoints to an emulator path', async () => {
    const { fetch, seen } = zoho(200, SUCCESS)
    await exchangeAuthorizationCode(
      { accountsServer: 'http://127.0.0.1:4010/eu/accounts', ...CLIENT, code: CODE },
      { fetch, allowInsecureHTTP: true },
    )
    expect(seen[0]?.url.href).toBe('http://127.0.0.1:4010/eu/accounts/oauth/v2/token')
  })

  it('exchangeAuthorizationCode fails on HTTP 200 {"error":"invalid_code"} (Zoho answers 200)', async () => {
    const { fetch } = zoho(200, { error: 'invalid_code' })
    const error = await caught(
      exchangeAuthorizationCode({ accountsServer: EU, ...CLIENT, code: CODE }, { fetch }),
    )
    expect(error).toBeInstanceOf(ZohoOAuthError)
    expect((error as ZohoOAuthError).code).toBe(ERR_ZOHO_OAUTH)
    expect((error as ZohoOAuthError).error).toBe('invalid_code')
    expect((error as ZohoOAuthError).message).toMatch(/^code exchange failed: invalid_code \(/)
  })

  it('exchangeAuthorizationCode maps each documented error to its remedy', async () => {
    const cases: Array<[string, string]> = [
      ['invalid_code', 'mint a new one'],
      ['invalid_redirect_uri', 'exactly the redirect URI registered'],
      ['invalid_client', 'Check ZOHO_CLIENT_ID'],
      ['invalid_client_secret', 'ZOHO_CLIENT_SECRET_<DC>'],
      ['missing_org_info', 'soid=ZohoCRM.<orgId>'],
      ['access_denied', 'approve access again'],
    ]
    for (const [code, remedyPart] of cases) {
      const { fetch } = zoho(200, { error: code })
      const error = (await caught(
        exchangeAuthorizationCode({ accountsServer: EU, ...CLIENT, code: CODE }, { fetch }),
      )) as ZohoOAuthError
      expect(error.error).toBe(code)
      expect(error.remedy).toBe(remedyFor(code))
      expect(error.remedy).toContain(remedyPart)
    }
  })

  it('exchangeAuthorizationCode refuses a "success" without access_token', async () => {
    const { fetch } = zoho(200, { refresh_token: REFRESH, api_domain: 'https://www.zohoapis.eu' })
    const error = await caught(
      exchangeAuthorizationCode({ accountsServer: EU, ...CLIENT, code: CODE }, { fetch }),
    )
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect((error as UnexpectedResponseError).code).toBe(ERR_UNEXPECTED_RESPONSE)
    expect((error as UnexpectedResponseError).message).toBe(
      'code exchange got an answer from Zoho it cannot use: no access_token (the answer had: refresh_token, api_domain); Zoho may already have spent the code',
    )
  })

  it('exchangeAuthorizationCode refuses an empty access_token, and a missing api_domain where no DC is known', async () => {
    for (const [accountsServer, body] of [
      [EU, { ...SUCCESS, access_token: '' }],
      ['https://accounts.example.test', { access_token: ACCESS, expires_in: 3600 }],
    ] as const) {
      const { fetch } = zoho(200, body)
      const error = (await caught(
        exchangeAuthorizationCode({ accountsServer, ...CLIENT, code: CODE }, { fetch }),
      )) as UnexpectedResponseError
      expect(error.code).toBe(ERR_UNEXPECTED_RESPONSE)
      expect(error.message).not.toContain(ACCESS)
    }
  })
})

describe('token answers and their data centre', () => {
  it("exchangeAuthorizationCode at one of Zoho's accounts servers never uses another DC's api_domain, and reports it", async () => {
    const { fetch } = zoho(200, { ...SUCCESS, api_domain: 'https://www.zohoapis.com' })
    const tokens = await exchangeAuthorizationCode(
      { accountsServer: EU, ...CLIENT, code: CODE },
      { fetch },
    )
    expect(tokens).toMatchObject({
      apiDomain: 'https://www.zohoapis.eu',
      untrustedApiDomain: 'https://www.zohoapis.com',
    })
  })

  it('refreshAccessToken holds the answer to expectedDataCenter when the caller passes it', async () => {
    const { fetch } = zoho(200, SUCCESS)
    const refresh = (location: string): Promise<unknown> =>
      refreshAccessToken(
        {
          accountsServer: 'https://accounts.example.test',
          ...CLIENT,
          refreshToken: REFRESH,
          expectedDataCenter: { table: zohoDataCenters, location },
        },
        { fetch },
      )
    await expect(refresh('eu')).resolves.toMatchObject({ apiDomain: 'https://www.zohoapis.eu' })
    await expect(refresh('in')).resolves.toMatchObject({
      apiDomain: 'https://www.zohoapis.in',
      untrustedApiDomain: 'https://www.zohoapis.eu',
    })
  })
})

describe('refreshAccessToken', () => {
  it('refreshAccessToken keeps the old refresh token (Zoho omits it)', async () => {
    const { refresh_token: _omitted, ...body } = SUCCESS
    const { fetch, seen } = zoho(200, body)
    const tokens = await refreshAccessToken(
      { accountsServer: EU, ...CLIENT, refreshToken: REFRESH },
      { fetch },
    )
    expect(tokens.refreshToken).toBe(REFRESH)
    expect(tokens.accessToken).toBe(ACCESS)
    expect(Object.fromEntries(seen[0]?.form ?? [])).toEqual({
      grant_type: 'refresh_token',
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      refresh_token: REFRESH,
    })
  })

  it('refreshAccessToken throws ZohoThrottledError on Access Denied, description kept', async () => {
    const description =
      'Token creation throttle limit reached. Please reuse the valid tokens you currently have.'
    const { fetch } = zoho(400, { error: 'Access Denied', error_description: description })
    const error = await caught(
      refreshAccessToken({ accountsServer: EU, ...CLIENT, refreshToken: REFRESH }, { fetch }),
    )
    expect(error).toBeInstanceOf(ZohoThrottledError)
    expect((error as ZohoThrottledError).code).toBe(ERR_ZOHO_THROTTLED)
    expect((error as ZohoThrottledError).errorDescription).toBe(description)
    expect((error as ZohoThrottledError).remedy).toBe(remedyFor('Access Denied'))
  })

  it('refreshAccessToken refuses the HTML roadblock page', async () => {
    const { fetch } = zoho(
      200,
      '<html><body>Please verify you are human</body></html>',
      'text/html',
    )
    const error = (await caught(
      refreshAccessToken({ accountsServer: EU, ...CLIENT, refreshToken: REFRESH }, { fetch }),
    )) as UnexpectedResponseError
    expect(error.code).toBe(ERR_UNEXPECTED_RESPONSE)
    expect(error.contentType).toBe('text/html')
  })
})

describe('requestClientCredentialsToken', () => {
  it('requestClientCredentialsToken sends comma-separated scopes and soid, no refresh token back', async () => {
    const { refresh_token: _omitted, ...body } = SUCCESS
    const { fetch, seen } = zoho(200, body)
    const tokens = await requestClientCredentialsToken(
      {
        accountsServer: EU,
        ...CLIENT,
        scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.org.READ'],
        soid: 'ZohoCRM.123',
      },
      { fetch },
    )
    expect(tokens.refreshToken).toBeUndefined()
    expect(seen[0]?.form.get('grant_type')).toBe('client_credentials')
    expect(seen[0]?.form.get('scope')).toBe('ZohoCRM.modules.ALL,ZohoCRM.org.READ')
    expect(seen[0]?.form.get('soid')).toBe('ZohoCRM.123')
  })

  it('requestClientCredentialsToken maps missing_org_info', async () => {
    const { fetch } = zoho(200, { error: 'missing_org_info' })
    const error = (await caught(
      requestClientCredentialsToken(
        { accountsServer: EU, ...CLIENT, scopes: ['a'], soid: '' },
        { fetch },
      ),
    )) as ZohoOAuthError
    expect(error.error).toBe('missing_org_info')
    expect(error.remedy).toBe(
      'Pass the organisation as soid=ZohoCRM.<orgId> (client credentials work for Self Client only).',
    )
  })
})

describe('revokeToken', () => {
  it('revokeToken POSTs the token in the query string', async () => {
    const { fetch, seen } = zoho(200, { status: 'success' })
    await revokeToken({ accountsServer: EU, token: REFRESH }, { fetch })
    expect(seen[0]?.method).toBe('POST')
    const url = seen[0]?.url
    expect(`${url?.origin}${url?.pathname}`).toBe('https://accounts.zoho.eu/oauth/v2/token/revoke')
    expect(seen[0]?.url.searchParams.get('token')).toBe(REFRESH)
  })

  it("revokeToken turns Zoho's HTTP 400 invalid_token into ZohoOAuthError invalid_token", async () => {
    const { fetch } = zoho(400, { status: 'failure', error: 'invalid_token' })
    const error = await caught(revokeToken({ accountsServer: EU, token: REFRESH }, { fetch }))
    expect(error).toBeInstanceOf(ZohoOAuthError)
    expect((error as ZohoOAuthError).error).toBe('invalid_token')
    expect((error as ZohoOAuthError).status).toBe(400)
    expect((error as ZohoOAuthError).message).toBe(
      'revoke failed: invalid_token (Zoho does not know this token: already revoked, mistyped, or from another data centre)',
    )
  })

  it("revokeToken takes no answer but Zoho's JSON as a verdict: an HTML or empty 400, a 400 without error, a 200 without success", async () => {
    for (const [status, body, type] of [
      [400, '<html><body>400 Bad Request</body></html>', 'text/html'],
      [400, '', 'text/plain'],
      [400, { status: 'failure' }, 'application/json'],
      [200, {}, 'application/json'],
    ] as const) {
      const { fetch } = zoho(status, body, type)
      const error = await caught(revokeToken({ accountsServer: EU, token: REFRESH }, { fetch }))
      expect(error).toBeInstanceOf(UnexpectedResponseError)
    }
  })

  it("revokeToken keeps Zoho's error when the 400 carries one", async () => {
    const { fetch } = zoho(400, { error: 'invalid_request' })
    const error = (await caught(
      revokeToken({ accountsServer: EU, token: 'x' }, { fetch }),
    )) as ZohoOAuthError
    expect(error.error).toBe('invalid_request')
  })

  it('revokeToken refuses an answer that is not success', async () => {
    const { fetch } = zoho(200, { status: 'failure' })
    const error = (await caught(
      revokeToken({ accountsServer: EU, token: 'x' }, { fetch }),
    )) as UnexpectedResponseError
    expect(error.code).toBe(ERR_UNEXPECTED_RESPONSE)
  })
})

describe('requestDeviceCode', () => {
  it('requestDeviceCode asks for offline access by default and reads the answer', async () => {
    const { fetch, seen } = zoho(200, {
      user_code: 'ABCD-1234',
      device_code: CODE,
      verification_url: 'https://accounts.zoho.com/oauth/v3/device',
      interval: 30,
      expires_in: 300,
    })
    const device = await requestDeviceCode(
      { accountsServer: 'https://accounts.zoho.com', clientId: '1004.X', scopes: ['a', 'b'] },
      { fetch },
    )
    expect(device).toEqual({
      deviceCode: CODE,
      userCode: 'ABCD-1234',
      verificationURL: 'https://accounts.zoho.com/oauth/v3/device',
      intervalSeconds: 30,
      expiresInSeconds: 300,
    })
    expect(seen[0]?.url.pathname).toBe('/oauth/v3/device/code')
    expect(Object.fromEntries(seen[0]?.form ?? [])).toEqual({
      client_id: '1004.X',
      grant_type: 'device_request',
      scope: 'a,b',
      access_type: 'offline',
    })
  })

  it('requestDeviceCode reads a millisecond expires_in and defaults the interval to 30 s', async () => {
    const { fetch } = zoho(200, {
      user_code: 'U',
      device_code: 'D',
      verification_url: 'https://accounts.zoho.com/oauth/v3/device',
      expires_in: 300_000,
    })
    const device = await requestDeviceCode(
      {
        accountsServer: 'https://accounts.zoho.com',
        clientId: '1004.X',
        scopes: ['a'],
        accessType: 'online',
      },
      { fetch },
    )
    expect(device.expiresInSeconds).toBe(300)
    expect(device.intervalSeconds).toBe(30)
  })

  it('requestDeviceCode refuses an answer without a user_code (which minted nothing)', async () => {
    const { fetch } = zoho(200, { device_code: 'D' })
    const error = (await caught(
      requestDeviceCode({ accountsServer: EU, clientId: '1004.X', scopes: ['a'] }, { fetch }),
    )) as UnexpectedResponseError
    expect(error.code).toBe(ERR_UNEXPECTED_RESPONSE)
    expect(error.mayHaveMinted).toBe(false)
  })
})

describe('pollDeviceToken', () => {
  const poll = (fetch: typeof globalThis.fetch): Promise<unknown> =>
    pollDeviceToken({ accountsServer: EU, ...CLIENT, deviceCode: CODE }, { fetch })

  it('pollDeviceToken sends device_token with the device code', async () => {
    const { fetch, seen } = zoho(200, { error: 'authorization_pending' })
    expect(await poll(fetch)).toEqual({ status: 'pending' })
    expect(seen[0]?.url.pathname).toBe('/oauth/v3/device/token')
    expect(seen[0]?.form.get('grant_type')).toBe('device_token')
    expect(seen[0]?.form.get('code')).toBe(CODE)
  })

  it('pollDeviceToken returns slow_down', async () => {
    expect(await poll(zoho(200, { error: 'slow_down' }).fetch)).toEqual({ status: 'slow_down' })
  })

  it('pollDeviceToken returns other_dc with the location to poll', async () => {
    const result = await poll(zoho(200, { error: 'other_dc', user_location: 'eu' }).fetch)
    expect(result).toEqual({ status: 'other_dc', location: 'eu' })
  })

  it('pollDeviceToken refuses other_dc naming an unknown location', async () => {
    const error = (await caught(
      poll(zoho(200, { error: 'other_dc', user_location: 'mars' }).fetch),
    )) as UnexpectedResponseError
    expect(error.code).toBe(ERR_UNEXPECTED_RESPONSE)
  })

  it('pollDeviceToken returns the tokens once approved', async () => {
    expect(await poll(zoho(200, SUCCESS).fetch)).toEqual({
      status: 'approved',
      tokens: parseTokenResponse(SUCCESS, 'x'),
    })
  })

  it('pollDeviceToken throws access_denied and expired', async () => {
    for (const code of ['access_denied', 'expired']) {
      const error = (await caught(poll(zoho(200, { error: code }).fetch))) as ZohoOAuthError
      expect(error).toBeInstanceOf(ZohoOAuthError)
      expect(error.error).toBe(code)
      expect(error.remedy).toBe(remedyFor(code))
    }
  })
})

describe('fetchUserInfo', () => {
  it('fetchUserInfo GETs /oauth/user/info with a Zoho-oauthtoken header', async () => {
    const { fetch, seen } = zoho(200, {
      ZUID: 12345678,
      Email: 'ana@example.com',
      Display_Name: 'Ana',
    })
    const user = await fetchUserInfo({ accountsServer: EU, accessToken: ACCESS }, { fetch })
    expect(user).toEqual({ zuid: '12345678', email: 'ana@example.com', displayName: 'Ana' })
    expect(seen[0]?.method).toBe('GET')
    expect(seen[0]?.url.href).toBe('https://accounts.zoho.eu/oauth/user/info')
    expect(seen[0]?.headers.authorization).toBe(`Zoho-oauthtoken ${ACCESS}`)
  })

  it('fetchUserInfo refuses an answer without ZUID', async () => {
    const error = (await caught(
      fetchUserInfo(
        { accountsServer: EU, accessToken: ACCESS },
        { fetch: zoho(200, { Email: 'a@b.c' }).fetch },
      ),
    )) as UnexpectedResponseError
    expect(error.code).toBe(ERR_UNEXPECTED_RESPONSE)
  })
})
