import { describe, it, expect } from 'vitest'
import {
  CallbackError,
  CredentialFormatError,
  ERR_CREDENTIAL_FORMAT,
  ERR_OAUTH_CALLBACK,
  ERR_TRANSPORT,
  ERR_UNEXPECTED_RESPONSE,
  ERR_UNTRUSTED_ACCOUNTS_SERVER,
  ERR_ZOHO_OAUTH,
  ERR_ZOHO_THROTTLED,
  TransportError,
  UnexpectedResponseError,
  UntrustedAccountsServerError,
  ZohoAuthError,
  ZohoOAuthError,
  ZohoThrottledError,
  remedyFor,
} from './errors.js'

const TOKEN = `1000.${'a'.repeat(32)}.${'b'.repeat(32)}`

describe('remedyFor', () => {
  it("remedyFor tells a refresh token's invalid_code apart from a code's", () => {
    expect(remedyFor('invalid_code', 'refresh')).toBe(
      'Grant access again to get a new refresh token; nothing retried with this one will work.',
    )
    expect(remedyFor('invalid_code', 'code exchange')).toMatch(/mint a new one/)
  })

  it('remedyFor gives each error of docs/zoho-behaviour.md §3 its own remedy', () => {
    const expected: Record<string, string> = {
      invalid_code:
        'This code was already used or expired (or belongs to another data centre); mint a new one and exchange it at once, in the data centre that issued it (the callback’s location; for a Self Client, the data centre of the account it was generated in).',
      invalid_redirect_uri:
        'Use exactly the redirect URI registered in the Zoho API console (scheme, host, port, path and trailing slash must match).',
      invalid_client:
        'Check ZOHO_CLIENT_ID, and that the request goes to the data centre where the client is registered (or that multi-DC is enabled for this DC in the API console).',
      invalid_client_secret:
        'Check ZOHO_CLIENT_SECRET; with multi-DC each data centre may have its own secret (set ZOHO_CLIENT_SECRET_<DC>, e.g. ZOHO_CLIENT_SECRET_EU).',
      'Access Denied':
        'Reuse the access token you have and wait for the 10-minute window to pass; retrying in a loop only prolongs the lock-out.',
      missing_org_info:
        'Pass the organisation as soid=ZohoCRM.<orgId> (client credentials work for Self Client only).',
      access_denied:
        'Ask the user to approve access again; if it keeps failing, wait 10 minutes (grant-code limit).',
    }
    for (const [error, remedy] of Object.entries(expected)) expect(remedyFor(error)).toBe(remedy)
  })

  it('remedyFor answers an undocumented error generically', () => {
    expect(remedyFor('weird')).toBe(
      'Zoho answered "weird"; check the client id, secret and data centre, then try again.',
    )
  })
})

describe('ZohoOAuthError', () => {
  it('ZohoOAuthError names the operation, the meaning and the description', () => {
    const error = new ZohoOAuthError({
      error: 'invalid_client',
      errorDescription: 'no such client',
      status: 200,
      operation: 'refresh',
    })
    expect(error).toBeInstanceOf(ZohoAuthError)
    expect(error.name).toBe('ZohoOAuthError')
    expect(error.code).toBe(ERR_ZOHO_OAUTH)
    expect(error.status).toBe(200)
    expect(error.message).toBe(
      'refresh failed: invalid_client (Zoho does not know this client_id in this data centre) — no such client',
    )
  })

  it('ZohoOAuthError redacts a token Zoho echoed back', () => {
    const error = new ZohoOAuthError({
      error: 'invalid_code',
      errorDescription: TOKEN,
      status: 200,
    })
    expect(error.message).not.toContain(TOKEN)
    expect(error.message).toContain('1000.…bbbb')
  })

  it('ZohoThrottledError is a ZohoOAuthError with its own code', () => {
    const error = new ZohoThrottledError({ error: 'Access Denied', status: 400 })
    expect(error).toBeInstanceOf(ZohoOAuthError)
    expect(error.name).toBe('ZohoThrottledError')
    expect(error.code).toBe(ERR_ZOHO_THROTTLED)
  })
})

describe('error family', () => {
  it('UnexpectedResponseError keeps status, content type and a redacted excerpt', () => {
    const error = new UnexpectedResponseError({
      status: 503,
      contentType: 'text/html',
      body: `<html>${TOKEN}</html>`,
    })
    expect(error.code).toBe(ERR_UNEXPECTED_RESPONSE)
    expect(error.bodyExcerpt).toBe('<html>1000.…bbbb</html>')
    expect(error.message).toBe(
      'Request got an unexpected response from Zoho: HTTP 503 text/html: <html>1000.…bbbb</html>',
    )
  })

  it('TransportError leaves the query string (and any token in it) out of the message', () => {
    const error = new TransportError({
      url: `https://accounts.zoho.com/oauth/v2/token/revoke?token=${TOKEN}`,
      timeout: false,
      operation: 'revoke',
    })
    expect(error.code).toBe(ERR_TRANSPORT)
    expect(error.message).toBe(
      'revoke to https://accounts.zoho.com/oauth/v2/token/revoke failed before Zoho answered',
    )
    expect(error.remedy).toBe(
      'Check the network connection and that the data centre URL is reachable, then retry.',
    )
  })

  it('UntrustedAccountsServerError, CallbackError and CredentialFormatError carry their codes', () => {
    expect(new UntrustedAccountsServerError('https://x.example').code).toBe(
      ERR_UNTRUSTED_ACCOUNTS_SERVER,
    )
    const callback = new CallbackError({ reason: 'missing_code', message: 'm', remedy: 'r' })
    expect([callback.code, callback.reason, callback.remedy]).toEqual([
      ERR_OAUTH_CALLBACK,
      'missing_code',
      'r',
    ])
    const format = new CredentialFormatError({ field: 'clientId', message: 'm', remedy: 'r' })
    expect([format.code, format.field, format.name]).toEqual([
      ERR_CREDENTIAL_FORMAT,
      'clientId',
      'CredentialFormatError',
    ])
  })
})
