import { describe, expect, it } from 'vitest'
import { ApiRateLimitError, ERR_API_RATE_LIMITED } from './errors.js'

describe('ApiRateLimitError', () => {
  it('ApiRateLimitError: with a reset, the remedy says to wait until the retry time', () => {
    const error = new ApiRateLimitError({
      connectionId: 'crm',
      request: 'GET /crm/v8/org',
      retryAt: Date.UTC(2026, 0, 1),
      limit: 25,
    })
    expect(error.code).toBe(ERR_API_RATE_LIMITED)
    expect(error.message).toBe(
      `GET /crm/v8/org: Zoho's API limit for connection "crm" is reached (TOO_MANY_REQUESTS, limit 25); retry after 2026-01-01T00:00:00.000Z`,
    )
    expect(error.remedy).toMatch(/^Wait until the retry time\. Zoho counts API credits/)
  })

  it('ApiRateLimitError: without a reset, the remedy gives a wait instead of a retry time it does not have', () => {
    const error = new ApiRateLimitError({
      connectionId: 'crm',
      request: 'GET /crm/v8/org',
      retryAt: undefined,
      limit: undefined,
    })
    expect(error.message).toBe(
      `GET /crm/v8/org: Zoho's API limit for connection "crm" is reached (TOO_MANY_REQUESTS); Zoho did not say when to retry`,
    )
    expect(error.remedy).toMatch(
      /^Wait a minute, then retry \(calls in flight free the concurrency limit as they end; spent daily credits come back over 24 hours\)\. Zoho counts/,
    )
    expect(error.remedy).not.toContain('retry time')
  })
})
