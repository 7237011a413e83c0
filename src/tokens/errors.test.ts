import { describe, it, expect } from 'vitest'
import { ZohoAuthError } from '../protocol/errors.js'
import { ZohoThrottledError } from '../protocol/errors.js'
import { ConnectionNotFoundError, NeedsReauthError, TokenThrottledError } from './errors.js'

describe('token errors', () => {
  it('NeedsReauthError: explains eviction and extends ZohoAuthError', () => {
    const error = new NeedsReauthError({ connectionId: 'acme', evicted: true })
    expect(error).toBeInstanceOf(ZohoAuthError)
    expect(error.code).toBe('ERR_NEEDS_REAUTH')
    expect(error.message).toBe(
      'Connection "acme" needs to be authorised again: Zoho evicted this refresh token because the same user granted this client 20 newer ones',
    )
  })

  it('TokenThrottledError: names the retry time; ConnectionNotFoundError: says how to find one', () => {
    const throttled = new TokenThrottledError({
      connectionId: 'acme',
      retryAt: Date.UTC(2026, 0, 1),
    })
    expect(throttled.retryAt).toBe(Date.UTC(2026, 0, 1))
    expect(throttled.message).toBe(
      'Connection "acme" has used its Zoho token budget (10 per 10 minutes); retry after 2026-01-01T00:00:00.000Z',
    )
    expect(new ConnectionNotFoundError('x').remedy).toBe(
      'List the connections to check the id, or create one by granting access (or importing a refresh token).',
    )
  })

  it('TokenThrottledError: the remedy says what fills the budget, and who else throttles', () => {
    const ours = new TokenThrottledError({ connectionId: 'acme', retryAt: Date.UTC(2026, 0, 1) })
    expect(ours.remedy).toBe(
      'Wait until the retry time. Only token requests that got a token, or whose answer was lost after they were sent (a timeout, a cut connection), are counted: if Zoho answered them, something is refreshing far too often — reuse access tokens until they expire.',
    )
    const zohos = new TokenThrottledError({
      connectionId: 'acme',
      retryAt: Date.UTC(2026, 0, 1),
      cause: new ZohoThrottledError({ error: 'Access Denied', status: 400, operation: 'refresh' }),
    })
    expect(zohos.message).toBe(
      'Zoho throttled the token requests of connection "acme" (Access Denied); retry after 2026-01-01T00:00:00.000Z',
    )
    expect(zohos.remedy).toBe(
      'Wait until the retry time. Zoho refused although fewer than 10 requests were counted here: something else uses the same refresh token (another app, or a copy of this connection in another store) — give each its own grant.',
    )
  })

  it('NeedsReauthError: never leaks a token in its message', () => {
    const token = `1000.${'a'.repeat(32)}.${'b'.repeat(32)}`
    const error = new NeedsReauthError({
      connectionId: 'acme',
      evicted: false,
      reason: `bad ${token}`,
    })
    expect(error.message).not.toContain(token)
  })
})
