// Black-box checks of what a new user reads in the broker's answers, from a contract review.
import { afterEach, describe, expect, it } from 'vitest'
import { brokerHarness, type BrokerHarness } from './test-support.js'

let harness: BrokerHarness
afterEach(() => harness?.close())

interface ErrorBody {
  error: { code: string; message: string; remedy: string }
}

describe('requireBearer', () => {
  it('requireBearer: a 401 reads whole, not masked by the redaction of "Bearer <value>"', async () => {
    harness = await brokerHarness()
    const headerSets: Array<Record<string, string>> = [{}, { authorization: 'Bearer not-a-key' }]
    for (const headers of headerSets) {
      const response = await harness.app.request('/api/v1/connections', { headers })
      expect(response.status).toBe(401)
      const { error } = (await response.json()) as ErrorBody
      expect(error.code).toBe('ERR_UNAUTHORIZED')
      // The broker's own words hold no secret; "****" in them tells the user nothing.
      expect(error.message).not.toContain('****')
      expect(error.remedy).not.toContain('****')
      expect(error.remedy).toContain('Authorization')
    }
  })
})

describe('POST /api/v1/connect-links', () => {
  it('POST /api/v1/connect-links: a body that is not JSON gets an example of this route’s body', async () => {
    harness = await brokerHarness()
    const response = await harness.request('/api/v1/connect-links', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'nope',
    })
    expect(response.status).toBe(400)
    const { error } = (await response.json()) as ErrorBody
    expect(error.code).toBe('ERR_BAD_REQUEST')
    // The example shown was POST /api/v1/connections' body ({"id", "code"}), not this route's.
    expect(error.remedy).not.toContain('"code"')
  })
})
