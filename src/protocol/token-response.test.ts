import { describe, it, expect } from 'vitest'
import { emulatorDataCenters, zohoDataCenters } from './data-centers.js'
import { ERR_UNEXPECTED_RESPONSE, UnexpectedResponseError } from './errors.js'
import {
  MAX_ACCESS_TOKEN_LIFETIME_SECONDS,
  UNSTATED_LIFETIME_SECONDS,
  parseTokenResponse,
  type TokenResponseChecks,
} from './token-response.js'

const hex = (c: string): string => c.repeat(32)
const ACCESS = `1000.${hex('a')}.${hex('b')}`
const REFRESH = `1000.${hex('c')}.${hex('d')}`
const SUCCESS = {
  access_token: ACCESS,
  refresh_token: REFRESH,
  api_domain: 'https://www.zohoapis.eu',
  token_type: 'Bearer',
  expires_in: 3600,
}

function refusal(
  body: Record<string, unknown>,
  operation = 'code exchange',
  checks: TokenResponseChecks = {},
): UnexpectedResponseError {
  try {
    parseTokenResponse(body, operation, checks)
  } catch (error) {
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect((error as UnexpectedResponseError).code).toBe(ERR_UNEXPECTED_RESPONSE)
    const { message, remedy } = error as UnexpectedResponseError
    // Whatever is wrong, a token that rode along is never repeated.
    expect(message + remedy).not.toContain(ACCESS)
    expect(message + remedy).not.toContain(REFRESH)
    return error as UnexpectedResponseError
  }
  throw new Error('expected an UnexpectedResponseError')
}

describe('parseTokenResponse', () => {
  it('parseTokenResponse prefers expires_in_sec over a millisecond expires_in', () => {
    const tokens = parseTokenResponse(
      { ...SUCCESS, expires_in: 3_600_000, expires_in_sec: 3600 },
      'x',
    )
    expect(tokens.expiresInSeconds).toBe(3600)
  })

  it('parseTokenResponse reads a lone millisecond expires_in as milliseconds', () => {
    expect(parseTokenResponse({ ...SUCCESS, expires_in: 3_600_000 }, 'x').expiresInSeconds).toBe(
      3600,
    )
  })

  it('parseTokenResponse accepts a numeric string lifetime', () => {
    const tokens = parseTokenResponse({ ...SUCCESS, expires_in: '1800' }, 'x')
    expect(tokens.expiresInSeconds).toBe(1800)
    expect(tokens.lifetimeWarning).toBeUndefined()
  })

  it('parseTokenResponse splits scope on commas or spaces, and keeps id_token', () => {
    const tokens = parseTokenResponse(
      {
        ...SUCCESS,
        scope: 'ZohoCRM.modules.ALL ZohoCRM.users.READ,AaaServer.profile.READ',
        id_token: 'jwt',
      },
      'x',
    )
    expect(tokens.scopes).toEqual([
      'ZohoCRM.modules.ALL',
      'ZohoCRM.users.READ',
      'AaaServer.profile.READ',
    ])
    expect(tokens.idToken).toBe('jwt')
  })

  it('parseTokenResponse defaults token_type to Bearer and trims a trailing slash off api_domain', () => {
    const { token_type: _omitted, ...body } = SUCCESS
    const tokens = parseTokenResponse({ ...body, api_domain: 'https://www.zohoapis.eu/' }, 'x')
    expect(tokens.tokenType).toBe('Bearer')
    expect(tokens.apiDomain).toBe('https://www.zohoapis.eu')
  })

  it('parseTokenResponse still takes the previous refresh token as its third argument', () => {
    const { refresh_token: _omitted, ...body } = SUCCESS
    expect(parseTokenResponse(body, 'refresh', REFRESH).refreshToken).toBe(REFRESH)
    expect(
      parseTokenResponse(body, 'refresh', { previousRefreshToken: REFRESH }).refreshToken,
    ).toBe(REFRESH)
  })
})

describe('parseTokenResponse: what was spent', () => {
  it('parseTokenResponse marks an unusable success as one that may have minted a token', () => {
    expect(refusal({ ...SUCCESS, access_token: 'two words' }, 'refresh').mayHaveMinted).toBe(true)
    const roadblock = new UnexpectedResponseError({
      status: 200,
      contentType: 'text/html',
      body: '<html>',
    })
    expect(roadblock.mayHaveMinted).toBe(false)
  })
})

describe('parseTokenResponse: a lifetime Zoho did not state, or stated as nonsense', () => {
  it('parseTokenResponse keeps a token whose answer has no expires_in, for the short unstated lifetime, with a warning', () => {
    const { expires_in: _omitted, ...body } = SUCCESS
    const tokens = parseTokenResponse(body, 'code exchange')
    expect(tokens.accessToken).toBe(ACCESS)
    expect(tokens.refreshToken).toBe(REFRESH)
    expect(tokens.expiresInSeconds).toBe(UNSTATED_LIFETIME_SECONDS)
    expect(UNSTATED_LIFETIME_SECONDS).toBeLessThan(MAX_ACCESS_TOKEN_LIFETIME_SECONDS)
    expect(tokens.lifetimeWarning).toBe(
      `the answer named no expires_in; the access token is used for ${UNSTATED_LIFETIME_SECONDS} s, not Zoho's usual hour`,
    )
  })

  it('parseTokenResponse keeps a token whose expires_in is non-finite, absurd, zero, negative or not a number, for the unstated lifetime', () => {
    for (const expires_in of [1e308, 1e12, 0, -5, 'soon', '', true, 0.4, null]) {
      const tokens = parseTokenResponse({ ...SUCCESS, expires_in }, 'code exchange')
      expect(tokens.refreshToken, String(expires_in)).toBe(REFRESH)
      expect(tokens.expiresInSeconds, String(expires_in)).toBe(UNSTATED_LIFETIME_SECONDS)
      expect(tokens.lifetimeWarning, String(expires_in)).toContain('expires_in')
    }
    const tokens = parseTokenResponse({ ...SUCCESS, expires_in: 'soon' }, 'refresh')
    expect(tokens.lifetimeWarning).toBe(
      `expires_in is "soon", not a token lifetime (1 second to 1 day); the access token is used for ${UNSTATED_LIFETIME_SECONDS} s, not Zoho's usual hour`,
    )
  })

  it('parseTokenResponse takes a nonsense expires_in_sec as unstated, even beside a sane expires_in', () => {
    const tokens = parseTokenResponse(
      { ...SUCCESS, expires_in: 3_600_000, expires_in_sec: -1 },
      'refresh',
    )
    expect(tokens.expiresInSeconds).toBe(UNSTATED_LIFETIME_SECONDS)
    expect(tokens.lifetimeWarning).toMatch(/^expires_in_sec is -1, not a token lifetime/)
  })

  it("parseTokenResponse never believes an access token lives longer than Zoho's hour", () => {
    const tokens = parseTokenResponse({ ...SUCCESS, expires_in: 86_400 }, 'refresh')
    expect(tokens.expiresInSeconds).toBe(MAX_ACCESS_TOKEN_LIFETIME_SECONDS)
    expect(tokens.lifetimeWarning).toBe(
      "expires_in is 86400 s, longer than Zoho's access tokens live; the access token is used for 3600 s",
    )
    const hour = parseTokenResponse({ ...SUCCESS, expires_in: 3600 }, 'refresh')
    expect(hour.expiresInSeconds).toBe(3600)
    expect(hour.lifetimeWarning).toBeUndefined()
  })

  it('parseTokenResponse rounds a fractional lifetime down to whole seconds', () => {
    expect(parseTokenResponse({ ...SUCCESS, expires_in: 3599.7 }, 'x').expiresInSeconds).toBe(3599)
  })
})

describe('parseTokenResponse: tokens', () => {
  it('parseTokenResponse refuses an access token with whitespace or control characters inside', () => {
    for (const access_token of [
      `${ACCESS.slice(0, 30)}\n${ACCESS.slice(30)}`,
      `${ACCESS.slice(0, 30)} ${ACCESS.slice(30)}`,
      `${ACCESS}\u0000`,
      `${ACCESS}é`,
    ]) {
      const error = refusal({ ...SUCCESS, access_token })
      expect(error.message).toContain(
        'access_token is not a single printable token (it holds spaces, line breaks or other characters no token has)',
      )
    }
  })

  it('parseTokenResponse refuses a malformed refresh token the same way', () => {
    const error = refusal({ ...SUCCESS, refresh_token: `${REFRESH}\r\nX-Evil: 1` })
    expect(error.message).toContain('refresh_token is not a single printable token')
  })

  it('parseTokenResponse trims whitespace around a token', () => {
    const tokens = parseTokenResponse(
      { ...SUCCESS, access_token: ` ${ACCESS}\n`, refresh_token: `${REFRESH} ` },
      'x',
    )
    expect(tokens.accessToken).toBe(ACCESS)
    expect(tokens.refreshToken).toBe(REFRESH)
  })

  it('parseTokenResponse refuses a missing or empty access_token, naming the keys it saw', () => {
    const { access_token: _omitted, ...body } = SUCCESS
    expect(refusal(body).message).toBe(
      'code exchange got an answer from Zoho it cannot use: no access_token (the answer had: refresh_token, api_domain, token_type, expires_in); Zoho may already have spent the code',
    )
    expect(refusal({ ...SUCCESS, access_token: '  ' }).message).toContain('no access_token')
  })
})

describe('parseTokenResponse: api_domain', () => {
  it('parseTokenResponse refuses an api_domain that is not an https URL', () => {
    for (const api_domain of ['not a url', 'ftp://www.zohoapis.eu', 'http://www.zohoapis.eu']) {
      const error = refusal({ ...SUCCESS, api_domain })
      expect(error.message).toContain(`api_domain "${api_domain}" is not an https:// URL`)
    }
    expect(refusal({ ...SUCCESS, api_domain: 'https://x.example?a=b' }).message).toContain(
      'api_domain "https://x.example?a=b" carries credentials, a query or a fragment',
    )
  })

  it("parseTokenResponse takes http:// api_domain only to loopback, only with allowInsecureHTTP (the emulator's rule)", () => {
    const local = { ...SUCCESS, api_domain: 'http://127.0.0.1:4010/eu/api' }
    expect(parseTokenResponse(local, 'x', { allowInsecureHTTP: true }).apiDomain).toBe(
      'http://127.0.0.1:4010/eu/api',
    )
    refusal(local)
    refusal({ ...SUCCESS, api_domain: 'http://10.0.0.1/eu/api' }, 'x', { allowInsecureHTTP: true })
  })

  it("parseTokenResponse from one of Zoho's accounts servers uses only that DC's API host, and reports another", () => {
    const checks = { accountsServer: 'https://accounts.zoho.eu' }
    expect(parseTokenResponse(SUCCESS, 'x', checks).apiDomain).toBe('https://www.zohoapis.eu')
    expect(
      parseTokenResponse({ ...SUCCESS, api_domain: 'https://sandbox.zohoapis.eu' }, 'x', checks)
        .apiDomain,
    ).toBe('https://sandbox.zohoapis.eu')
    for (const api_domain of ['https://evil.example', 'https://www.zohoapis.com', 'not a url']) {
      const tokens = parseTokenResponse({ ...SUCCESS, api_domain }, 'code exchange', checks)
      expect(tokens.apiDomain).toBe('https://www.zohoapis.eu')
      expect(tokens.untrustedApiDomain).toBe(api_domain)
    }
  })

  it("parseTokenResponse with the caller's table and location holds the emulator to its DC too", () => {
    const table = emulatorDataCenters('http://127.0.0.1:4010')
    const expectedDataCenter = { table, location: 'ca' }
    const body = { ...SUCCESS, api_domain: 'http://127.0.0.1:4010/ca/api/' }
    expect(
      parseTokenResponse(body, 'x', { allowInsecureHTTP: true, expectedDataCenter }).apiDomain,
    ).toBe('http://127.0.0.1:4010/ca/api')
    const other = parseTokenResponse(
      { ...body, api_domain: 'http://127.0.0.1:4010/us/api' },
      'refresh',
      {
        allowInsecureHTTP: true,
        expectedDataCenter,
      },
    )
    expect(other).toMatchObject({
      apiDomain: 'http://127.0.0.1:4010/ca/api',
      untrustedApiDomain: 'http://127.0.0.1:4010/us/api',
    })
    // The caller's table wins over the accounts-server guess.
    expect(
      parseTokenResponse(SUCCESS, 'x', {
        accountsServer: 'https://accounts.zoho.com',
        expectedDataCenter: { table: zohoDataCenters, location: 'eu' },
      }).apiDomain,
    ).toBe('https://www.zohoapis.eu')
  })

  it('parseTokenResponse refuses a missing api_domain', () => {
    const { api_domain: _omitted, ...body } = SUCCESS
    expect(refusal(body).message).toContain('no api_domain')
  })
})
