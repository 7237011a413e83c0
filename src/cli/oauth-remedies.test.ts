import { describe, expect, it } from 'vitest'
import { ZohoOAuthError, ZohoThrottledError } from '../protocol/errors.js'
import { oauthRemedyInCli } from './oauth-remedies.js'

const exchangeError = (error: string): ZohoOAuthError =>
  new ZohoOAuthError({ error, status: 200, operation: 'code exchange' })

describe('oauthRemedyInCli', () => {
  it('oauthRemedyInCli: invalid_code names exchange with --dc, and login again after login', () => {
    const remedy = oauthRemedyInCli(exchangeError('invalid_code'))
    expect(remedy).toContain('run `zoho-auth exchange --code CODE` at once')
    expect(remedy).toContain('pass `--dc eu`')
    expect(remedy).toContain('After `zoho-auth login`, run `zoho-auth login` again.')
  })

  it('oauthRemedyInCli: client errors name the setting and doctor; a redirect URI error names login', () => {
    expect(oauthRemedyInCli(exchangeError('invalid_client'))).toMatch(
      /^Check ZOHO_CLIENT_ID \(`zoho-auth doctor` checks it\) and that `--dc` \/ ZOHO_DC/,
    )
    expect(oauthRemedyInCli(exchangeError('invalid_client_secret'))).toContain(
      'ZOHO_CLIENT_SECRET_EU',
    )
    expect(oauthRemedyInCli(exchangeError('invalid_redirect_uri'))).toContain(
      'ZOHO_REDIRECT_URI, default http://localhost:3001/oauth/callback',
    )
  })

  it('oauthRemedyInCli: errors whose library remedy already fits a shell are left to it', () => {
    const throttled = new ZohoThrottledError({ error: 'Access Denied', status: 400 })
    expect(oauthRemedyInCli(throttled)).toBeUndefined()
    expect(oauthRemedyInCli(exchangeError('access_denied'))).toBeUndefined()
  })
})
