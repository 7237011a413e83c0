import { describe, it, expect } from 'vitest'
import {
  buildAuthorizationURL,
  buildImplicitAuthorizationURL,
  buildImplicitRefreshURL,
  generatePKCE,
  parseAuthorizationCallback,
  parseImplicitCallback,
  pkceChallenge,
} from './authorize.js'
import { emulatorDataCenters, zohoDataCenters } from './data-centers.js'
import {
  CallbackError,
  ERR_INSECURE_URL,
  ERR_OAUTH_CALLBACK,
  ERR_UNTRUSTED_ACCOUNTS_SERVER,
  UntrustedAccountsServerError,
  type ZohoAuthError,
} from './errors.js'

function thrown(fn: () => unknown): ZohoAuthError {
  try {
    fn()
  } catch (error) {
    return error as ZohoAuthError
  }
  throw new Error('expected a throw')
}

const CODE = `1000.${'e'.repeat(32)}.${'f'.repeat(32)}`
const CB = 'http://localhost:3001/oauth/callback'
const dataCenters = zohoDataCenters

describe('buildAuthorizationURL', () => {
  it('buildAuthorizationURL names a malformed accounts server instead of a bare "Invalid URL"', () => {
    const error = thrown(() =>
      buildAuthorizationURL({
        accountsServer: 'accounts zoho com',
        clientId: '1000.ABC',
        redirectURI: CB,
        scopes: ['a'],
        state: 's',
      }),
    )
    expect(error.code).toBe(ERR_INSECURE_URL)
    expect(error.message).toBe('The accounts server "accounts zoho com" is not a URL')
    expect(error.remedy).toBe(
      'Pass the accounts server of a data centre from the table (dataCenterTable()), e.g. https://accounts.zoho.com, or check ZOHO_EMULATOR_URL.',
    )
  })

  it('buildAuthorizationURL builds the code-flow URL with comma-separated scopes and PKCE', () => {
    const url = buildAuthorizationURL({
      accountsServer: 'https://accounts.zoho.com',
      clientId: '1000.ABC',
      redirectURI: CB,
      scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ'],
      state: 's1',
      accessType: 'offline',
      prompt: 'consent',
      codeChallenge: 'chal',
    })
    expect(url.origin + url.pathname).toBe('https://accounts.zoho.com/oauth/v2/auth')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: '1000.ABC',
      response_type: 'code',
      redirect_uri: CB,
      scope: 'ZohoCRM.modules.ALL,ZohoCRM.users.READ',
      access_type: 'offline',
      prompt: 'consent',
      state: 's1',
      code_challenge: 'chal',
      code_challenge_method: 'S256',
    })
  })

  it('buildAuthorizationURL leaves out what was not asked for, keeps an emulator path', () => {
    const url = buildAuthorizationURL({
      accountsServer: 'http://127.0.0.1:4010/us/accounts/',
      clientId: 'c',
      redirectURI: CB,
      scopes: ['a'],
      state: 's',
      codeChallenge: 'x',
      codeChallengeMethod: 'plain',
    })
    expect(url.href.split('?')[0]).toBe('http://127.0.0.1:4010/us/accounts/oauth/v2/auth')
    expect([...url.searchParams.keys()]).toEqual([
      'client_id',
      'response_type',
      'redirect_uri',
      'scope',
      'state',
      'code_challenge',
      'code_challenge_method',
    ])
    expect(url.searchParams.get('code_challenge_method')).toBe('plain')
  })
})

describe('buildImplicitAuthorizationURL', () => {
  it('buildImplicitAuthorizationURL asks for response_type=token', () => {
    const p = {
      accountsServer: 'https://accounts.zoho.eu',
      clientId: 'c',
      redirectURI: CB,
      scopes: ['a', 'b'],
      state: 's',
    }
    const url = buildImplicitAuthorizationURL(p)
    expect(url.pathname).toBe('/oauth/v2/auth')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'c',
      response_type: 'token',
      redirect_uri: CB,
      scope: 'a,b',
      state: 's',
    })
    const refresh = buildImplicitRefreshURL(p)
    expect(refresh.href).toBe(url.href.replace('/oauth/v2/auth?', '/oauth/v2/auth/refresh?'))
  })
})

describe('generatePKCE', () => {
  it('pkceChallenge matches the RFC 7636 appendix B example', async () => {
    expect(await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    )
  })

  it('generatePKCE turns 32 random bytes into the RFC verifier and its S256 challenge', async () => {
    const rfcBytes = [
      116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77,
      105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ]
    const pkce = await generatePKCE({ randomBytes: () => Uint8Array.from(rfcBytes) })
    expect(pkce).toEqual({
      verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      method: 'S256',
    })
  })

  it('generatePKCE makes a different 43-character base64url verifier each time', async () => {
    const a = await generatePKCE()
    const b = await generatePKCE()
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(a.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(a.verifier).not.toBe(b.verifier)
    expect(a.challenge).toBe(await pkceChallenge(a.verifier))
  })
})

describe('parseAuthorizationCallback', () => {
  it('parseAuthorizationCallback accepts every one of the nine Zoho data centres', () => {
    expect(zohoDataCenters.dataCenters).toHaveLength(9)
    for (const dc of zohoDataCenters.dataCenters) {
      const url = `${CB}?code=${CODE}&location=${dc.location}&accounts-server=${encodeURIComponent(dc.accountsServer)}&state=s`
      const callback = parseAuthorizationCallback(url, { dataCenters, expectedState: 's' })
      expect(callback).toEqual({
        code: CODE,
        state: 's',
        dataCenter: dc,
        location: dc.location,
        accountsServer: dc.accountsServer,
      })
    }
  })

  it('parseAuthorizationCallback maps Canada to zohocloud.ca', () => {
    const url = `${CB}?code=${CODE}&location=ca&accounts-server=https%3A%2F%2Faccounts.zohocloud.ca`
    expect(parseAuthorizationCallback(url, { dataCenters }).accountsServer).toBe(
      'https://accounts.zohocloud.ca',
    )
  })

  it('parseAuthorizationCallback tolerates the stray trailing & of real US callbacks', () => {
    const url = `${CB}?state=s&code=${CODE}&location=us&accounts-server=https%3A%2F%2Faccounts.zoho.com&`
    const callback = parseAuthorizationCallback(url, { dataCenters, expectedState: 's' })
    expect(callback.location).toBe('us')
    expect(callback.accountsServer).toBe('https://accounts.zoho.com')
    expect(callback.code).toBe(CODE)
  })

  it('parseAuthorizationCallback accepts a URL object, a bare query and an unencoded accounts-server', () => {
    const url = new URL(`${CB}?code=${CODE}&location=in&accounts-server=https://accounts.zoho.in/`)
    expect(parseAuthorizationCallback(url, { dataCenters }).location).toBe('in')
    expect(parseAuthorizationCallback(`?code=${CODE}&location=jp`, { dataCenters }).location).toBe(
      'jp',
    )
  })

  it('parseAuthorizationCallback refuses a foreign accounts-server', () => {
    const url = `${CB}?code=${CODE}&location=us&accounts-server=https%3A%2F%2Faccounts.evil.example`
    const error = thrown(() => parseAuthorizationCallback(url, { dataCenters }))
    expect(error).toBeInstanceOf(UntrustedAccountsServerError)
    expect(error.code).toBe(ERR_UNTRUSTED_ACCOUNTS_SERVER)
    expect(error.message).toBe(
      'The callback names accounts server "https://accounts.evil.example", which is not a Zoho data centre',
    )
    expect((error as UntrustedAccountsServerError).accountsServer).toBe(
      'https://accounts.evil.example',
    )
  })

  it('parseAuthorizationCallback refuses look-alikes of a real accounts server', () => {
    for (const host of [
      'http://accounts.zoho.com',
      'https://accounts.zoho.com.evil.example',
      'https://accounts.zoho.com@evil.example',
      'https://accounts.zoho.com:8443',
    ]) {
      const url = `${CB}?code=${CODE}&accounts-server=${encodeURIComponent(host)}`
      expect(thrown(() => parseAuthorizationCallback(url, { dataCenters })).code).toBe(
        ERR_UNTRUSTED_ACCOUNTS_SERVER,
      )
    }
  })

  it('parseAuthorizationCallback refuses a Zoho accounts server when the table is the emulator', () => {
    const emulator = emulatorDataCenters('http://127.0.0.1:4010')
    const url = `${CB}?code=${CODE}&accounts-server=https%3A%2F%2Faccounts.zoho.com`
    expect(thrown(() => parseAuthorizationCallback(url, { dataCenters: emulator })).code).toBe(
      ERR_UNTRUSTED_ACCOUNTS_SERVER,
    )
  })

  it('parseAuthorizationCallback resolves the emulator table', () => {
    const emulator = emulatorDataCenters('http://127.0.0.1:4010/')
    const url = `${CB}?code=${CODE}&location=eu&accounts-server=${encodeURIComponent('http://127.0.0.1:4010/eu/accounts')}`
    const callback = parseAuthorizationCallback(url, { dataCenters: emulator })
    expect(callback.accountsServer).toBe('http://127.0.0.1:4010/eu/accounts')
    expect(callback.dataCenter.apiDomain).toBe('http://127.0.0.1:4010/eu/api')
  })

  it('parseAuthorizationCallback turns error=access_denied into a CallbackError with a remedy', () => {
    const error = thrown(() =>
      parseAuthorizationCallback(`${CB}?error=access_denied&state=s`, {
        dataCenters,
        expectedState: 's',
      }),
    ) as CallbackError
    expect(error).toBeInstanceOf(CallbackError)
    expect(error.code).toBe(ERR_OAUTH_CALLBACK)
    expect(error.reason).toBe('access_denied')
    expect(error.error).toBe('access_denied')
    expect(error.message).toBe(
      'Zoho did not grant access: the user declined, or the client asked for too many codes',
    )
    expect(error.remedy).toBe(
      'Ask the user to approve access again; if it keeps failing, wait 10 minutes (grant-code limit).',
    )
  })

  it('parseAuthorizationCallback reports another Zoho error as zoho_error', () => {
    const error = thrown(() =>
      parseAuthorizationCallback(`${CB}?error=invalid_client`, { dataCenters }),
    ) as CallbackError
    expect(error.reason).toBe('zoho_error')
    expect(error.message).toBe('Zoho redirected back with error "invalid_client"')
  })

  it('parseAuthorizationCallback reports a missing code', () => {
    const error = thrown(() =>
      parseAuthorizationCallback(`${CB}?location=us&state=s`, { dataCenters }),
    ) as CallbackError
    expect(error.reason).toBe('missing_code')
    expect(error.message).toBe('The callback carries no authorization code')
  })

  it('parseAuthorizationCallback refuses a state that does not match, or none', () => {
    const wrong = thrown(() =>
      parseAuthorizationCallback(`${CB}?code=${CODE}&location=us&state=other`, {
        dataCenters,
        expectedState: 's',
      }),
    ) as CallbackError
    expect(wrong.reason).toBe('state_mismatch')
    expect(wrong.message).toBe('The callback state does not match this login')
    const none = thrown(() =>
      parseAuthorizationCallback(`${CB}?code=${CODE}&location=us`, {
        dataCenters,
        expectedState: 's',
      }),
    ) as CallbackError
    expect(none.reason).toBe('state_mismatch')
    expect(none.message).toBe('The callback carries no state')
  })

  it('parseAuthorizationCallback refuses a location that disagrees with the accounts server', () => {
    const url = `${CB}?code=${CODE}&location=eu&accounts-server=https%3A%2F%2Faccounts.zoho.in`
    const error = thrown(() => parseAuthorizationCallback(url, { dataCenters })) as CallbackError
    expect(error.reason).toBe('unknown_location')
    expect(error.message).toBe(
      `The callback's location "eu" does not match its accounts server https://accounts.zoho.in (in)`,
    )
  })

  it('parseAuthorizationCallback refuses an unknown location', () => {
    const error = thrown(() =>
      parseAuthorizationCallback(`${CB}?code=${CODE}&location=mars`, { dataCenters }),
    ) as CallbackError
    expect(error.reason).toBe('unknown_location')
    expect(error.message).toBe('The callback names an unknown data centre location "mars"')
  })

  it('parseAuthorizationCallback uses the table for a known location without accounts-server', () => {
    const callback = parseAuthorizationCallback(`${CB}?code=${CODE}&location=au`, { dataCenters })
    expect(callback.accountsServer).toBe('https://accounts.zoho.com.au')
  })

  it('parseAuthorizationCallback falls back to defaultLocation, else refuses', () => {
    const url = `${CB}?code=${CODE}`
    expect(parseAuthorizationCallback(url, { dataCenters, defaultLocation: 'eu' }).location).toBe(
      'eu',
    )
    const error = thrown(() => parseAuthorizationCallback(url, { dataCenters })) as CallbackError
    expect(error.reason).toBe('unknown_location')
    expect(error.message).toBe('The callback names no data centre (no location or accounts-server)')
  })
})

describe('parseImplicitCallback', () => {
  const TOKEN = `1000.${'a'.repeat(32)}.${'b'.repeat(32)}`

  it('parseImplicitCallback reads the fragment', () => {
    const url = `${CB}#access_token=${TOKEN}&expires_in=3600&api_domain=https%3A%2F%2Fwww.zohoapis.eu&token_type=Bearer&state=s`
    const callback = parseImplicitCallback(url, { dataCenters, expectedState: 's' })
    expect(callback).toEqual({
      accessToken: TOKEN,
      expiresInSeconds: 3600,
      state: 's',
      dataCenter: zohoDataCenters.byLocation('eu'),
      apiDomain: 'https://www.zohoapis.eu',
    })
  })

  it('parseImplicitCallback refuses an api_domain outside the table', () => {
    const url = `${CB}#access_token=${TOKEN}&expires_in=3600&api_domain=https%3A%2F%2Fapi.evil.example`
    const error = thrown(() => parseImplicitCallback(url, { dataCenters })) as CallbackError
    expect(error.reason).toBe('unknown_location')
    expect(error.message).toBe(
      `The callback's api_domain "https://api.evil.example" is not a Zoho data centre`,
    )
  })

  it('parseImplicitCallback reports a refusal, a missing token and a wrong state', () => {
    expect(
      (
        thrown(() =>
          parseImplicitCallback(`${CB}#error=access_denied`, { dataCenters }),
        ) as CallbackError
      ).reason,
    ).toBe('access_denied')
    expect(
      (
        thrown(() =>
          parseImplicitCallback(`${CB}?error=access_denied`, { dataCenters }),
        ) as CallbackError
      ).reason,
    ).toBe('access_denied')
    expect(
      (thrown(() => parseImplicitCallback(`${CB}#state=s`, { dataCenters })) as CallbackError)
        .reason,
    ).toBe('missing_code')
    const url = `${CB}#access_token=${TOKEN}&api_domain=https%3A%2F%2Fwww.zohoapis.com&state=x`
    expect(
      (
        thrown(() =>
          parseImplicitCallback(url, { dataCenters, expectedState: 's' }),
        ) as CallbackError
      ).reason,
    ).toBe('state_mismatch')
  })

  it('parseImplicitCallback keeps a sandbox api_domain and finds its DC', () => {
    const url = `${CB}#access_token=${TOKEN}&expires_in=3600000&api_domain=https%3A%2F%2Fsandbox.zohoapis.in`
    const callback = parseImplicitCallback(url, { dataCenters })
    expect(callback.dataCenter.location).toBe('in')
    expect(callback.apiDomain).toBe('https://sandbox.zohoapis.in')
    expect(callback.expiresInSeconds).toBe(3600)
  })

  it("parseImplicitCallback hands on the table's API host, never the string in the fragment", () => {
    const url = `${CB}#access_token=${TOKEN}&api_domain=https%3A%2F%2FWWW.ZOHOAPIS.EU%2F`
    expect(parseImplicitCallback(url, { dataCenters }).apiDomain).toBe('https://www.zohoapis.eu')
    for (const apiDomain of ['https://user@www.zohoapis.eu', 'https://www.zohoapis.eu?x=1']) {
      const bad = `${CB}#access_token=${TOKEN}&api_domain=${encodeURIComponent(apiDomain)}`
      const error = thrown(() => parseImplicitCallback(bad, { dataCenters })) as CallbackError
      expect(error.reason).toBe('unknown_location')
    }
  })

  it('parseImplicitCallback refuses a lifetime that is none, and an access token that is not one word', () => {
    for (const expiresIn of ['1e308', '0', '-1', 'soon']) {
      const url = `${CB}#access_token=${TOKEN}&expires_in=${expiresIn}&api_domain=https%3A%2F%2Fwww.zohoapis.eu`
      const error = thrown(() => parseImplicitCallback(url, { dataCenters })) as CallbackError
      expect(error.reason).toBe('zoho_error')
      expect(error.message).toBe(
        `The callback's expires_in "${expiresIn}" is not a token lifetime (1 second to 1 day)`,
      )
    }
    const split = `${CB}#access_token=${TOKEN.slice(0, 20)}%20${TOKEN.slice(20)}&api_domain=https%3A%2F%2Fwww.zohoapis.eu`
    const error = thrown(() => parseImplicitCallback(split, { dataCenters })) as CallbackError
    expect(error.reason).toBe('zoho_error')
    expect(error.message).toBe("The callback's access_token is not a single printable token")
    expect(error.message + error.remedy).not.toContain(TOKEN)
  })

  it('parseImplicitCallback refuses a location that disagrees with api_domain', () => {
    const url = `${CB}#access_token=${TOKEN}&api_domain=https%3A%2F%2Fwww.zohoapis.com&location=eu`
    const error = thrown(() => parseImplicitCallback(url, { dataCenters })) as CallbackError
    expect(error.reason).toBe('unknown_location')
  })
})
