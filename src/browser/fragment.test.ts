import { describe, it, expect } from 'vitest'
import { parseZohoFragment } from './fragment.js'

const TOKEN = '1000.0123456789abcdef0123456789abcdef.fedcba9876543210fedcba9876543210'

// A fragment as Zoho sends it: starting with '#&', api_domain URL-encoded.
const ZOHO =
  `#&access_token=${TOKEN}&token_type=Bearer&expires_in=3600&expires_in_sec=3600` +
  '&api_domain=https%3A%2F%2Fwww.zohoapis.eu&location=eu' +
  '&accounts-server=https%3A%2F%2Faccounts.zoho.eu&scope=ZohoCRM.users.READ%20ZohoCRM.org.READ' +
  '&granted_for_session=true&state=r.abc'

describe('parseZohoFragment', () => {
  it('reads every field of Zoho’s #& token fragment', () => {
    expect(parseZohoFragment(ZOHO)).toEqual({
      type: 'token',
      accessToken: TOKEN,
      expiresIn: 3600,
      location: 'eu',
      apiDomain: 'https://www.zohoapis.eu',
      accountsServer: 'https://accounts.zoho.eu',
      grantedForSession: true,
      scopes: ['ZohoCRM.users.READ', 'ZohoCRM.org.READ'],
      state: 'r.abc',
    })
  })

  it('reads a fragment without the leading & and a comma-separated scope', () => {
    const f = parseZohoFragment(
      `#access_token=${TOKEN}&expires_in=3600&location=us&scope=ZohoCRM.users.READ,AaaServer.profile.READ&state=s`,
    )
    expect(f).toMatchObject({ type: 'token', location: 'us', state: 's' })
    expect(f?.type === 'token' && f.scopes).toEqual([
      'ZohoCRM.users.READ',
      'AaaServer.profile.READ',
    ])
  })

  it('takes granted_for_session=false, or its absence, as no session grant', () => {
    const base = `#&access_token=${TOKEN}&expires_in=3600&location=us&state=s`
    expect(parseZohoFragment(`${base}&granted_for_session=false`)).toMatchObject({
      grantedForSession: false,
    })
    expect(parseZohoFragment(base)).toMatchObject({
      grantedForSession: false,
      apiDomain: undefined,
    })
  })

  it('prefers expires_in_sec, and reads an expires_in in milliseconds (the older answer) as seconds', () => {
    const base = `#&access_token=${TOKEN}&location=us`
    expect(parseZohoFragment(`${base}&expires_in=3600000&expires_in_sec=3600`)).toMatchObject({
      expiresIn: 3600,
    })
    expect(parseZohoFragment(`${base}&expires_in=3600000`)).toMatchObject({ expiresIn: 3600 })
    expect(parseZohoFragment(`${base}&expires_in=1800`)).toMatchObject({ expiresIn: 1800 })
  })

  it.each([
    'client_not_granted',
    'prompt_required',
    'no_org',
    'access_denied',
    'unauthorized_client',
    'invalid_scope',
    'unsupported_response_type',
    'invalid_request',
  ])('reads error=%s with its state, from the fragment or the query', (error) => {
    const expected = { type: 'error', error, description: undefined, state: 'r.x' }
    expect(parseZohoFragment(`#error=${error}&state=r.x`)).toEqual(expected)
    expect(parseZohoFragment(`?error=${error}&state=r.x`)).toEqual(expected)
  })

  it('keeps an error_description when Zoho sends one', () => {
    expect(parseZohoFragment('#error=invalid_scope&error_description=bad%20scope')).toEqual({
      type: 'error',
      error: 'invalid_scope',
      description: 'bad scope',
      state: undefined,
    })
  })

  it('refuses a token without expires_in or without location, rather than guessing', () => {
    expect(parseZohoFragment(`#&access_token=${TOKEN}&location=us&state=s`)).toEqual({
      type: 'error',
      error: 'invalid_response',
      description: 'no expires_in',
      state: 's',
    })
    expect(parseZohoFragment(`#&access_token=${TOKEN}&expires_in=3600`)).toEqual({
      type: 'error',
      error: 'invalid_response',
      description: 'no location',
      state: undefined,
    })
    expect(parseZohoFragment(`#&access_token=${TOKEN}&expires_in=-5&location=us`)).toMatchObject({
      error: 'invalid_response',
    })
  })

  it('answers undefined for a fragment that is not Zoho’s (an app route, nothing at all)', () => {
    expect(parseZohoFragment('')).toBeUndefined()
    expect(parseZohoFragment('#/settings/profile')).toBeUndefined()
    expect(parseZohoFragment('?tab=2')).toBeUndefined()
  })
})
