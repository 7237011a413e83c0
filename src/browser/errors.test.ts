import { describe, it, expect } from 'vitest'
import { BrowserAuthError, zohoRedirectError } from './errors.js'
import { newState } from './storage.js'

const ADA = { zuid: '123456789', email: 'ada@example.com', dc: 'us' }

describe('zohoRedirectError', () => {
  it('client_not_granted for a known account: session_ended, offering sign-in as that account', () => {
    const error = zohoRedirectError('client_not_granted', ADA)
    expect(error).toBeInstanceOf(BrowserAuthError)
    expect(error).toMatchObject({
      name: 'BrowserAuthError',
      reason: 'session_ended',
      message: "Zoho's session for ada@example.com has ended in this browser",
      remedy: 'Sign in again as ada@example.com. Zoho keeps one signed-in user per browser.',
      account: ADA,
      zohoError: 'client_not_granted',
    })
  })

  it('client_not_granted without an account: not_granted_for_session', () => {
    expect(zohoRedirectError('client_not_granted')).toMatchObject({
      reason: 'not_granted_for_session',
      message: 'Zoho did not grant access for the session',
      remedy: 'Sign in again.',
    })
  })

  it.each([
    ['prompt_required', 'prompt_required', "The scopes need the user's consent again"],
    ['no_org', 'no_org', 'The Zoho account has no org of the product a scope names'],
    ['access_denied', 'access_denied', 'Zoho denied access'],
    ['invalid_scope', 'zoho_error', 'Zoho answered invalid_scope'],
    ['unauthorized_client', 'zoho_error', 'Zoho answered unauthorized_client'],
  ])('maps %s to the reason %s', (zohoError, reason, message) => {
    expect(zohoRedirectError(zohoError, ADA)).toMatchObject({ reason, message, zohoError })
  })
})

describe('newState', () => {
  it('is 128 random bits in hex, marked p. for a popup and r. for a redirect, never repeated', () => {
    expect(newState(true)).toMatch(/^p\.[0-9a-f]{32}$/)
    expect(newState(false)).toMatch(/^r\.[0-9a-f]{32}$/)
    const states = new Set(Array.from({ length: 200 }, () => newState(false)))
    expect(states.size).toBe(200)
  })
})
