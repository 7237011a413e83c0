import { describe, it, expect } from 'vitest'
import { emulatorDataCenters, zohoDataCenters } from './data-centers.js'
import { ERR_UNEXPECTED_RESPONSE, UnexpectedResponseError } from './errors.js'
import { parseTokenResponse, type TokenResponseChecks } from './token-response.js'

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

  it('parseTokenResponse defaults to one hour when no expiry is sent, accepts numeric strings', () => {
    const { expires_in: _omitted, ...body } = SUCCESS
    expect(parseTokenResponse(body, 'x').expiresInSeconds).toBe(3600)
    expect(parseTokenResponse({ ...SUCCESS, expires_in: '1800' }, 'x').expiresInSeconds).toBe(1800)
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
    expect(refusal({ ...SUCCESS, expires_in: 0 }, 'refresh').mayHaveMinted).toBe(true)
    const roadblock = new UnexpectedResponseError({
      status: 200,
      contentType: 'text/html',
      body: '<html>',
    })
    expect(roadblock.mayHaveMinted).toBe(false)
  })
})

describe('parseTokenResponse: expires_in sanity', () => {
  it('parseTokenResponse refuses a non-finite, absurd, zero or negative expires_in', () => {
    for (const expires_in of [1e308, 1e12, 0, -5, 'soon', true, 0.4]) {
      const error = refusal({ ...SUCCESS, expires_in })
      expect(error.message).toContain('expires_in')
      expect(error.message).toContain('Zoho may already have spent the code')
    }
  })

  it('parseTokenResponse refuses a nonsense expires_in_sec even beside a sane expires_in', () => {
    const error = refusal({ ...SUCCESS, expires_in: 3_600_000, expires_in_sec: -1 }, 'refresh')
    expect(error.message).toBe(
      'refresh got an answer from Zoho it cannot use: expires_in_sec is -1, not a token lifetime (1 second to 1 day); the refresh token is unaffected',
    )
    expect(error.remedy).toBe(
      'Retry later. If it repeats, the accounts server (or a proxy in front of it) is not answering like Zoho: check ZOHO_DC, ZOHO_EMULATOR_URL and the network.',
    )
  })

  it('parseTokenResponse says what to do after a code exchange whose answer is unusable', () => {
    const error = refusal({ ...SUCCESS, expires_in: 1e308 })
    expect(error.message).toBe(
      'code exchange got an answer from Zoho it cannot use: expires_in is 1e+308, not a token lifetime (1 second to 1 day); Zoho may already have spent the code',
    )
    expect(error.remedy).toBe(
      'Mint a new code and exchange it again. If it repeats, the accounts server (or a proxy in front of it) is not answering like Zoho: check ZOHO_DC, ZOHO_EMULATOR_URL and the network.',
    )
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
