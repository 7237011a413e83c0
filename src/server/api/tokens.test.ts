import { afterEach, describe, expect, it } from 'vitest'
import { brokerHarness, type BrokerHarness, type Json } from '../test-support.js'
import { expectError, revokeAtZoho, send } from './test-kit.js'

let harness: BrokerHarness
afterEach(() => harness?.close())

describe('GET /api/v1/connections/:id/token', () => {
  it('answers the current access token with its API domain and expiry, not cacheable', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const response = await harness.request('/api/v1/connections/acme/token')
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = (await response.json()) as Json
    const token = await harness.deps.manager.getToken('acme')
    expect(body).toEqual({
      access_token: token.accessToken,
      api_domain: 'http://127.0.0.1:9/us/api',
      expires_at: new Date(token.expiresAt).toISOString(),
      expires_in: expect.any(Number),
    })
    expect(body.expires_in).toBeGreaterThan(3500)
    expect(body.expires_in).toBeLessThanOrEqual(3600)
    expect(harness.refreshes()).toBe(0)
  })

  it('answers 100 concurrent calls with one token and no refresh', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => harness.request('/api/v1/connections/acme/token')),
    )
    const tokens = new Set(
      await Promise.all(answers.map(async (r) => ((await r.json()) as Json).access_token)),
    )
    expect(tokens.size).toBe(1)
    expect(harness.refreshes()).toBe(0)
  })

  it('answers 409 ERR_NEEDS_REAUTH with the remedy once Zoho dropped the grant', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    await revokeAtZoho(harness, (await harness.deps.store.get('acme'))?.refreshToken ?? '')
    // The forced refresh finds the grant gone; from then on no token is served.
    await expectError(
      await send(harness, 'POST', '/api/v1/connections/acme/refresh'),
      409,
      'ERR_NEEDS_REAUTH',
    )
    const error = await expectError(
      await harness.request('/api/v1/connections/acme/token'),
      409,
      'ERR_NEEDS_REAUTH',
    )
    expect(error.remedy).toBe(
      'Grant access again for "acme" (it replaces the refresh token; the connection and its settings are kept).',
    )
  })

  it('answers 404 for an unknown connection', async () => {
    harness = await brokerHarness()
    await expectError(
      await harness.request('/api/v1/connections/nobody/token'),
      404,
      'ERR_CONNECTION_NOT_FOUND',
    )
  })
})

describe('POST /api/v1/connections/:id/refresh', () => {
  it('mints a new token at once, and concurrent calls share one refresh', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const old = await harness.deps.manager.getToken('acme')
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => send(harness, 'POST', '/api/v1/connections/acme/refresh')),
    )
    const bodies = await Promise.all(answers.map(async (r) => (await r.json()) as Json))
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200))
    expect(new Set(bodies.map((b) => b.access_token)).size).toBe(1)
    expect(bodies[0]?.access_token).not.toBe(old.accessToken)
    expect(harness.refreshes()).toBe(1)
    // The token endpoint now serves the new one.
    const served = (await (await harness.request('/api/v1/connections/acme/token')).json()) as Json
    expect(served.access_token).toBe(bodies[0]?.access_token)
  })

  it("counts each mint in the connection's quota, and answers 429 ERR_TOKEN_THROTTLED once Zoho's 10 are spent", async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const quota = async (): Promise<Json> =>
      ((await (await harness.request('/api/v1/connections/acme')).json()) as { quota: Json }).quota
    expect(await quota()).toEqual({ mints_left: 9, window_seconds: 600 })
    for (let i = 0; i < 9; i++) {
      expect((await send(harness, 'POST', '/api/v1/connections/acme/refresh')).status).toBe(200)
    }
    expect(await quota()).toEqual({ mints_left: 0, window_seconds: 600 })
    const error = await expectError(
      await send(harness, 'POST', '/api/v1/connections/acme/refresh'),
      429,
      'ERR_TOKEN_THROTTLED',
    )
    expect(error.message).toMatch(
      /has used its Zoho token budget \(10 per 10 minutes\); retry after /,
    )
    expect(harness.refreshes()).toBe(9)
    // The token minted last is still served.
    expect((await harness.request('/api/v1/connections/acme/token')).status).toBe(200)
  })

  it('refuses a body with fields, and answers 404 for an unknown connection', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const error = await expectError(
      await send(harness, 'POST', '/api/v1/connections/acme/refresh', { force: true }),
      400,
      'ERR_BAD_REQUEST',
    )
    expect(error.message).toBe('Unknown field "force"')
    expect(harness.refreshes()).toBe(0)
    await expectError(
      await send(harness, 'POST', '/api/v1/connections/nobody/refresh'),
      404,
      'ERR_CONNECTION_NOT_FOUND',
    )
  })
})
